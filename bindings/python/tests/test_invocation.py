"""tether.Invocation: Start + Input -> handler -> Output + End / Failure / Error."""

import pytest

import tether
from tether import wire

from conftest import frames


def run_to(invocation, wanted):
    while (event := invocation.poll()) is not None:
        if event == wanted:
            return event
    raise AssertionError(f"no {wanted!r} event")


def output_of(invocation):
    return frames(invocation.take_output())


def test_echo_lifecycle():
    with tether.Invocation(extensions=tether.EXT_ALL) as inv:
        assert inv.state == tether.InvocationState.WAITING_START
        inv.feed(wire.start(id=b"id-1", debug_id="inv_1", key="k") + wire.input_command(b"hi"))
        run_to(inv, tether.InvocationEvent.RUN)
        assert inv.state == tether.InvocationState.RUNNING
        given = inv.input()
        assert given["value"] == b"hi" and given["id"] == b"id-1"
        assert given["debug_id"] == "inv_1" and given["key"] == "k"
        assert given["known_entries"] == 1
        inv.complete(b"hi back")
        run_to(inv, tether.InvocationEvent.DONE)
        out = output_of(inv)
        assert [f[0] for f in out] == [tether.MSG_OUTPUT_COMMAND, tether.MSG_END]
        assert wire.fields(wire.fields(out[0][2])[14][0]) == {1: [b"hi back"]}
        with pytest.raises(tether.Closed):
            inv.poll()


def test_pings_while_the_handler_runs_are_answered_before_end():
    with tether.Invocation(extensions=tether.EXT_ALL) as inv:
        inv.feed(wire.start() + wire.input_command(b"x"))
        run_to(inv, tether.InvocationEvent.RUN)
        inv.feed(wire.ping(b"during"))
        assert inv.poll() is None  # answered inside the dispatch step, nothing for us
        inv.complete(b"y")
        run_to(inv, tether.InvocationEvent.DONE)
        types = [f[0] for f in output_of(inv)]
        assert types.index(tether.MSG_PONG) < types.index(tether.MSG_END)


def test_terminal_failure_and_retryable_error():
    with tether.Invocation(extensions=tether.EXT_ALL) as inv:
        inv.feed(wire.start() + wire.input_command(b"x"))
        run_to(inv, tether.InvocationEvent.RUN)
        inv.fail_terminal(400, "bad input")
        run_to(inv, tether.InvocationEvent.DONE)
        out = output_of(inv)
        assert [f[0] for f in out] == [tether.MSG_OUTPUT_COMMAND, tether.MSG_END]
        failure = wire.fields(wire.fields(out[0][2])[15][0])
        assert failure == {1: [400], 2: [b"bad input"]}
    with tether.Invocation(extensions=tether.EXT_ALL) as inv:
        inv.feed(wire.start() + wire.input_command(b"x"))
        run_to(inv, tether.InvocationEvent.RUN)
        inv.fail_retryable(500, "try again")
        run_to(inv, tether.InvocationEvent.DONE)
        out = output_of(inv)
        assert [f[0] for f in out] == [tether.MSG_ERROR]
        assert wire.fields(out[0][2])[1] == [500]


def test_oversize_output_becomes_a_terminal_failure_413():
    with tether.Invocation(extensions=tether.EXT_ALL, max_output_size=1000) as inv:
        inv.feed(wire.start() + wire.input_command(b"x"))
        run_to(inv, tether.InvocationEvent.RUN)
        with pytest.raises(tether.MessageTooLarge):
            inv.complete(b"z" * 5000)
        run_to(inv, tether.InvocationEvent.DONE)
        out = output_of(inv)
        failure = wire.fields(wire.fields(out[0][2])[15][0])
        assert failure[1] == [413]
        assert b"1000" in failure[2][0], "the message names the limit"


def test_replayed_journal_gets_an_error_not_a_wrong_answer():
    with tether.Invocation(extensions=tether.EXT_ALL) as inv:
        inv.feed(wire.start(known_entries=3) + wire.input_command(b"x"))
        with pytest.raises(tether.TetherError):
            while inv.poll() is not None:
                pass
        assert tether.MSG_ERROR in [f[0] for f in output_of(inv)]


def test_results_outside_running_raise_invalid_state():
    with tether.Invocation(extensions=tether.EXT_ALL) as inv:
        with pytest.raises(tether.InvalidState):
            inv.complete(b"early")
        with pytest.raises(tether.InvalidState):
            inv.fail_terminal(400, "early")
        with pytest.raises(tether.UsageError):
            inv.input()
    with pytest.raises(tether.InvalidState, match="closed"):
        inv.feed(b"")


@pytest.mark.parametrize(
    "content_type, expected",
    [
        ("application/vnd.restate.invocation.v5", 5),
        ("application/vnd.restate.invocation.v8", 8),
        ("application/vnd.restate.invocation.v4", tether.UnsupportedVersion),
        ("application/vnd.restate.invocation.v9", tether.UnsupportedVersion),
        ("application/json", tether.InvalidArgument),
    ],
)
def test_content_type_version(content_type, expected):
    if isinstance(expected, int):
        assert tether.content_type_version(content_type) == expected
    else:
        with pytest.raises(expected, match="content type"):
            tether.content_type_version(content_type)


def test_content_type_version_respects_max_version():
    with pytest.raises(tether.UnsupportedVersion):
        tether.content_type_version("application/vnd.restate.invocation.v8", max_version=7)


@pytest.mark.parametrize(
    "options, error",
    [
        ({"max_output_size": 0}, tether.InvalidArgument),
        ({"max_output_size": -5}, TypeError),
        ({"protocol_version": 3}, tether.InvalidArgument),
        ({"bogus": 1}, TypeError),
    ],
)
def test_bad_options(options, error):
    with pytest.raises(error):
        tether.Invocation(**options)


@pytest.mark.parametrize(
    "request_bytes, field",
    [
        (wire.frame(tether.MSG_START, wire.field_bytes(1, b"i") + wire.field_varint(3, 1)
                    + wire.field_bytes(6, b"key-\xff")) + wire.input_command(b"x"),
         "StartMessage.key"),
        (wire.frame(tether.MSG_START, wire.field_bytes(2, b"inv_\xc3") + wire.field_varint(3, 1))
         + wire.input_command(b"x"),
         "StartMessage.debug_id"),
        (wire.start() + wire.frame(tether.MSG_INPUT_COMMAND, wire.field_bytes(
            1, wire.field_bytes(1, b"x-bin") + wire.field_bytes(2, b"\xff\xfe"))),
         "InputCommandMessage.Header.value"),
    ],
)
def test_non_utf8_input_strings_are_a_clear_bad_message_never_a_decode_error(request_bytes, field):
    # The C API promises UTF-8 strings in the input (tether.h): another string fails the
    # invocation before RUN, so input() never has text it cannot decode.
    with tether.Invocation() as inv:
        inv.feed(request_bytes)
        with pytest.raises(tether.BadMessage) as raised:
            inv.poll()
        assert field in str(raised.value) and "UTF-8" in str(raised.value)
        assert inv.poll() == tether.InvocationEvent.DONE
        with pytest.raises(tether.InvalidState):
            inv.input()
        (error,) = output_of(inv)
        assert error[0] == tether.MSG_ERROR
        assert wire.fields(error[2])[1] == [571]
