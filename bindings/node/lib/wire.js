// Frames and the few protobuf bodies of the service protocol in plain JavaScript, for
// code that plays the runtime (tests, benchmarks, a client of an endpoint). Only the
// fields tether uses are known here (proto/protocol.proto has them all).
"use strict";

const MSG = {
  START: 0x0000, ERROR: 0x0002, END: 0x0003, PING: 0x0008, PONG: 0x0009,
  INPUT: 0x0400, OUTPUT: 0x0401,
};
const FLAG_CONTINUED = 0x4000;

function varint(value) {
  const out = [];
  let v = BigInt(value);
  if (v < 0n) throw new RangeError(`varint of a negative number: ${value}`);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

const fieldVarint = (number, value) => Buffer.concat([varint((number << 3) | 0), varint(value)]);

function fieldBytes(number, data) {
  const bytes = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

// {number: [values]} of a protobuf body: varints as numbers, length-delimited as Buffers.
function fields(body) {
  const out = {};
  let pos = 0;
  const read = () => {
    let value = 0n, shift = 0n, byte;
    do {
      if (pos >= body.length) throw new RangeError("truncated varint");
      byte = body[pos++];
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    return value;
  };
  while (pos < body.length) {
    const key = Number(read());
    const number = key >> 3, wire = key & 7;
    let value;
    if (wire === 0) value = Number(read());
    else if (wire === 2) {
      const length = Number(read());
      if (pos + length > body.length) throw new RangeError("truncated field");
      value = body.subarray(pos, pos + length);
      pos += length;
    } else throw new RangeError(`unsupported wire type ${wire}`);
    (out[number] ??= []).push(value);
  }
  return out;
}

function frame(type, payload, flags = 0) {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(flags, 2);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

// StartMessage{id, debug_id, known_entries}
const start = ({ id = "inv", debugId = "inv_test", knownEntries = 1 } = {}) =>
  frame(MSG.START, Buffer.concat([fieldBytes(1, id), fieldBytes(2, debugId), fieldVarint(3, knownEntries)]));
// InputCommandMessage{value{content}}
const input = (content) => frame(MSG.INPUT, fieldBytes(14, fieldBytes(1, content)));
const ping = (nonce) => frame(MSG.PING, fieldBytes(1, nonce));
// A V5 invocation request body: Start + InputCommand(content).
const requestBody = (content) => Buffer.concat([start(), input(content)]);

// [{type, flags, payload}] of whole frames; a trailing partial frame is left out.
function decodeFrames(bytes) {
  const frames = [];
  let pos = 0;
  while (bytes.length - pos >= 8) {
    const length = bytes.readUInt32BE(pos + 4);
    if (bytes.length - pos - 8 < length) break;
    frames.push({
      type: bytes.readUInt16BE(pos),
      flags: bytes.readUInt16BE(pos + 2),
      payload: bytes.subarray(pos + 8, pos + 8 + length),
    });
    pos += 8 + length;
  }
  return frames;
}

// OutputCommand: {value: Buffer} or {failure: {code, message}}; null if neither.
function output(payload) {
  const f = fields(payload);
  if (f[14]) return { value: Buffer.from(fields(f[14][0])[1]?.[0] ?? []) };
  if (f[15]) {
    const failure = fields(f[15][0]);
    return { failure: { code: failure[1]?.[0] ?? 0, message: String(failure[2]?.[0] ?? "") } };
  }
  return null;
}

// The content of OutputCommand{value{content}}, or null (kept for the bench scripts).
function outputContent(payload) {
  return output(payload)?.value ?? null;
}

// ErrorMessage{code, message}
function errorMessage(payload) {
  const f = fields(payload);
  return { code: f[1]?.[0] ?? 0, message: String(f[2]?.[0] ?? "") };
}

// The nonce of a Ping or Pong body.
const nonce = (payload) => Buffer.from(fields(payload)[1]?.[0] ?? []);

const START = MSG.START, ERROR = MSG.ERROR, END = MSG.END, INPUT = MSG.INPUT, OUTPUT = MSG.OUTPUT;
const PING = MSG.PING, PONG = MSG.PONG;

module.exports = {
  MSG, FLAG_CONTINUED, START, ERROR, END, INPUT, OUTPUT, PING, PONG,
  varint, fieldVarint, fieldBytes, fields, frame, start, input, ping, requestBody,
  decodeFrames, output, outputContent, errorMessage, nonce,
};
