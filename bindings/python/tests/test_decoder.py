"""tether.Decoder: frames out of bytes split anywhere; limits checked on the header."""

import pytest

import tether
from tether import wire


def test_frames_split_at_every_byte():
    data = wire.ping(b"a") + wire.input_command(b"x" * 50) + wire.end()
    with tether.Decoder() as d:
        for i in range(len(data)):
            assert d.feed(data[i : i + 1]) == 1
        out = []
        while (frame := d.next()) is not None:
            out.append(frame)
        d.finish()
    assert [f[0] for f in out] == [tether.MSG_PING, tether.MSG_INPUT_COMMAND, tether.MSG_END]


def test_header_over_the_limit_fails_before_the_payload():
    with tether.Decoder(max_frame_payload=16) as d:
        with pytest.raises(tether.FrameTooLarge, match="16"):
            d.feed(tether.encode_frame_header(tether.MSG_INPUT_COMMAND, 0, 17))
        with pytest.raises(tether.StreamFailed):
            d.feed(b"")


def test_continued_needs_allow_continued():
    chunk = wire.frame(tether.MSG_INPUT_COMMAND, b"x", tether.FLAG_CONTINUED)
    with tether.Decoder() as d, pytest.raises(tether.BadFlags):
        d.feed(chunk)
    with tether.Decoder(allow_continued=True) as d:
        d.feed(chunk)
        assert d.next() == (tether.MSG_INPUT_COMMAND, tether.FLAG_CONTINUED, b"x")


def test_misuse():
    with tether.Decoder() as d:
        d.feed(wire.ping(b"n")[:5])
        with pytest.raises(tether.Truncated):
            d.finish()
    with pytest.raises(tether.InvalidState, match="closed"):
        d.next()
    with pytest.raises(TypeError):
        tether.Decoder(max_frame_payload="big")
    with pytest.raises(tether.InvalidArgument):
        tether.Decoder(max_frame_payload=1024, max_buffered=10)
