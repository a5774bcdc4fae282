"""Misuse of the binding raises a Python exception; it never crashes the process."""

import threading

import pytest

import tether
from tether import wire

from conftest import drain, frames

CALLS = [
    ("feed", (b"",)),
    ("finish_input", ()),
    ("next_event", ()),
    ("send", (tether.MSG_OUTPUT_COMMAND, b"x")),
    ("take_output", ()),
    ("pending_output", ()),
    ("consume_output", (0,)),
    ("stats", ()),
]


@pytest.mark.parametrize("name, args", CALLS)
def test_every_call_after_close_raises_invalid_state(name, args):
    s = tether.Session(extensions=tether.EXT_ALL)
    s.close()
    with pytest.raises(tether.InvalidState, match="closed"):
        getattr(s, name)(*args)
    with pytest.raises(tether.UsageError):
        s.last_error
    s.close()  # closing twice is allowed
    assert s.closed


def test_context_manager_closes_even_on_error():
    with pytest.raises(RuntimeError):
        with tether.Session(extensions=tether.EXT_ALL) as s:
            raise RuntimeError("handler failed")
    assert s.closed
    with pytest.raises(tether.InvalidState):
        s.feed(b"")


@pytest.mark.parametrize("bad", ["text", 42, None, [1, 2], 3.5])
def test_feed_of_a_non_buffer_raises_type_error(session, bad):
    with pytest.raises(TypeError):
        session.feed(bad)


def test_non_contiguous_view_raises_buffer_error(session):
    with pytest.raises(BufferError):
        session.feed(memoryview(b"abcdef")[::2])


@pytest.mark.parametrize(
    "args",
    [("1", b"x"), (-1, b"x"), (0x10000, b"x"), (tether.MSG_OUTPUT_COMMAND, "text")],
)
def test_send_with_wrong_types_raises_type_error(session, args):
    session.feed(wire.start())
    drain(session)
    with pytest.raises(TypeError):
        session.send(*args)


@pytest.mark.parametrize(
    "options, error",
    [
        ({"protocol_version": 4}, tether.InvalidArgument),
        ({"protocol_version": 9}, tether.InvalidArgument),
        ({"max_frame_payload": 0}, tether.InvalidArgument),
        ({"inbound_budget": 10}, tether.InvalidArgument),
        ({"protocol_version": "8"}, TypeError),
        ({"protocol_version": -1}, TypeError),
        ({"max_frame_payload": 1 << 40}, TypeError),
        ({"no_such_option": 1}, TypeError),
    ],
)
def test_bad_options_raise(options, error):
    with pytest.raises(error):
        tether.Session(**options)


def test_positional_options_are_refused():
    with pytest.raises(TypeError):
        tether.Session(8)


def test_consume_more_than_pending_raises(session):
    with pytest.raises(tether.UsageError):
        session.consume_output(1)


def test_bytes_fed_after_a_fatal_error_raise_stream_failed():
    with tether.Session(extensions=tether.EXT_ALL) as s:
        bad = wire.start() + wire.frame(0x00FF, b"")  # unknown control type
        with pytest.raises(tether.UnknownType) as raised:
            s.feed(bad)
        assert raised.value.fatal
        assert "0x00ff" in str(raised.value), "the message names what was wrong"
        assert s.last_error
        with pytest.raises(tether.StreamFailed):
            s.feed(wire.ping(b"late"))
        with pytest.raises(tether.StreamFailed):
            s.feed(wire.ping(b"later"))
        # the session queued an ErrorMessage naming the problem for the runtime
        types = [f[0] for f in frames(s.take_output())]
        assert tether.MSG_ERROR in types


def test_ping_below_v8_is_a_protocol_error():
    with tether.Session(protocol_version=7) as s:
        with pytest.raises(tether.ProtocolError):
            s.feed(wire.start() + wire.ping(b"n"))
            drain(s)


def test_close_while_another_thread_is_inside_raises_instead_of_freeing():
    """feed() of a large buffer runs without the GIL: another thread may try to close
    the session meanwhile. It must be told to wait (UsageError), never free under it."""
    big = wire.frame(tether.MSG_INPUT_COMMAND, b"q" * (8 << 20))
    s = tether.Session(extensions=tether.EXT_ALL, max_frame_payload=16 << 20)
    s.feed(wire.start())
    errors = []
    ready = threading.Event()

    def feeder():
        ready.set()
        try:
            for _ in range(20):
                s.feed(big)
                drain(s)
        except tether.TetherError as e:  # closed under it, or the stream failed: both fine
            errors.append(e)

    thread = threading.Thread(target=feeder)
    thread.start()
    ready.wait()
    refused = 0
    while True:
        try:
            s.close()
            break
        except tether.InvalidState:
            refused += 1
    thread.join()
    assert s.closed
    assert all(isinstance(e, tether.TetherError) for e in errors)
