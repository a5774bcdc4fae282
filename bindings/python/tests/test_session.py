"""Behaviour of tether.Session through the binding."""

import hashlib

import pytest

import tether
from tether import wire

from conftest import drain, frames


def test_ping_is_answered_by_the_dispatch_step_not_by_feed(session):
    session.feed(wire.start() + wire.ping(b"n-1"))
    assert session.take_output() == b"", "a Pong before dispatch would not prove the loop ran"
    start, ping = drain(session)
    assert start.kind == tether.EventKind.MESSAGE and start.type == tether.MSG_START
    assert ping.kind == tether.EventKind.PING and ping.data == b"n-1" and ping.answered
    assert frames(session.take_output()) == [(tether.MSG_PONG, 0, wire.field_bytes(1, b"n-1"))]


def test_messages_come_out_in_arrival_order_with_pings_between(session):
    session.feed(wire.start() + wire.ping(b"a") + wire.input_command(b"hello") + wire.ping(b"b"))
    kinds = [(e.kind, e.type, e.data) for e in drain(session)]
    assert [k[0] for k in kinds] == [
        tether.EventKind.MESSAGE,
        tether.EventKind.PING,
        tether.EventKind.MESSAGE,
        tether.EventKind.PING,
    ]
    assert kinds[2][1] == tether.MSG_INPUT_COMMAND
    assert wire.fields(wire.fields(kinds[2][2])[14][0]) == {1: [b"hello"]}
    pongs = frames(session.take_output())
    assert [p[2] for p in pongs] == [wire.field_bytes(1, b"a"), wire.field_bytes(1, b"b")]


def test_event_is_a_named_tuple():
    with tether.Session(extensions=tether.EXT_ALL) as s:
        s.feed(wire.start())
        event = s.next_event()
        kind, type_, flags, data, answered = event
        assert (kind, type_, flags) == (tether.EventKind.MESSAGE, tether.MSG_START, 0)
        assert isinstance(data, bytes) and answered is False
        assert isinstance(event, tether.Event)
        assert s.next_event() is None


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_any_contiguous_buffer_is_accepted(kind):
    with tether.Session(extensions=tether.EXT_ALL) as s:
        data = wire.start() + wire.ping(b"x")
        assert s.feed(kind(data)) == len(data)
        assert [e.kind for e in drain(s)][-1] == tether.EventKind.PING


def test_feed_split_at_every_byte_gives_the_same_events():
    data = wire.start() + wire.ping(b"nonce") + wire.input_command(b"x" * 100)
    with tether.Session(extensions=tether.EXT_ALL) as s:
        view = memoryview(data)
        for i in range(len(data)):
            assert s.feed(view[i : i + 1]) == 1
        events = drain(s)
    assert [e.type for e in events] == [tether.MSG_START, tether.MSG_PING, tether.MSG_INPUT_COMMAND]


def test_send_frames_output_and_chunks_above_max_frame_payload():
    payload = bytes(range(256)) * 20  # 5120 bytes
    with tether.Session(extensions=tether.EXT_ALL, max_frame_payload=1024) as s:
        s.feed(wire.start())
        drain(s)
        s.send(tether.MSG_OUTPUT_COMMAND, payload)
        out = frames(s.take_output())
    assert [f[0] for f in out] == [tether.MSG_OUTPUT_COMMAND] * 5
    assert [bool(f[1] & tether.FLAG_CONTINUED) for f in out] == [True] * 4 + [False]
    assert b"".join(f[2] for f in out) == payload


def test_incoming_chunks_are_reassembled_with_pings_between(session):
    body = b"z" * 3000
    parts = [body[:1000], body[1000:2000], body[2000:]]
    data = wire.start()
    for i, part in enumerate(parts):
        flags = tether.FLAG_CONTINUED if i < 2 else 0
        data += wire.frame(tether.MSG_INPUT_COMMAND, part, flags)
        if i < 2:
            data += wire.ping(bytes([i]))
    session.feed(data)
    events = drain(session)
    kinds = [e.kind for e in events]
    assert kinds.count(tether.EventKind.PING) == 2
    message = [e for e in events if e.type == tether.MSG_INPUT_COMMAND]
    assert len(message) == 1 and message[0].data == body


