"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const tether = require("../index.js");
const { wire } = tether;

test("frames split at every byte come out whole and in order", () => {
  const d = new tether.Decoder();
  const bytes = Buffer.concat([wire.start(), wire.input("abc"), wire.frame(tether.MSG_END, Buffer.alloc(0))]);
  for (let i = 0; i < bytes.length; ++i) assert.equal(d.feed(bytes.subarray(i, i + 1)), 1);
  const types = [];
  let f;
  while ((f = d.next()) !== null) types.push(f.type);
  assert.deepEqual(types, [tether.MSG_START, tether.MSG_INPUT_COMMAND, tether.MSG_END]);
  d.finish();
  d.close();
});

test("a header over maxFramePayload fails before its payload, then StreamFailed", () => {
  const d = new tether.Decoder({ maxFramePayload: 16 });
  assert.throws(() => d.feed(tether.encodeFrameHeader(tether.MSG_INPUT_COMMAND, 0, 17)), tether.FrameTooLarge);
  assert.match(d.lastError, /17/);
  assert.throws(() => d.feed(Buffer.alloc(1)), tether.StreamFailed);
  d.close();
});

test("CONTINUED only when allowed; an end inside a frame is Truncated", () => {
  const chunk = wire.frame(tether.MSG_INPUT_COMMAND, Buffer.alloc(4), tether.FLAG_CONTINUED);
  assert.throws(() => new tether.Decoder().feed(chunk), tether.BadFlags);
  const d = new tether.Decoder({ allowContinued: true });
  d.feed(chunk);
  assert.equal(d.next().flags, tether.FLAG_CONTINUED);
  d.feed(chunk.subarray(0, 5));
  assert.throws(() => d.finish(), tether.Truncated);
  d.close();
});
