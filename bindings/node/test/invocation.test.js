"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const tether = require("../index.js");
const { wire } = tether;

function running(options = {}) {
  const inv = new tether.Invocation({ protocolVersion: 5, ...options });
  inv.feed(wire.requestBody("hello"));
  assert.equal(inv.poll(), "run");
  assert.equal(inv.state, "running");
  return inv;
}

function drain(inv) {
  const events = [];
  let e;
  while ((e = inv.poll()) !== null) events.push(e);
  const chunks = [];
  let out;
  while ((out = inv.takeOutput()) !== null) chunks.push(out);
  return { events, frames: wire.decodeFrames(Buffer.concat(chunks)) };
}

test("Start + Input -> run with the input; complete -> Output + End, then done", () => {
  const inv = running();
  const input = inv.input();
  assert.deepEqual(input.value, Buffer.from("hello"));
  assert.equal(input.debugId, "inv_test");
  assert.equal(input.knownEntries, 1);
  assert.ok(Array.isArray(input.headers));
  inv.complete(input.value);
  const { events, frames } = drain(inv);
  assert.deepEqual(events, ["done"]);
  assert.deepEqual(frames.map((f) => f.type), [tether.MSG_OUTPUT_COMMAND, tether.MSG_END]);
  assert.deepEqual(wire.output(frames[0].payload), { value: Buffer.from("hello") });
  assert.equal(inv.state, "done");
  inv.close();
});

test("output over maxOutputSize becomes a terminal 413 Failure naming the size and the limit", () => {
  const inv = running({ maxOutputSize: 1000 });
  assert.throws(() => inv.complete(Buffer.alloc(5000)), (e) => e instanceof tether.MessageTooLarge && e.code === 5);
  const { frames } = drain(inv);
  assert.deepEqual(frames.map((f) => f.type), [tether.MSG_OUTPUT_COMMAND, tether.MSG_END]);
  const { failure } = wire.output(frames[0].payload);
  assert.equal(failure.code, 413);
  assert.match(failure.message, /1000/);
  inv.close();
});

test("failTerminal and failRetryable", () => {
  let inv = running();
  inv.failTerminal(400, "bad input");
  let { frames } = drain(inv);
  assert.deepEqual(wire.output(frames[0].payload), { failure: { code: 400, message: "bad input" } });
  inv.close();
  inv = running();
  inv.failRetryable(500, "try again");
  ({ frames } = drain(inv));
  assert.equal(frames[0].type, tether.MSG_ERROR);
  assert.deepEqual(wire.errorMessage(frames[0].payload), { code: 500, message: "try again" });
  inv.close();
});

test("a replayed journal is refused with 570, never a wrong answer", () => {
  const inv = new tether.Invocation();
  inv.feed(wire.start({ knownEntries: 3 }));
  assert.equal(inv.poll(), "done");
  const [frame] = wire.decodeFrames(inv.takeOutput());
  assert.equal(wire.errorMessage(frame.payload).code, 570);
  inv.close();
});

test("contentTypeVersion reads the version and refuses others clearly", () => {
  assert.equal(tether.contentTypeVersion("application/vnd.restate.invocation.v5"), 5);
  assert.throws(() => tether.contentTypeVersion("application/vnd.restate.invocation.v99"), tether.UnsupportedVersion);
  assert.throws(() => tether.contentTypeVersion("text/plain"), (e) => e instanceof tether.InvalidArgument && /text\/plain/.test(e.message));
});
