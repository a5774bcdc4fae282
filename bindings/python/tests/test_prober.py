"""tether.Prober: the runtime side, driven with an injected clock."""

import pytest

import tether
from tether import wire

from conftest import frames

MS = 1_000_000


def ping_payloads(pings):
    out = {}
    for stream, frame in pings:
        ((type_, _, payload),) = frames(frame)
        assert type_ == tether.MSG_PING
        out[stream] = payload  # a PongMessage has the PingMessage's layout (nonce = 1)
    return out


def test_ping_pong_round_trip_is_measured():
    with tether.Prober(interval_ns=1000 * MS) as p:
        p.add_stream(7, "dep-a", now_ns=0)
        pings, deadline = p.poll(now_ns=0)
        assert [s for s, _ in pings] == [7]
        assert deadline is not None and deadline > 0
        p.on_pong_message(7, ping_payloads(pings)[7], now_ns=5 * MS)
        summary = p.summary("dep-a")
        assert summary["count"] == 1 and summary["timeouts"] == 0
        assert abs(summary["p50_ns"] - 5 * MS) <= 0.01 * 5 * MS
        assert p.stats()["pongs_matched"] == 1
        assert p.state("dep-a") == tether.DeploymentState.HEALTHY
        assert "tether_ping_rtt_seconds" in p.prometheus()


def test_state_changes_reach_the_python_callback_after_the_call():
    changes = []
    with tether.Prober(
        on_state_change=changes.append,
        degraded_rtt_ns=100 * MS,
        congested_rtt_ns=1000 * MS,
        escalate_after=1,
    ) as p:
        p.add_stream(1, "slow", now_ns=0)
        pings, _ = p.poll(now_ns=0)
        p.on_pong_message(1, ping_payloads(pings)[1], now_ns=2000 * MS)
        assert p.state("slow") == tether.DeploymentState.CONGESTED
    assert len(changes) == 1
    change = changes[0]
    assert change["deployment"] == "slow"
    assert change["from_state"] == tether.DeploymentState.HEALTHY
    assert change["to_state"] == tether.DeploymentState.CONGESTED
    assert change["at_ns"] == 2000 * MS


def test_a_callback_that_raises_propagates_and_the_prober_goes_on():
    def boom(change):
        raise RuntimeError("callback failed")

    with tether.Prober(on_state_change=boom, congested_rtt_ns=10 * MS,
                       degraded_rtt_ns=1 * MS) as p:
        p.add_stream(1, "d", now_ns=0)
        pings, _ = p.poll(now_ns=0)
        with pytest.raises(RuntimeError, match="callback failed"):
            p.on_pong_message(1, ping_payloads(pings)[1], now_ns=50 * MS)
        assert p.stats()["pongs_matched"] == 1


def test_a_pong_nobody_waits_for_is_counted_not_raised():
    with tether.Prober() as p:
        p.add_stream(1, "d", now_ns=0)
        p.on_pong(1, b"unknown-nonce", now_ns=1)
        assert p.stats()["pongs_unexpected"] == 1


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"no_such_option": 1}, TypeError),
        ({"interval_ns": "1s"}, TypeError),
        ({"quantile": 2.0}, tether.InvalidArgument),
        ({"interval_ns": 1, "suspect_interval_ns": 2}, tether.InvalidArgument),
        ({"escalate_after": 0}, tether.InvalidArgument),
        ({"on_state_change": 42}, TypeError),
        ({"selection": 7}, TypeError),
    ],
)
def test_bad_options_raise(kwargs, error):
    with pytest.raises(error):
        tether.Prober(**kwargs)


def test_misuse_raises():
    with tether.Prober() as p:
        with pytest.raises(tether.BadMessage):
            p.on_pong_message(1, b"\xff\xff\xff", now_ns=0)
        with pytest.raises(TypeError):
            p.add_stream("one", "d")
        with pytest.raises(TypeError):
            p.on_pong(1, "text-nonce")
        with pytest.raises(tether.TetherError):
            p.add_stream(1, "", now_ns=0)  # deployment ids are 1..255 bytes
    with pytest.raises(tether.InvalidState, match="closed"):
        p.poll()


def test_prober_against_a_session_measures_the_dispatch_loop():
    """The runtime side and the SDK side of one stream, both through the binding."""
    clock = 0
    with tether.Prober(interval_ns=10 * MS, suspect_interval_ns=10 * MS) as prober, \
            tether.Session(extensions=tether.EXT_ALL) as sdk:
        sdk.feed(wire.start())
        assert sdk.next_event().type == tether.MSG_START
        prober.add_stream(1, "python", now_ns=clock)
        for round_ in range(5):
            pings, _ = prober.poll(now_ns=clock)
            assert [s for s, _ in pings] == [1]
            sdk.feed(pings[0][1])
            clock += 3 * MS  # the dispatch loop gets to the Ping 3 ms later
            event = sdk.next_event()
            assert event.kind == tether.EventKind.PING and event.answered
            ((type_, _, payload),) = frames(sdk.take_output())
            assert type_ == tether.MSG_PONG
            prober.on_pong_message(1, payload, now_ns=clock)
            clock += 10 * MS
        summary = prober.summary("python")
        assert summary["count"] == 5 and summary["timeouts"] == 0
        assert abs(summary["p50_ns"] - 3 * MS) <= 0.01 * 3 * MS
        assert prober.stats()["pongs_matched"] == 5


def test_invalid_options_name_the_field():
    with pytest.raises(tether.InvalidArgument, match="quantile"):
        tether.Prober(quantile=2.0)
