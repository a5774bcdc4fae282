"""tether.asgi.TetherMiddleware in front of the real restate-sdk, served by hypercorn
over h2c on loopback; a raw h2 client plays the runtime. A recorder between the
middleware and the SDK shows what the SDK itself was given."""

from __future__ import annotations

import importlib.util
import pathlib
import socket
import time

import pytest
import restate

import tether
import tether.asgi
from tether import wire

from asgi_server import Server
from conftest import frames, messages
from h2c import Client

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "sdk_service.py"
LIMIT = 4 << 20  # the runtime's message limit these servers are given
V6 = "application/vnd.restate.invocation.v6"
OFFER = "ping/1, chunked/1"
TEST_ID = "x-test-id"


def load_example():
    spec = importlib.util.spec_from_file_location("sdk_service", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sdk_service = load_example()


class Recorder:
    """ASGI app in front of the SDK's: records, per x-test-id, every message the SDK's
    receive() returned and whether the SDK's app call came back."""

    def __init__(self, app):
        self.app = app
        self.received: dict[str, list[dict]] = {}
        self.returned: set[str] = set()

    async def __call__(self, scope, receive, send):
        key = dict(scope.get("headers", ())).get(TEST_ID.encode(), b"").decode()
        log = self.received.setdefault(key, [])

        async def recording_receive():
            message = await receive()
            log.append(message)
            return message

        try:
            await self.app(scope, recording_receive, send)
        finally:
            self.returned.add(key)

    def sdk_input(self, key: str) -> bytes:
        return b"".join(m.get("body", b"") for m in self.received.get(key, ())
                        if m["type"] == "http.request")

    def saw_disconnect(self, key: str) -> bool:
        return any(m["type"] == "http.disconnect" for m in self.received.get(key, ()))


@pytest.fixture(scope="module")
def tethered():
    recorder = Recorder(restate.app(services=[sdk_service.echo_service]))
    app = tether.asgi.TetherMiddleware(recorder, max_output_size=LIMIT, max_message_size=LIMIT)
    with Server(app) as server:
        server.recorder = recorder
        yield server


@pytest.fixture(scope="module")
def stock():
    recorder = Recorder(restate.app(services=[sdk_service.echo_service]))
    with Server(recorder) as server:
        server.recorder = recorder
        yield server


def headers(key: str, offer: str | None = OFFER, content_type: str = V6) -> dict[str, str]:
    out = {"content-type": content_type, TEST_ID: key}
    if offer is not None:
        out[tether.EXTENSIONS_HEADER] = offer
    return out


def invoke(server, key, handler, body, offer=OFFER):
    with Client(server.port) as client:
        return client.finish(client.request("POST", f"/invoke/Echo/{handler}",
                                            headers(key, offer), body))


def output(response):
    """The OutputCommand's fields; the response must end with End."""
    out = messages(bytes(response.body))
    assert [m[0] for m in out][-1:] == [tether.MSG_END], out
    (found,) = [m for m in out if m[0] == tether.MSG_OUTPUT_COMMAND]
    return wire.fields(found[1])


def value_of(response) -> bytes:
    return wire.fields(output(response)[14][0])[1][0]


def test_echo_negotiates_the_extensions_and_hands_the_sdk_the_same_bytes(tethered):
    body = wire.start() + wire.input_command(b"hello")
    response = invoke(tethered, "echo", "echo", body)
    assert response.status == 200
    assert response.headers[tether.EXTENSIONS_HEADER] == OFFER
    assert value_of(response) == b"hello"
    assert tethered.recorder.sdk_input("echo") == body


@pytest.mark.parametrize("handler, value", [("echo", b"plain"), ("big", str(2 << 20).encode()),
                                            ("big", b"not a number")])
def test_without_an_offer_the_stream_is_byte_for_byte_the_stock_sdks(tethered, stock, handler, value):
    body = wire.start() + wire.input_command(value)
    ours = invoke(tethered, f"plain-{handler}-{value[:3]!r}", handler, body, offer=None)
    theirs = invoke(stock, f"plain-{handler}-{value[:3]!r}", handler, body, offer=None)
    assert ours.status == theirs.status == 200
    assert tether.EXTENSIONS_HEADER not in ours.headers
    assert bytes(ours.body) == bytes(theirs.body)


def test_big_output_is_chunked_at_the_frame_bound_when_negotiated(tethered):
    n = 3 << 20
    response = invoke(tethered, "big-chunked", "big", wire.start() + wire.input_command(str(n).encode()))
    out = frames(bytes(response.body))
    outputs = [f for f in out if f[0] == tether.MSG_OUTPUT_COMMAND]
    assert len(outputs) > 1 and all(len(f[2]) <= tether.DEFAULT_MAX_FRAME_PAYLOAD for f in outputs)
    assert [bool(f[1] & tether.FLAG_CONTINUED) for f in outputs] == [True] * (len(outputs) - 1) + [False]
    assert value_of(response) == bytes(n)


def test_pings_behind_a_blocked_loop_are_answered_in_order_before_end(tethered):
    nonces = [b"behind-%d" % i for i in range(5)]
    with Client(tethered.port) as client:
        stream = client.request("POST", "/invoke/Echo/block", headers("block"),
                                wire.start() + wire.input_command(b"300"), end=False)
        response = client.responses[stream]
        client.wait(lambda: response.status is not None)  # Pings only once ping/1 is accepted
        assert response.headers[tether.EXTENSIONS_HEADER] == OFFER
        for nonce in nonces:
            client.send(stream, wire.ping(nonce))
        client.wait(lambda: wire.end() in response.body)
        client.send(stream, b"", end=True)
        client.finish(stream)
    out = messages(bytes(response.body))
    pongs = [wire.fields(m[1])[1][0] for m in out if m[0] == tether.MSG_PONG]
    assert pongs == nonces
    assert [m[0] for m in out][-1] == tether.MSG_END
    assert wire.fields(output(response)[14][0]) == {1: [b"ok"]}
    assert tethered.recorder.sdk_input("block") == wire.start() + wire.input_command(b"300")


def test_chunked_input_is_reassembled_before_the_sdk_sees_it(tethered):
    value = bytes(range(256)) * (10 << 10)  # 2.5 MiB
    chunk = 256 << 10
    with Client(tethered.port) as client:
        stream = client.request("POST", "/invoke/Echo/echo", headers("chunked-in"), wire.start(),
                                end=False)
        response = client.responses[stream]
        client.wait(lambda: response.status is not None)
        pieces = wire.chunked(tether.MSG_INPUT_COMMAND, wire.field_bytes(14, wire.value(value)), chunk)
        for i, (type_, flags, payload) in enumerate(frames(pieces)):
            client.send(stream, wire.frame(type_, payload, flags))
            if flags & tether.FLAG_CONTINUED:  # a Ping between two chunks, answered at once
                nonce = b"between-%d" % i
                client.send(stream, wire.ping(nonce))
                client.wait(lambda: wire.pong(nonce) in response.body)
        client.send(stream, b"", end=True)
        client.finish(stream)
    assert value_of(response) == value
    sdk = tethered.recorder.sdk_input("chunked-in")
    assert sdk == wire.start() + wire.input_command(value)  # one plain frame, no Ping


def test_oversize_output_is_a_terminal_413_where_the_stock_sdk_sends_it_whole(tethered, stock):
    body = wire.start() + wire.input_command(str(LIMIT + 1).encode())
    for offer in (OFFER, None):
        response = invoke(tethered, f"oversize-{offer}", "big", body, offer=offer)
        assert response.ended
        out = messages(bytes(response.body))
        assert [m[0] for m in out] == [tether.MSG_OUTPUT_COMMAND, tether.MSG_END]
        failure = wire.fields(wire.fields(out[0][1])[15][0])
        assert failure[1] == [413]
        text = failure[2][0].decode()
        assert str(LIMIT) in text and "limit" in text  # names the limit (and the size)
    theirs = frames(bytes(invoke(stock, "oversize", "big", body).body), max_frame_payload=2 * LIMIT)
    assert [f[0] for f in theirs] == [tether.MSG_OUTPUT_COMMAND, tether.MSG_END]
    assert len(theirs[0][2]) > LIMIT  # what a real runtime refuses and retries forever


def test_a_runtime_that_disconnects_mid_stream_ends_the_sdk_and_the_server_carries_on(tethered):
    client = Client(tethered.port, window=65535)  # too small for the output: it stalls
    stream = client.request("POST", "/invoke/Echo/big", headers("gone"),
                            wire.start() + wire.input_command(str(3 << 20).encode()), end=False)
    response = client.responses[stream]
    client.wait(lambda: response.status is not None and len(response.body) > 0)
    client.sock.shutdown(socket.SHUT_RDWR)
    client.sock.close()
    deadline = time.monotonic() + 20
    while "gone" not in tethered.recorder.returned and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "gone" in tethered.recorder.returned  # the SDK's call came back
    assert tethered.recorder.saw_disconnect("gone")
    assert value_of(invoke(tethered, "after-gone", "echo",
                           wire.start() + wire.input_command(b"still here"))) == b"still here"


MALFORMED = {
    "ping-not-negotiated": (None, wire.ping(b"x")),
    "unknown-control-type": (OFFER, wire.frame(0x00FF, b"")),
    "truncated-header": (OFFER, wire.input_command(b"abc")[:5]),
    "command-between-chunks": (OFFER, wire.frame(tether.MSG_INPUT_COMMAND, b"\x72\x02", tether.FLAG_CONTINUED)
                               + wire.frame(0x0402, b"")),
    "ping-without-nonce": (OFFER, wire.frame(tether.MSG_PING, b"")),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_input_gets_571_and_the_sdk_sees_none_of_it(tethered, case):
    offer, bad = MALFORMED[case]
    with Client(tethered.port) as client:
        stream = client.request("POST", "/invoke/Echo/echo", headers(f"bad-{case}", offer),
                                wire.start(), end=False)
        response = client.responses[stream]
        client.wait(lambda: response.status is not None)
        client.send(stream, bad, end=True)
        client.finish(stream)
    out = messages(bytes(response.body))
    errors = [wire.fields(m[1]) for m in out if m[0] == tether.MSG_ERROR]
    assert len(errors) == 1 and errors[0][1] == [571], out
    assert errors[0][2][0]  # names the problem
    assert tether.MSG_OUTPUT_COMMAND not in [m[0] for m in out]
    assert tethered.recorder.sdk_input(f"bad-{case}") in (b"", wire.start())
    assert tethered.recorder.saw_disconnect(f"bad-{case}")
    assert value_of(invoke(tethered, f"after-{case}", "echo",
                           wire.start() + wire.input_command(b"fine"))) == b"fine"


def test_a_malformed_extensions_header_is_refused_with_400(tethered):
    with Client(tethered.port) as client:
        response = client.finish(client.request("POST", "/invoke/Echo/echo",
                                                headers("bad-offer", "ping/1; q=1"), wire.start()))
    assert response.status == 400
    assert tether.EXTENSIONS_HEADER.encode() in bytes(response.body)
    assert "bad-offer" not in tethered.recorder.received  # the SDK never saw the request


@pytest.mark.parametrize("version", [4, 8, 9])
def test_a_version_the_sdk_does_not_advertise_gets_415_naming_the_range(tethered, stock, version):
    # restate-sdk 1.3.0 advertises V5..V7 and alone runs V8 and answers V4/V9 with 500.
    key = f"version-{version}"
    content_type = f"application/vnd.restate.invocation.v{version}"
    with Client(tethered.port) as client:
        response = client.finish(client.request("POST", "/invoke/Echo/echo",
                                                headers(key, None, content_type),
                                                wire.start() + wire.input_command(b"x")))
    assert response.status == 415
    said = bytes(response.body)
    assert (f"V{version}".encode() in said or content_type.encode() in said) and b"V5..V7" in said
    assert key not in tethered.recorder.received  # the SDK never saw the stream
    with Client(stock.port) as client:
        theirs = client.finish(client.request("POST", "/invoke/Echo/echo",
                                              headers(key, None, content_type),
                                              wire.start() + wire.input_command(b"x")))
    assert theirs.status in (200, 500), "the stock SDK's answer changed: revisit this test"


def test_an_app_without_a_manifest_gets_every_version():
    seen = []

    async def app(scope, receive, send):  # no /discover: 404, as any unknown route
        seen.append(scope["path"])
        while (await receive()).get("more_body", False):
            pass  # the request read to its end first (hypercorn drops it otherwise)
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    with Server(tether.asgi.TetherMiddleware(app)) as server, Client(server.port) as client:
        for version in (4, 9):
            response = client.finish(client.request(
                "POST", "/x/invoke/S/h", {"content-type": f"application/vnd.restate.invocation.v{version}"},
                wire.start()))
            assert response.status == 404  # the app's own answer
    assert seen == ["/x/discover", "/x/invoke/S/h", "/x/invoke/S/h"]  # read once


@pytest.mark.parametrize("path, method, accept", [
    ("/discover", "GET", "application/vnd.restate.endpointmanifest.v3+json"),
    ("/health", "GET", "*/*"),
    ("/invoke/Echo/nope", "POST", "*/*"),
    ("/invoke/Echo/echo", "POST", "application/json"),  # no invocation content type: the SDK's answer
])
def test_other_requests_go_to_the_sdk_untouched(tethered, stock, path, method, accept):
    def ask(server):
        with Client(server.port) as client:
            hdrs = {"accept": accept, "content-type": accept}
            response = client.finish(client.request(method, path, hdrs, b"" if method == "GET" else wire.start()))
            return response.status, bytes(response.body)
    assert ask(tethered) == ask(stock)


@pytest.mark.parametrize("options, error", [
    ({"max_output_size": 0}, tether.InvalidArgument),
    ({"extensions": 0x80}, tether.InvalidArgument),
    ({"max_frame_payload": -1}, TypeError),
    ({"colour": 1}, TypeError),
])
def test_bad_options_raise_when_the_middleware_is_made(options, error):
    with pytest.raises(error):
        tether.asgi.TetherMiddleware(restate.app(services=[]), **options)
