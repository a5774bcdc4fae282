"use strict";
// Results are views of a shared pool (lib/scratch.js): each keeps its own bytes, and a
// pool that cannot be written any more is replaced, never written.
const test = require("node:test");
const assert = require("node:assert/strict");
const tether = require("../index.js");
const { wire } = tether;

function started() {
  const s = new tether.Session({ extensions: tether.EXT_ALL });
  s.feed(wire.start());
  while (s.nextEvent() !== null);
  return s;
}

test("payloads kept across many results keep their bytes (pools fill and are replaced)", () => {
  const s = started();
  const kept = [];
  for (let i = 0; i < 300; ++i) {
    s.feed(wire.input(Buffer.alloc(1000 + (i % 5) * 700, i & 0xff)));
    const e = s.nextEvent();
    assert.equal(e.kind, "message");
    kept.push([i, e.data]);
  }
  for (const [i, data] of kept) assert.equal(wire.input(Buffer.alloc(1000 + (i % 5) * 700, i & 0xff)).subarray(8).equals(data), true);
  assert.ok(new Set(kept.map(([, d]) => d.buffer)).size > 1, "more than one pool was used");
  s.close();
});

test("a pool ArrayBuffer asked to be transferred stays the results'; results over 4 KiB are Buffers of their own", () => {
  const s = started();
  s.feed(wire.ping("n1"));
  const ping = s.nextEvent();
  assert.equal(ping.data.toString(), "n1");
  const pong = s.takeOutput();
  try {
    structuredClone(pong.buffer, { transfer: [pong.buffer] }); // marked untransferable: copied or refused
  } catch {}
  s.feed(wire.ping("n2"));
  assert.equal(s.nextEvent().data.toString(), "n2");
  const frame = wire.input(Buffer.alloc(10000, 7));
  s.feed(frame);
  const big = s.nextEvent().data;
  assert.equal(big.equals(frame.subarray(8)), true);
  assert.equal(big.buffer.byteLength, big.length);
  s.close();
});
