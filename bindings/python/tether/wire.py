"""Frames and the few protobuf bodies of the service protocol, written in Python.

For code that plays the runtime in Python (tests, benchmarks, a client of an endpoint)
and for reading the Start/Input bodies the session hands out. Only the fields tether
uses are known here; see PROTOCOL.md for the messages.
"""

from __future__ import annotations

from ._tether import (
    FLAG_CONTINUED,
    MSG_END,
    MSG_ERROR,
    MSG_INPUT_COMMAND,
    MSG_OUTPUT_COMMAND,
    MSG_PING,
    MSG_PONG,
    MSG_START,
    encode_frame_header,
)

_VARINT = 0
_LENGTH_DELIMITED = 2


def varint(value: int) -> bytes:
    if value < 0:
        raise ValueError(f"varint of a negative number: {value}")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    return varint(number << 3 | _VARINT) + varint(value)


def field_bytes(number: int, data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode()
    return varint(number << 3 | _LENGTH_DELIMITED) + varint(len(data)) + data


def fields(body: bytes) -> dict[int, list[int | bytes]]:
    """Decodes one protobuf message into {field number: [values]} (varints and
    length-delimited fields; other wire types are an error)."""
    out: dict[int, list[int | bytes]] = {}
    view = memoryview(body)
    pos = 0

    def read_varint() -> int:
        nonlocal pos
        value = shift = 0
        while True:
            if pos >= len(view):
                raise ValueError("protobuf body ends inside a varint")
            byte = view[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while pos < len(view):
        key = read_varint()
        number, wire_type = key >> 3, key & 7
        if wire_type == _VARINT:
            out.setdefault(number, []).append(read_varint())
        elif wire_type == _LENGTH_DELIMITED:
            length = read_varint()
            if pos + length > len(view):
                raise ValueError(f"protobuf field {number} runs past the body")
            out.setdefault(number, []).append(bytes(view[pos : pos + length]))
            pos += length
        else:
            raise ValueError(f"protobuf wire type {wire_type} (field {number}) is not supported")
    return out


def frame(type: int, payload: bytes = b"", flags: int = 0) -> bytes:
    return encode_frame_header(type, flags, len(payload)) + payload


def chunked(type: int, payload: bytes, max_frame_payload: int) -> bytes:
    """A message as chunks (extension chunked/1, only on a stream that negotiated it):
    frames of at most max_frame_payload bytes, all but the last flagged CONTINUED."""
    view = memoryview(payload)
    pieces = [view[i : i + max_frame_payload] for i in range(0, len(view), max_frame_payload)]
    pieces = pieces or [view]
    return b"".join(
        frame(type, bytes(piece), FLAG_CONTINUED if i < len(pieces) - 1 else 0)
        for i, piece in enumerate(pieces)
    )


def ping(nonce: bytes) -> bytes:
    return frame(MSG_PING, field_bytes(1, nonce))


def pong(nonce: bytes) -> bytes:
    return frame(MSG_PONG, field_bytes(1, nonce))


def start(id: bytes = b"inv-1", debug_id: str = "inv-1", known_entries: int = 1,
          key: str = "") -> bytes:
    body = field_bytes(1, id) + field_bytes(2, debug_id) + field_varint(3, known_entries)
    if key:
        body += field_bytes(6, key)
    return frame(MSG_START, body)


def value(content: bytes) -> bytes:
    """A Value message body: `Value { bytes content = 1; }`."""
    return field_bytes(1, content)


def input_command(content: bytes) -> bytes:
    return frame(MSG_INPUT_COMMAND, field_bytes(14, value(content)))


def output_command_body(content: bytes) -> bytes:
    return field_bytes(14, value(content))


def failure_body(code: int, message: str) -> bytes:
    """An OutputCommand body carrying a terminal Failure."""
    return field_bytes(15, field_varint(1, code) + field_bytes(2, message))


def error_body(code: int, message: str) -> bytes:
    return field_varint(1, code) + field_bytes(2, message)


def end() -> bytes:
    return frame(MSG_END)


def error(code: int, message: str) -> bytes:
    return frame(MSG_ERROR, error_body(code, message))


def output_command(content: bytes) -> bytes:
    return frame(MSG_OUTPUT_COMMAND, output_command_body(content))
