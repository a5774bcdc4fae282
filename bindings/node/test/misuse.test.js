"use strict";
// Misuse of every class throws a clear error and never takes the process down.
const test = require("node:test");
const assert = require("node:assert/strict");
const tether = require("../index.js");
const { wire } = tether;

const CLASSES = {
  Session: () => new tether.Session(),
  Invocation: () => new tether.Invocation(),
  Decoder: () => new tether.Decoder(),
  Prober: () => new tether.Prober(),
  Middleware: () => new tether.Middleware(),
};

const CALLS = {
  Session: [(s) => s.feed(Buffer.alloc(1)), (s) => s.finishInput(), (s) => s.nextEvent(),
    (s) => s.send(0x0401, Buffer.alloc(1)), (s) => s.takeOutput(), (s) => s.stats(), (s) => s.lastError],
  Invocation: [(i) => i.feed(Buffer.alloc(1)), (i) => i.poll(), (i) => i.input(), (i) => i.complete(Buffer.alloc(0)),
    (i) => i.failTerminal(400, "x"), (i) => i.takeOutput(), (i) => i.state, (i) => i.stats()],
  Decoder: [(d) => d.feed(Buffer.alloc(1)), (d) => d.next(), (d) => d.finish(), (d) => d.lastError],
  Prober: [(p) => p.addStream(1, "d", 0), (p) => p.poll(0), (p) => p.summary(), (p) => p.prometheus(), (p) => p.stats()],
  Middleware: [(m) => m.feed(Buffer.alloc(1)), (m) => m.takeSdkInput(), (m) => m.sdkOutput(Buffer.alloc(1)),
    (m) => m.takeOutput(), (m) => m.replaced, (m) => m.stats()],
};

for (const [name, make] of Object.entries(CLASSES)) {
  test(`${name}: close() is idempotent and every call after it throws InvalidState`, () => {
    const h = make();
    assert.equal(h.closed, false);
    h.close();
    h.close();
    assert.equal(h.closed, true);
    for (const call of CALLS[name]) {
      assert.throws(() => call(h), (e) => e instanceof tether.InvalidState && e.message === `${name} is closed`);
    }
  });

  test(`${name}: unknown options and options of the wrong type are refused by name`, () => {
    assert.throws(() => new tether[name]({ bogus: 1 }), (e) => e instanceof TypeError && /unknown option 'bogus'/.test(e.message));
    assert.throws(() => new tether[name]("fast"), (e) => e instanceof TypeError && /options must be an object, got a string/.test(e.message));
  });
}

test("data of the wrong type is a TypeError naming the call", () => {
  const s = new tether.Session();
  for (const bad of ["text", 42, null, undefined, {}, [1, 2], new Uint16Array(2)]) {
    assert.throws(() => s.feed(bad), (e) => e instanceof TypeError && /^Session\.feed: data must be a Buffer or Uint8Array/.test(e.message));
  }
  assert.throws(() => s.send("0x401", Buffer.alloc(0)), (e) => e instanceof TypeError && /type must be an integer/.test(e.message));
  assert.throws(() => s.send(0x10000, Buffer.alloc(0)), RangeError);
  assert.throws(() => s.send(-1, Buffer.alloc(0)), RangeError);
  assert.throws(() => s.send(1.5, Buffer.alloc(0)), RangeError);
  assert.throws(() => s.takeOutput(-1), RangeError);
  assert.throws(() => new tether.Session({ protocolVersion: "8" }), TypeError);
  assert.throws(() => new tether.Invocation().failTerminal(400, 7), /message must be a string/);
  s.close();
});

test("bad option values are InvalidArgument", () => {
  assert.throws(() => new tether.Session({ protocolVersion: 4 }), tether.InvalidArgument);
  assert.throws(() => new tether.Session({ protocolVersion: 9 }), tether.TetherError);
  assert.throws(() => new tether.Session({ maxMessageSize: 0 }), tether.InvalidArgument);
  assert.throws(() => new tether.Session({ outboundLowWatermark: 10, outboundHighWatermark: 5 }), tether.InvalidArgument);
  assert.throws(() => new tether.Decoder({ maxBuffered: 10 }), tether.InvalidArgument);
  assert.throws(() => new tether.Decoder({ allowContinued: 1 }), TypeError);
});

test("an oversize send is MessageTooLarge and leaves the session usable", () => {
  const s = new tether.Session({ maxMessageSize: 100 });
  s.feed(wire.start());
  s.nextEvent();
  assert.throws(() => s.send(tether.MSG_OUTPUT_COMMAND, Buffer.alloc(101)), tether.MessageTooLarge);
  assert.equal(s.takeOutput(), null, "nothing was half-sent");
  s.send(tether.MSG_OUTPUT_COMMAND, Buffer.alloc(100));
  assert.ok(s.takeOutput().length > 100);
  s.close();
});

test("feeding after a fatal error is StreamFailed; the cause stays in lastError", () => {
  const s = new tether.Session();
  assert.throws(() => s.feed(tether.encodeFrameHeader(0x00ff, 0, 0)), tether.UnknownType);
  const cause = s.lastError;
  assert.match(cause, /0x00ff|255/i);
  assert.throws(() => s.feed(wire.start()), tether.StreamFailed);
  assert.equal(s.lastError, cause);
  s.close();
});

test("Ping and Pong may not be sent by the SDK side; send after End is Closed", () => {
  const s = new tether.Session({ extensions: tether.EXT_ALL });
  s.feed(wire.start());
  s.nextEvent();
  assert.throws(() => s.send(tether.MSG_PONG, Buffer.alloc(0)), tether.InvalidArgument);
  s.send(tether.MSG_END, Buffer.alloc(0));
  assert.throws(() => s.send(tether.MSG_OUTPUT_COMMAND, Buffer.alloc(0)), tether.Closed);
  s.close();
});

test("Invocation: results outside RUNNING are InvalidState; input() before RUN too", () => {
  const inv = new tether.Invocation();
  assert.throws(() => inv.input(), tether.InvalidState);
  assert.throws(() => inv.complete(Buffer.alloc(0)), tether.InvalidState);
  assert.throws(() => inv.failTerminal(400, "\uD800"), tether.TetherError);
  inv.close();
});

test("Middleware: SDK output after its end, and feeding after malformed input", () => {
  const m = new tether.Middleware();
  m.feed(wire.start());
  m.takeSdkInput();
  assert.throws(() => m.feed(tether.encodeFrameHeader(0x00ff, 0, 0)), tether.UnknownType);
  assert.throws(() => m.takeSdkInput(), tether.ProtocolError);
  assert.throws(() => m.feed(wire.start()), tether.StreamFailed);
  m.close();
});
