"""tether.Middleware (a session in front of an upstream SDK) and the tether-extensions
helpers, without a network: bytes in, bytes out."""

import pytest

import tether
from tether import wire

from conftest import frames, messages


def sdk_input(m: tether.Middleware) -> bytes:
    out = bytearray()
    while piece := m.take_sdk_input():
        out += piece
    return bytes(out)


def test_pings_are_answered_at_take_and_everything_else_is_handed_on_unchanged():
    with tether.Middleware(extensions=tether.EXT_ALL) as m:
        plain = wire.start() + wire.input_command(b"x") + wire.frame(0x0300, b"ephemeral")
        assert m.feed(wire.start() + wire.ping(b"a") + wire.input_command(b"x")
                      + wire.frame(0x0300, b"ephemeral")) > 0
        assert m.take_output() == b""  # fed, not yet dispatched: no Pong
        assert sdk_input(m) == plain
        assert m.take_output() == wire.pong(b"a")
        assert m.stats()["pings_answered"] == 1


def test_chunks_reach_the_sdk_as_one_plain_frame_with_pings_between_answered():
    body = wire.field_bytes(14, wire.value(bytes(range(256)) * 40))
    chunks = frames(wire.chunked(tether.MSG_INPUT_COMMAND, body, 1000))
    with tether.Middleware(extensions=tether.EXT_ALL) as m:
        m.feed(wire.start())
        got = sdk_input(m)
        for i, (type_, flags, payload) in enumerate(chunks):
            m.feed(wire.frame(type_, payload, flags) + wire.ping(b"p%d" % i))
            got += sdk_input(m)
        assert got == wire.start() + wire.frame(tether.MSG_INPUT_COMMAND, body)
        pongs = [wire.fields(p)[1][0] for t, p in messages(m.take_output()) if t == tether.MSG_PONG]
        assert pongs == [b"p%d" % i for i in range(len(chunks))]


def test_input_ends_with_none_once_everything_was_taken():
    with tether.Middleware() as m:
        m.feed(wire.start())
        m.finish_input()
        assert sdk_input(m) == wire.start()
        assert m.take_sdk_input() is None


@pytest.mark.parametrize("extensions, bad", [
    (0, wire.ping(b"not negotiated")),
    (tether.EXT_PING, wire.frame(tether.MSG_INPUT_COMMAND, b"abc", tether.FLAG_CONTINUED)),
    (tether.EXT_ALL, wire.frame(0x00FF, b"")),
    (tether.EXT_ALL, wire.frame(tether.MSG_PING, b"")),
])
def test_malformed_input_fails_at_take_with_an_error_message_571(extensions, bad):
    with tether.Middleware(extensions=extensions) as m:
        m.feed(wire.start())
        assert sdk_input(m) == wire.start()
        try:
            m.feed(bad)
            m.take_sdk_input()
        except tether.TetherError as e:
            assert str(e)  # says what was wrong
        else:
            pytest.fail("malformed input was taken")
        (error,) = [p for t, p in messages(m.take_output()) if t == tether.MSG_ERROR]
        assert wire.fields(error)[1] == [571] and wire.fields(error)[2][0]


def test_sdk_output_passes_through_byte_for_byte_when_nothing_is_negotiated():
    out = wire.output_command(bytes(100_000)) + wire.end()
    with tether.Middleware() as m:
        taken = 0
        while taken < len(out):
            n, blocked = m.sdk_output(out[taken : taken + 777])  # split anywhere
            assert not blocked
            taken += n
        assert m.sdk_output_end() is False
        assert m.take_output() == out


def test_sdk_output_is_chunked_at_the_frame_bound_when_chunked_is_active():
    value = bytes(5000)
    with tether.Middleware(extensions=tether.EXT_CHUNKED, max_frame_payload=1024) as m:
        out = wire.output_command(value) + wire.end()
        assert m.sdk_output(out) == (len(out), False)
        raw = m.take_output()
    got = frames(raw, max_frame_payload=1024, max_buffered=1 << 20)  # a frame over 1024 fails
    assert len([f for f in got if f[1] & tether.FLAG_CONTINUED]) >= 4
    assert messages(raw) == [(tether.MSG_OUTPUT_COMMAND, wire.output_command_body(value)),
                             (tether.MSG_END, b"")]


def test_the_first_oversize_message_becomes_a_terminal_413_and_the_rest_is_dropped():
    with tether.Middleware(max_output_size=1000) as m:
        small = wire.frame(0x0402, b"state")  # an ordinary command before it goes out
        with pytest.raises(tether.MessageTooLarge) as info:
            m.sdk_output(small + wire.output_command(bytes(2000)))
        assert "1000" in str(info.value)
        assert m.replaced
        later = wire.output_command(b"later") + wire.end()
        assert m.sdk_output(later) == (len(later), False)  # taken and dropped
        out = messages(m.take_output())
    assert [t for t, _ in out] == [0x0402, tether.MSG_OUTPUT_COMMAND, tether.MSG_END]
    failure = wire.fields(wire.fields(out[1][1])[15][0])
    assert failure[1] == [413] and b"1000" in failure[2][0]


