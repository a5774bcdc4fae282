"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const tether = require("../index.js");
const { wire } = tether;

const PINGS = { protocolVersion: 8, extensions: tether.EXT_ALL };

function started(options = PINGS) {
  const s = new tether.Session(options);
  assert.equal(s.feed(wire.start()), wire.start().length);
  const e = s.nextEvent();
  assert.equal(e.kind, "message");
  assert.equal(e.type, tether.MSG_START);
  return s;
}

test("a Ping is answered by the dispatch step, with its nonce", () => {
  const s = started();
  s.feed(wire.ping("n-1"));
  assert.equal(s.takeOutput(), null, "feed alone answers nothing");
  const e = s.nextEvent();
  assert.equal(e.kind, "ping");
  assert.deepEqual(e.data, Buffer.from("n-1"));
  assert.equal(e.answered, true);
  const frames = wire.decodeFrames(s.takeOutput());
  assert.equal(frames.length, 1);
  assert.equal(frames[0].type, tether.MSG_PONG);
  assert.deepEqual(wire.nonce(frames[0].payload), Buffer.from("n-1"));
  assert.equal(s.stats().pingsAnswered, 1);
  s.close();
});

test("a chunked Input arrives as one message, with a Ping between its chunks answered first", () => {
  const s = started(PINGS);
  const content = Buffer.alloc(3000, "x");
  const body = wire.fieldBytes(14, wire.fieldBytes(1, content));
  const first = body.subarray(0, 1000), rest = body.subarray(1000);
  s.feed(wire.frame(tether.MSG_INPUT_COMMAND, first, tether.FLAG_CONTINUED));
  s.feed(wire.ping("between"));
  s.feed(wire.frame(tether.MSG_INPUT_COMMAND, rest));
  const ping = s.nextEvent();
  assert.equal(ping.kind, "ping");
  const message = s.nextEvent();
  assert.equal(message.kind, "message");
  assert.equal(message.type, tether.MSG_INPUT_COMMAND);
  assert.equal(message.flags & tether.FLAG_CONTINUED, 0);
  assert.deepEqual(message.data, body);
  assert.equal(s.nextEvent(), null);
  s.close();
});

test("send frames output; takeOutput honours its limit and drains in pieces", () => {
  const s = started();
  const payload = Buffer.alloc(5000, 7);
  s.send(tether.MSG_OUTPUT_COMMAND, payload);
  const a = s.takeOutput(100);
  assert.equal(a.length, 100);
  const b = s.takeOutput();
  assert.equal(a.length + b.length, 8 + payload.length);
  const [frame] = wire.decodeFrames(Buffer.concat([a, b]));
  assert.equal(frame.type, tether.MSG_OUTPUT_COMMAND);
  assert.deepEqual(frame.payload, payload);
  assert.equal(s.takeOutput(), null);
  s.close();
});

test("without negotiation a Ping fails the stream with a 571 naming it", () => {
  const s = started({ protocolVersion: 8 });
  assert.throws(() => s.feed(wire.ping("x")), (e) => e instanceof tether.ProtocolError && e.fatal === true);
  const frames = wire.decodeFrames(s.takeOutput());
  assert.equal(frames.at(-1).type, tether.MSG_ERROR);
  const error = wire.errorMessage(frames.at(-1).payload);
  assert.equal(error.code, 571);
  assert.match(error.message, /negotiat/i);
  s.close();
});

test("send over the outbound high watermark throws WouldBlock, then a writable event comes", () => {
  const s = started({ ...PINGS, outboundHighWatermark: 4096 });
  const payload = Buffer.alloc(3000);
  s.send(tether.MSG_OUTPUT_COMMAND, payload);
  s.send(tether.MSG_OUTPUT_COMMAND, payload);
  assert.throws(() => s.send(tether.MSG_OUTPUT_COMMAND, payload), tether.WouldBlock);
  while (s.takeOutput() !== null);
  assert.deepEqual(s.nextEvent(), { kind: "writable" });
  s.send(tether.MSG_OUTPUT_COMMAND, payload);
  s.close();
});

test("feed stops at the inbound budget and takes the rest after dispatch", () => {
  const s = started({ maxFramePayload: 1024, maxMessageSize: 4096, inboundBudget: 4096 + 1024 + 8 });
  const frame = wire.frame(tether.MSG_INPUT_COMMAND, Buffer.alloc(4000));
  const two = Buffer.concat([frame, frame]);
  const taken = s.feed(two);
  assert.ok(taken < two.length, `took ${taken} of ${two.length}`);
  assert.equal(s.nextEvent().kind, "message");
  assert.equal(s.feed(two.subarray(taken)), two.length - taken);
  assert.equal(s.nextEvent().kind, "message");
  s.close();
});
