"""Writes the fuzzers' seed corpora (tests/fuzz/corpus/<target>/), committed so every
run starts from inputs that reach deep: real HTTP/2 conversations for the request
path, whole invocations for the lifecycle, chunk sequences, extension offers.
Run it again after changing a target's input layout: python3 tests/fuzz/make_seeds.py
(needs the h2 package from PyPI)."""

from __future__ import annotations

import hashlib
import pathlib
import re

import h2.config
import h2.connection

CORPUS = pathlib.Path(__file__).parent / "corpus"
HEADER = pathlib.Path(__file__).parents[2] / "capi/include/tether.h"
# The numbers come from tether.h, so the seeds follow it.
DEFINES = dict(re.findall(r"^#define (TETHER_\w+) (0x[0-9A-Fa-f]+)u?\b", HEADER.read_text(), re.M))
MSG_START = int(DEFINES["TETHER_MSG_START"], 16)
MSG_INPUT = int(DEFINES["TETHER_MSG_INPUT_COMMAND"], 16)
MSG_PING = int(DEFINES["TETHER_MSG_PING"], 16)
FLAG_CONTINUED = int(DEFINES["TETHER_FLAG_CONTINUED"], 16)


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, data: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(data)) + data


def frame(type: int, payload: bytes = b"", flags: int = 0) -> bytes:
    return (type << 48 | flags << 32 | len(payload)).to_bytes(8, "big") + payload


def start(id: bytes = b"inv-1") -> bytes:
    return frame(MSG_START, field(1, id) + field(2, b"inv-1") + varint(3 << 3) + varint(1))


def input_command(content: bytes) -> bytes:
    return frame(MSG_INPUT, field(14, field(1, content)))


def ping(nonce: bytes) -> bytes:
    return frame(MSG_PING, field(1, nonce))


def chunked(type: int, payload: bytes, size: int) -> bytes:
    pieces = [payload[i : i + size] for i in range(0, len(payload), size)] or [b""]
    return b"".join(
        frame(type, p, FLAG_CONTINUED if i < len(pieces) - 1 else 0) for i, p in enumerate(pieces)
    )


def h2_conversation(requests: list[tuple[list[tuple[str, str]], bytes | None]]) -> bytes:
    """The bytes a client sends: preface, SETTINGS, then each request (headers, body)."""
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    for headers, body in requests:
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, headers, end_stream=body is None)
        if body is not None:
            conn.send_data(stream, body, end_stream=True)
    return conn.data_to_send()


def invoke(version: int, extensions: str | None = None) -> list[tuple[str, str]]:
    headers = [(":method", "POST"), (":scheme", "http"), (":authority", "localhost"),
               (":path", "/invoke/Echo/echo"),
               ("content-type", f"application/vnd.restate.invocation.v{version}")]
    if extensions:
        headers.append(("tether-extensions", extensions))
    return headers


def get(path: str, accept: str = "") -> list[tuple[str, str]]:
    headers = [(":method", "GET"), (":scheme", "http"), (":authority", "localhost"),
               (":path", path)]
    if accept:
        headers.append(("accept", accept))
    return headers


def h2_request_seeds() -> list[bytes]:
    body = start() + input_command(b"hello")
    return [
        h2_conversation([(get("/discover", "application/vnd.restate.endpointmanifest.v3+json"),
                          None)]),
        h2_conversation([(invoke(5), body)]),
        h2_conversation([(invoke(7, "ping/1, chunked/1"),
                          start() + ping(b"n1") + chunked(MSG_INPUT, field(14, field(1, b"x" * 300)),
                                                          64))]),
        h2_conversation([(invoke(6), start()), (get("/stats"), None), (invoke(9), body),
                         (get("/nowhere"), None)]),
        h2_conversation([(invoke(7), body), (invoke(7, "ping/1"), body + ping(b"n2"))]),
    ]


