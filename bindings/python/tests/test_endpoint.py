"""The reference endpoint (examples/endpoint.py) over real h2c on loopback."""

import json
import pathlib
import re
import subprocess
import sys
import time

import pytest

import tether
from tether import wire

from conftest import frames, messages
from h2c import Client

ENDPOINT = pathlib.Path(__file__).resolve().parents[1] / "examples" / "endpoint.py"
LIMIT = 4 << 20
V8 = "application/vnd.restate.invocation.v8"
OFFER = {tether.EXTENSIONS_HEADER: "ping/1, chunked/1"}  # what a tether runtime side offers
OFFERED = {"content-type": V8, **OFFER}


@pytest.fixture(scope="module")
def endpoint():
    """(port, pid) of a running endpoint."""
    process = subprocess.Popen(
        [sys.executable, str(ENDPOINT), "--port", "0", "--max-message-size", str(LIMIT)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.match(r"listening on http://127\.0\.0\.1:(\d+)", line)
        assert match, f"endpoint did not start: {line!r} {process.stderr.read() if process.poll() is not None else ''}"
        yield int(match.group(1)), process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def port(endpoint):
    return endpoint[0]


def rss_mib(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * 4096 >> 20


def invoke(port, handler, body, content_type=V8, offer=True):
    with Client(port) as client:
        stream = client.request("POST", f"/invoke/Echo/{handler}",
                                {"content-type": content_type, **(OFFER if offer else {})}, body)
        return client.finish(stream)


def output_value(response):
    out = messages(bytes(response.body))
    types = [m[0] for m in out]
    assert types[-1] == tether.MSG_END, types
    (output,) = [m for m in out if m[0] == tether.MSG_OUTPUT_COMMAND]
    return wire.fields(output[1])


def test_discover_lists_the_echo_service(port):
    with Client(port) as client:
        accept = "application/vnd.restate.endpointmanifest.v1+json"
        response = client.finish(client.request("GET", "/discover", {"accept": accept}))
    assert response.status == 200
    assert response.headers["content-type"] == accept
    manifest = json.loads(response.body)
    assert manifest["protocolMode"] == "BIDI_STREAM"
    assert manifest["maxProtocolVersion"] == tether.PROTOCOL_MAX_VERSION
    (service,) = manifest["services"]
    assert service["name"] == "Echo"
    assert sorted(h["name"] for h in service["handlers"]) == ["big", "block", "echo"]


@pytest.mark.parametrize(
    "method, accept, status",
    [
        ("GET", "application/vnd.restate.endpointmanifest.v9+json", 406),
        ("GET", "text/html", 406),
        ("POST", "application/vnd.restate.endpointmanifest.v1+json", 405),
    ],
)
def test_discover_refuses_what_it_cannot_serve(port, method, accept, status):
    with Client(port) as client:
        response = client.finish(client.request(method, "/discover", {"accept": accept}))
    assert response.status == status and response.body


def test_echo_returns_its_input(port):
    response = invoke(port, "echo", wire.start() + wire.input_command(b"hello"))
    assert response.status == 200 and response.headers["content-type"] == V8
    assert wire.fields(output_value(response)[14][0]) == {1: [b"hello"]}


def test_big_returns_n_bytes_in_chunks(port):
    n = 3 << 20
    response = invoke(port, "big", wire.start() + wire.input_command(str(n).encode()))
    assert wire.fields(output_value(response)[14][0]) == {1: [bytes(n)]}


def test_big_over_the_limit_is_a_terminal_failure_413(port):
    response = invoke(port, "big", wire.start() + wire.input_command(str(LIMIT + 1).encode()))
    failure = wire.fields(output_value(response)[15][0])
    assert failure[1] == [413]


def test_bad_input_is_a_terminal_failure_400(port):
    response = invoke(port, "big", wire.start() + wire.input_command(b"lots"))
    assert wire.fields(output_value(response)[15][0])[1] == [400]


def test_a_ping_during_block_is_answered_with_its_nonce(port):
    with Client(port) as client:
        stream = client.request("POST", "/invoke/Echo/block", OFFERED,
                                wire.start() + wire.input_command(b"200"), end=False)
        client.send(stream, wire.ping(b"while-blocked"))
        client.send(stream, b"", end=True)
        response = client.finish(stream)
    out = frames(bytes(response.body))
    pongs = [f[2] for f in out if f[0] == tether.MSG_PONG]
    assert pongs == [wire.field_bytes(1, b"while-blocked")]
    # the Ping came after the message: answered after it was handled, before End
    assert [f[0] for f in out] == [tether.MSG_OUTPUT_COMMAND, tether.MSG_PONG, tether.MSG_END]


def test_1000_concurrent_streams_each_pinged_on_one_connection(port):
    """All streams open at once (hypercorn alone drops the connection at 1001)."""
    with Client(port) as client:
        streams = {
            client.request("POST", "/invoke/Echo/echo", OFFERED,
                           wire.start() + wire.ping(i.to_bytes(2, "big")), end=False): i
            for i in range(1000)
        }
        for stream, i in streams.items():
            response, pong = client.responses[stream], wire.pong(i.to_bytes(2, "big"))
            client.wait(lambda: pong in response.body)
        for stream, i in streams.items():
            client.send(stream, wire.input_command(str(i).encode()), end=True)
        for stream, i in streams.items():
            response = client.finish(stream)
            assert wire.fields(output_value(response)[14][0]) == {1: [str(i).encode()]}


@pytest.mark.parametrize(
    "path, content_type, status",
    [
        ("/invoke/Echo/echo", "application/json", 415),
        ("/invoke/Echo/echo", "application/vnd.restate.invocation.v4", 415),
        ("/invoke/Echo/echo", "application/vnd.restate.invocation.v9", 415),
        ("/invoke/Echo/nope", V8, 404),
        ("/invoke/Other/echo", V8, 404),
        ("/elsewhere", V8, 404),
        ("GET /invoke/Echo/echo", V8, 405),
    ],
)
def test_bad_requests_get_clear_statuses(port, path, content_type, status):
    method, _, path = path.rpartition(" ")
    with Client(port) as client:
        response = client.finish(client.request(method or "POST", path,
                                                {"content-type": content_type}, wire.start()))
    assert response.status == status
    assert response.body  # says what was wrong


def test_malformed_frames_fail_the_stream_and_the_endpoint_keeps_serving(port):
    response = invoke(port, "echo", wire.start() + wire.frame(0x00FF, b""))  # unknown control type
    assert tether.MSG_ERROR in [f[0] for f in frames(bytes(response.body))]
    test_echo_returns_its_input(port)


@pytest.mark.parametrize("body, missing", [(wire.start(), b"after Start, before InputCommand"),
                                           (b"", b"ended before Start")])
def test_input_ending_before_the_handler_input_gets_a_571_and_the_stream_ends(port, body, missing):
    with Client(port) as client:
        stream = client.request("POST", "/invoke/Echo/echo", {"content-type": V8, **OFFER}, body)
        response = client.finish(stream)  # raises if the stream never ends
    assert response.status == 200
    out = messages(bytes(response.body))
    assert [m[0] for m in out] == [tether.MSG_ERROR], "an ErrorMessage and nothing else"
    error = wire.fields(out[0][1])
    assert error[1] == [571] and missing in error[2][0]
    test_echo_returns_its_input(port)


def test_without_an_offer_no_extension_runs_and_a_ping_is_a_571(port):
    v7 = "application/vnd.restate.invocation.v7"
    response = invoke(port, "echo", wire.start() + wire.input_command(b"seven"), v7, offer=False)
    assert tether.EXTENSIONS_HEADER not in response.headers
    assert wire.fields(output_value(response)[14][0]) == {1: [b"seven"]}
    response = invoke(port, "echo", wire.start() + wire.ping(b"no") + wire.input_command(b"x"), v7,
                      offer=False)
    out = messages(bytes(response.body))
    assert tether.MSG_PONG not in [m[0] for m in out]
    (error,) = [wire.fields(m[1]) for m in out if m[0] == tether.MSG_ERROR]
    assert error[1] == [571] and b"negotiat" in error[2][0]


def test_the_200_names_the_accepted_extensions_and_a_malformed_offer_is_a_400(port):
    response = invoke(port, "echo", wire.start() + wire.input_command(b"x"))
    assert response.headers[tether.EXTENSIONS_HEADER] == "ping/1, chunked/1"
    with Client(port) as client:
        bad = client.finish(client.request("POST", "/invoke/Echo/echo",
                                           {"content-type": V8, tether.EXTENSIONS_HEADER: "ping/1; q"},
                                           wire.start()))
    assert bad.status == 400 and tether.EXTENSIONS_HEADER.encode() in bytes(bad.body)


def test_chunked_input_with_pings_between_chunks_answered_before_the_last(port):
    chunk = 1 << 20
    value = bytes(range(256)) * (3 * chunk // 256)
    body = wire.field_bytes(14, wire.value(value))
    pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)]
    with Client(port) as client:
        stream = client.request("POST", "/invoke/Echo/echo", OFFERED,
                                wire.start(), end=False)
        response = client.responses[stream]
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            flags = 0 if last else tether.FLAG_CONTINUED
            client.send(stream, wire.frame(tether.MSG_INPUT_COMMAND, piece, flags), end=last)
            if not last:
                nonce = b"between-%d" % i
                client.send(stream, wire.ping(nonce))
                pong = wire.pong(nonce)
                client.wait(lambda: pong in response.body)
        client.finish(stream)
    assert wire.fields(output_value(response)[14][0]) == {1: [value]}


def test_input_over_the_limit_fails_its_stream_and_others_carry_on(port):
    chunk = 1 << 20
    with Client(port) as client:
        over = client.request("POST", "/invoke/Echo/echo", OFFERED,
                              wire.start(), end=False)
        bystander = client.request("POST", "/invoke/Echo/echo", OFFERED,
                                   wire.start(), end=False)
        for _ in range(LIMIT // chunk + 2):  # keeps sending after the Error, as a runtime may
            client.send(over, wire.frame(tether.MSG_INPUT_COMMAND, bytes(chunk),
                                         tether.FLAG_CONTINUED))
        client.send(over, b"", end=True)
        failed = client.finish(over)
        client.send(bystander, wire.input_command(b"still here"), end=True)
        fine = client.finish(bystander)
    errors = [m for m in messages(bytes(failed.body)) if m[0] == tether.MSG_ERROR]
    assert len(errors) == 1 and b"max_message_size" in wire.fields(errors[0][1])[2][0]
    assert wire.fields(output_value(fine)[14][0]) == {1: [b"still here"]}


def test_a_runtime_that_vanishes_without_reading_leaves_nothing_behind(endpoint):
    """Output waiting on a closed connection must not pin its invocation forever."""
    port, pid = endpoint

    def abandon():
        for _ in range(4):
            client = Client(port, window=65535)  # too small for the output: sends block
            for _ in range(5):
                client.request("POST", "/invoke/Echo/big", OFFERED,
                               wire.start() + wire.input_command(str(3 << 20).encode()))
            client.wait(lambda: all(r.status for r in client.responses.values()))
            client.sock.close()

    abandon()
    before = rss_mib(pid)
    for _ in range(3):
        abandon()  # pinned, these would hold 3 x 4 x 5 x 3 MiB = 180 MiB
    test_echo_returns_its_input(port)
    deadline = time.monotonic() + 10  # the closes are noticed asynchronously
    while rss_mib(pid) - before >= 60 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert rss_mib(pid) - before < 60