def test_large_message_takes_the_gil_releasing_path_intact():
    """Buffers over 64 KiB take the GIL-releasing path; the bytes must be the same."""
    payload = hashlib.sha256(b"seed").digest() * (3 * 1024 * 1024 // 32)
    with tether.Session(extensions=tether.EXT_ALL) as s:
        s.feed(wire.start())
        drain(s)
        s.send(tether.MSG_OUTPUT_COMMAND, memoryview(payload))
        out = s.take_output()
    chunks = frames(out)
    assert len(chunks) == 3
    assert b"".join(f[2] for f in chunks) == payload


def test_oversize_send_raises_and_the_session_stays_usable():
    with tether.Session(extensions=tether.EXT_ALL, max_message_size=4096) as s:
        s.feed(wire.start())
        drain(s)
        with pytest.raises(tether.MessageTooLarge) as raised:
            s.send(tether.MSG_OUTPUT_COMMAND, b"x" * 4097)
        assert isinstance(raised.value, tether.LimitError)
        assert s.take_output() == b"", "nothing of an oversize message may be queued"
        s.send(tether.MSG_OUTPUT_COMMAND, b"x" * 4096)
        assert b"".join(f[2] for f in frames(s.take_output())) == b"x" * 4096


def test_outbound_watermark_raises_would_block_then_writable():
    with tether.Session(extensions=tether.EXT_ALL, outbound_high_watermark=8192, outbound_low_watermark=1024) as s:
        s.feed(wire.start())
        drain(s)
        sent = 0
        with pytest.raises(tether.WouldBlock) as raised:
            for _ in range(100):
                s.send(tether.MSG_OUTPUT_COMMAND, b"y" * 1000)
                sent += 1
        assert raised.value.retryable and not raised.value.fatal
        assert 0 < sent < 100
        out = s.take_output()
        assert len(frames(out)) == sent
        assert [e.kind for e in drain(s)] == [tether.EventKind.WRITABLE]
        s.send(tether.MSG_OUTPUT_COMMAND, b"y")


def test_inbound_budget_takes_what_fits_and_nothing_is_lost():
    limits = dict(max_frame_payload=1024, max_message_size=4096)
    budget = 4096 + 1024 + 8
    stream = wire.start() + b"".join(
        wire.input_command(bytes([i]) * 900) for i in range(64)
    )
    received = hashlib.sha256()
    with tether.Session(extensions=tether.EXT_ALL, inbound_budget=budget, **limits) as s:
        view = memoryview(stream)
        partial = 0
        while view:
            taken = s.feed(view)
            partial += taken < len(view)
            view = view[taken:]
            for event in drain(s):
                if event.type == tether.MSG_INPUT_COMMAND:
                    received.update(event.data)
    expected = hashlib.sha256()
    for i in range(64):
        expected.update(wire.field_bytes(14, wire.value(bytes([i]) * 900)))
    assert partial > 0, "the budget never filled: the test would prove nothing"
    assert received.digest() == expected.digest()


def test_stats_count_what_went_through(session):
    session.feed(wire.start() + wire.ping(b"p"))
    drain(session)
    session.send(tether.MSG_OUTPUT_COMMAND, b"out")
    out = session.take_output()
    stats = session.stats()
    assert stats["pings_answered"] == 1
    assert stats["messages_in"] >= 1 and stats["messages_out"] >= 1
    assert stats["bytes_out"] == len(out)
    assert stats["outbound_buffered"] == 0


def test_take_output_with_a_limit_and_consume_output(session):
    session.feed(wire.start())
    drain(session)
    session.send(tether.MSG_OUTPUT_COMMAND, b"0123456789")
    head = session.take_output(limit=5)
    assert len(head) == 5
    rest = session.pending_output()
    session.consume_output(len(rest))
    assert frames(head + rest)[0][2] == b"0123456789"
    assert session.take_output() == b""


def test_finish_input_inside_a_frame_raises_truncated(session):
    session.feed(wire.start()[:-1])
    with pytest.raises(tether.Truncated):
        session.finish_input()