def invocation_seed(version: int, extensions: int, control: bytes, request: bytes) -> bytes:
    """Layout of invocation_fuzz: options (3 bytes), control length, control, request."""
    return bytes([(version - 5) | extensions << 2, 48, 200, len(control)]) + control + request


def invocation_seeds() -> list[bytes]:
    run_all = bytes([0x60, 3] * 12)  # feed, poll, give a result, take output
    return [
        invocation_seed(5, 0, run_all, start() + input_command(b"hi")),
        invocation_seed(7, 3, run_all, start() + ping(b"p") + input_command(b"hello" * 8)),
        invocation_seed(7, 2, run_all, start() + chunked(MSG_INPUT, field(14, field(1, b"y" * 90)),
                                                         20)),
        invocation_seed(6, 1, bytes([0x20, 1] * 12), start()),
    ]


def reassembly_seeds() -> list[bytes]:
    def record(type_index: int, continued: bool, payload: bytes) -> bytes:
        return bytes([type_index | (0x80 if continued else 0), len(payload)]) + payload

    chunks = record(1, True, b"a" * 40) + record(3, False, b"p") + record(1, False, b"b" * 9)
    return [
        bytes([0, 32]) + chunks,
        bytes([3, 4]) + record(2, True, b"c" * 200) + record(2, False, b"d" * 200),
        bytes([0, 255]) + record(1, True, b"e") + record(2, True, b"f") + record(0, False, b""),
    ]


def extension_seeds() -> list[bytes]:
    offers = ["ping/1", "chunked/1", "ping/1, chunked/1", " chunked/1 ,ping/1,future/3",
              "ping/2", "", "ping/1,,chunked/1"]
    return [bytes([3]) + o.encode() for o in offers] + [bytes([1]) + b"chunked/1, ping/1"]


def decoder_seeds() -> list[bytes]:
    """Layout of decoder_fuzz: allow-continued bit, split point, then the stream."""
    stream = start() + ping(b"n") + chunked(MSG_INPUT, b"z" * 100, 30) + input_command(b"ok")
    return [bytes([1, 17]) + stream, bytes([0, 3]) + start() + input_command(b"hi"),
            bytes([1, 0]) + frame(MSG_INPUT, b"q" * 20)[:12]]


def session_seed(version: int, extensions: int, control: bytes, input: bytes) -> bytes:
    """Layout of session_fuzz: options (3 bytes), control length, control, input."""
    return bytes([(version - 5) | extensions << 2, 48, 200, len(control)]) + control + input


def session_seeds() -> list[bytes]:
    steer = bytes([40, 3, 0] * 10)  # big slices, dispatch, then send and take output
    return [
        session_seed(5, 0, steer, start() + input_command(b"hello")),
        session_seed(8, 3, steer, start() + ping(b"p1") + chunked(MSG_INPUT, b"w" * 120, 40)),
        session_seed(7, 1, bytes([5, 1, 15] * 8), start() + ping(b"p2") + ping(b"p3")),
    ]


def prober_seeds() -> list[bytes]:
    """Layout of prober_fuzz: selection (+ 0xC0: end with the Prometheus exposition),
    then (op, arg) pairs; op % 6 picks the step."""
    add, poll, pong, corrupt = 0, 2, 3, 4
    script = [add, 1, add, 7, poll, 30, pong, 0, poll, 30, corrupt, 1, poll, 200, 1, 1, poll, 90]
    return [
        bytes([0] + script),
        bytes([0xC1] + script * 3),
        bytes([2, add, 2, poll, 250, poll, 250]),
    ]


def write(target: str, seeds: list[bytes]) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    write("h2_request_fuzz", h2_request_seeds())
    write("invocation_fuzz", invocation_seeds())
    write("chunk_reassembly_fuzz", reassembly_seeds())
    write("extensions_fuzz", extension_seeds())
    write("decoder_fuzz", decoder_seeds())
    write("session_fuzz", session_seeds())
    write("prober_fuzz", prober_seeds())
