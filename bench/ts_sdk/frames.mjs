// A V5 invocation request body (Start + InputCommand) and a decoder for the answer's
// frames, written by hand from proto/protocol.proto (field numbers) and PROTOCOL.md
// (the 8-byte header).
function varint(value) {
  const out = [];
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return Buffer.from(out);
}

function field(number, bytes) {
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

function frame(type, payload) {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export const START = 0x0000, ERROR = 0x0002, END = 0x0003;
export const INPUT = 0x0400, OUTPUT = 0x0401;

// Start{id, debug_id, known_entries: 1} + InputCommand{value{content}}.
export function requestBody(content) {
  const start = Buffer.concat([
    field(1, Buffer.from("bench-invocation-id")),
    field(2, Buffer.from("inv_bench")),
    Buffer.from([3 << 3]), varint(1),
  ]);
  const input = field(14, field(1, Buffer.from(content)));
  return Buffer.concat([frame(START, start), frame(INPUT, input)]);
}

// [{type, payload}] from a response body.
export function decodeFrames(bytes) {
  const frames = [];
  let pos = 0;
  while (bytes.length - pos >= 8) {
    const type = bytes.readUInt16BE(pos);
    const length = bytes.readUInt32BE(pos + 4);
    frames.push({ type, payload: bytes.subarray(pos + 8, pos + 8 + length) });
    pos += 8 + length;
  }
  return frames;
}

// The content of OutputCommand{value{content}} (field 14, then field 1), or null.
export function outputContent(payload) {
  const read = (bytes, want) => {
    let pos = 0;
    while (pos < bytes.length) {
      let key = 0, shift = 0, b;
      do { b = bytes[pos++]; key += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
      let length = 0; shift = 0;
      do { b = bytes[pos++]; length += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
      if (key === ((want << 3) | 2)) return bytes.subarray(pos, pos + length);
      pos += length;
    }
    return null;
  };
  const value = read(payload, 14);
  return value === null ? null : read(value, 1);
}