def test_output_at_the_high_watermark_is_taken_in_part():
    # the first message is queued whole (below the mark), the second waits for room
    out = wire.output_command(bytes(300_000)) + wire.output_command(b"second") + wire.end()
    with tether.Middleware(outbound_high_watermark=65536, outbound_low_watermark=16384) as m:
        written = bytearray()
        taken, blocked = m.sdk_output(out)
        assert blocked, "300 KB queued over a 64 KiB high watermark"
        while blocked:
            written += m.take_output()
            n, blocked = m.sdk_output(out[taken:])
            taken += n
        assert taken == len(out)
        written += m.take_output()
    assert bytes(written) == out


@pytest.mark.parametrize("extensions", [0, tether.EXT_CHUNKED])
def test_a_large_message_is_passed_on_in_pieces_never_queued_whole(extensions):
    # 3 MiB through a 256 KiB high watermark: the queue never holds the message whole
    # (the SDK's own buffer is the one copy), and the wire is the message (chunked
    # at the frame bound with chunked/1).
    payload = bytes(range(256)) * (3 << 12)
    out = wire.output_command(payload) + wire.end()
    high = 256 << 10
    with tether.Middleware(extensions=extensions, outbound_high_watermark=high,
                           outbound_low_watermark=high // 4) as m:
        view, written, writes = memoryview(out), bytearray(), 0
        blocked = True
        while view or blocked:
            taken, blocked = m.sdk_output(view)
            view = view[taken:]
            while piece := m.take_output(1 << 20):
                written += piece
                writes += 1
        assert not m.sdk_output_end()
        written += m.take_output()
        peak = m.stats()["peak_outbound_buffered"]
    assert peak <= high + 64, f"peak {peak} over the high watermark"
    assert writes >= len(out) // high
    if extensions:
        got = frames(bytes(written))
        assert [len(f[2]) for f in got][:3] == [1 << 20, 1 << 20, 1 << 20]
        assert b"".join(f[2] for f in got if f[0] == tether.MSG_OUTPUT_COMMAND) == \
            wire.output_command(payload)[8:]
    else:
        assert bytes(written) == out


def test_output_that_stops_inside_a_frame_is_reported_at_its_end():
    with tether.Middleware() as m:
        m.sdk_output(wire.output_command(b"cut")[:6])
        with pytest.raises(tether.TetherError):
            m.sdk_output_end()


def test_misuse_raises_instead_of_crashing():
    m = tether.Middleware()
    with pytest.raises(TypeError):
        m.feed("text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        m.sdk_output(12)  # type: ignore[arg-type]
    m.close()
    m.close()
    with pytest.raises(tether.InvalidState):
        m.take_sdk_input()
    with pytest.raises(tether.InvalidState):
        m.sdk_output(b"")
    assert m.closed


@pytest.mark.parametrize("options, error", [
    ({"max_output_size": 0}, tether.InvalidArgument),
    ({"max_output_size": -5}, TypeError),
    ({"extensions": 0x80}, tether.InvalidArgument),
    ({"colour": 1}, TypeError),
])
def test_bad_options_raise(options, error):
    with pytest.raises(error):
        tether.Middleware(**options)


@pytest.mark.parametrize("value, supported, accepted", [
    ("ping/1, chunked/1", tether.EXT_ALL, tether.EXT_ALL),
    ("CHUNKED/1,ping/1", tether.EXT_ALL, tether.EXT_ALL),
    (" ping/1 ,\tping/1 ", tether.EXT_ALL, tether.EXT_PING),
    ("ping/2, later/1", tether.EXT_ALL, 0),
    (b"ping/1, chunked/1", tether.EXT_PING, tether.EXT_PING),
    ("", tether.EXT_ALL, 0),
    (None, tether.EXT_ALL, 0),
])
def test_extensions_parse_accepts_what_both_sides_name(value, supported, accepted):
    assert tether.extensions_parse(value, supported) == accepted


def test_extensions_parse_names_what_is_malformed():
    with pytest.raises(tether.InvalidArgument, match=tether.EXTENSIONS_HEADER):
        tether.extensions_parse("ping/1, " + "x" * tether.EXTENSIONS_MAX_LENGTH)
    with pytest.raises(TypeError):
        tether.extensions_parse(12)  # type: ignore[arg-type]


def test_extensions_format_is_the_header_value():
    assert tether.extensions_format(tether.EXT_ALL) == "ping/1, chunked/1"
    assert tether.extensions_format(tether.EXT_PING) == "ping/1"
    assert tether.extensions_format(0) == ""
    with pytest.raises(tether.InvalidArgument):
        tether.extensions_format(0x80)
