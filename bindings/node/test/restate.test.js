"use strict";
// The adapter in front of the real @restatedev/restate-sdk (npm), over real h2c.
const test = require("node:test");
const assert = require("node:assert/strict");
const http2 = require("node:http2");
const tether = require("../index.js");
const { protect } = require("../lib/restate.js");
const { wire } = tether;
const { invoke, get, until } = require("./h2c.js");

const LIMIT = 1024 * 1024;
let server, origin, restate;
const seen = []; // bytes the SDK read, per request

test.before(async () => {
  if (typeof Promise.withResolvers !== "function") await import("../../../bench/ts_sdk/polyfill.mjs");
  restate = await import("@restatedev/restate-sdk");
  const bytes = { input: restate.serde.binary, output: restate.serde.binary };
  const echo = restate.service({
    name: "Echo",
    handlers: {
      echo: restate.handlers.handler(bytes, async (_ctx, input) => input),
      big: restate.handlers.handler(bytes, async (_ctx, input) => new Uint8Array(Number(Buffer.from(input).toString()))),
    },
  });
  const sdk = restate.endpoint().bind(echo).http2Handler();
  // A spy between tether and the SDK: counts what the SDK reads.
  const spy = (request, response) => {
    const record = { bytes: 0 };
    seen.push(record);
    const iterate = request[Symbol.asyncIterator].bind(request);
    request[Symbol.asyncIterator] = () => {
      const it = iterate();
      return { ...it, next: async () => { const r = await it.next(); if (!r.done) record.bytes += r.value.length; return r; }, return: it.return?.bind(it), [Symbol.asyncIterator]() { return this; } };
    };
    sdk(request, response);
  };
  server = http2.createServer(protect(spy, { maxOutputSize: LIMIT, log: () => {} }));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${server.address().port}`;
});
test.after(() => new Promise((r) => server.close(r)));

const OFFER = { [tether.EXTENSIONS_HEADER]: tether.EXTENSIONS_OFFER };

test("echo through the SDK: Output + End; discovery reaches the SDK untouched", async () => {
  const r = await invoke(origin, "/invoke/Echo/echo", { steps: [wire.requestBody("hello sdk")] });
  assert.equal(r.status, 200);
  const types = r.frames.map((f) => f.type);
  assert.equal(types.at(-1), wire.END);
  const out = r.frames.find((f) => f.type === wire.OUTPUT);
  assert.deepEqual(wire.output(out.payload), { value: Buffer.from("hello sdk") });
  const d = await get(origin, "/discover", { accept: "application/vnd.restate.endpointmanifest.v3+json" });
  assert.equal(d.status, 200);
  assert.equal(JSON.parse(d.body).services[0].name, "Echo");
});

test("output over the limit: 413 Failure + End instead of the SDK's message", async () => {
  const r = await invoke(origin, "/invoke/Echo/big", { steps: [wire.requestBody(String(2 * LIMIT))] });
  assert.equal(r.status, 200);
  const types = r.frames.map((f) => f.type);
  assert.equal(types.at(-1), wire.END);
  const outputs = r.frames.filter((f) => f.type === wire.OUTPUT).map((f) => wire.output(f.payload));
  assert.equal(outputs.length, 1);
  assert.equal(outputs[0].failure.code, 413);
  assert.match(outputs[0].failure.message, new RegExp(String(LIMIT)));
  assert.ok(r.body.length < LIMIT, "nothing of the oversize message was written");
});

test("under the limit the SDK's big output passes whole", async () => {
  const r = await invoke(origin, "/invoke/Echo/big", { steps: [wire.requestBody(String(LIMIT / 2))] });
  const out = r.frames.find((f) => f.type === wire.OUTPUT);
  assert.equal(wire.output(out.payload).value.length, LIMIT / 2);
});

test("Pings are answered in order, the SDK never sees them; the offer is accepted in the SDK's 200", async () => {
  const before = seen.length;
  const r = await invoke(origin, "/invoke/Echo/echo", {
    headers: OFFER,
    steps: [
      wire.start(),
      async (st) => {
        const h = await st.response;
        assert.equal(h[tether.EXTENSIONS_HEADER], "ping/1, chunked/1");
        assert.equal(h["content-type"], "application/vnd.restate.invocation.v5");
        return Buffer.concat([wire.ping("1"), wire.ping("2"), wire.ping("3")]);
      },
      async (st) => {
        await until(st, (f) => f.filter((x) => x.type === wire.PONG).length === 3);
        return Buffer.concat([wire.input("after pings"), wire.ping("4")]);
      },
    ],
  });
  const pongs = r.frames.filter((f) => f.type === wire.PONG).map((f) => wire.nonce(f.payload).toString());
  assert.deepEqual(pongs, ["1", "2", "3", "4"]);
  assert.deepEqual(wire.output(r.frames.find((f) => f.type === wire.OUTPUT).payload), { value: Buffer.from("after pings") });
  assert.equal(r.frames.at(-1).type, wire.END);
  const plain = wire.start().length + wire.input("after pings").length;
  assert.equal(seen[before].bytes, plain, "the SDK read Start + Input only");
});

test("a chunked Input reaches the SDK reassembled, as one plain frame", async () => {
  const before = seen.length;
  const content = Buffer.alloc(5000, "c");
  const body = wire.fieldBytes(14, wire.fieldBytes(1, content));
  const r = await invoke(origin, "/invoke/Echo/echo", {
    headers: OFFER,
    steps: [
      wire.start(),
      async (st) => {
        await st.response;
        return Buffer.concat([
          wire.frame(wire.INPUT, body.subarray(0, 2000), tether.FLAG_CONTINUED),
          wire.ping("mid"),
          wire.frame(wire.INPUT, body.subarray(2000)),
        ]);
      },
    ],
  });
  assert.deepEqual(wire.output(r.frames.find((f) => f.type === wire.OUTPUT).payload), { value: content });
  assert.equal(seen[before].bytes, wire.start().length + 8 + body.length);
});

test("malformed input: 571 naming it, and the SDK sees none of it", async () => {
  const before = seen.length;
  const r = await invoke(origin, "/invoke/Echo/echo", { steps: [tether.encodeFrameHeader(0x00ff, 0, 0)] });
  assert.equal(r.status, 200);
  const error = r.frames.find((f) => f.type === wire.ERROR);
  assert.ok(error, `an ErrorMessage in ${r.frames.map((f) => f.type)}`);
  assert.equal(wire.errorMessage(error.payload).code, 571);
  assert.match(wire.errorMessage(error.payload).message, /0x00ff|255|unknown/i);
  assert.equal(seen[before].bytes, 0);
  // A Ping on a stream that did not negotiate: the same, said clearly.
  const n = seen.length;
  const p = await invoke(origin, "/invoke/Echo/echo", { steps: [wire.start(), wire.ping("x")] });
  const e2 = p.frames.find((f) => f.type === wire.ERROR);
  assert.equal(wire.errorMessage(e2.payload).code, 571);
  // Start and the Ping came in one DATA frame: the stream failed before Start was handed over.
  assert.equal(seen[n].bytes, 0, "the SDK saw nothing of the failed stream");
});

test("a malformed offer is 400; a content type tether does not read goes to the SDK", async () => {
  const r = await invoke(origin, "/invoke/Echo/echo", { headers: { [tether.EXTENSIONS_HEADER]: "y".repeat(2000) } });
  assert.equal(r.status, 400);
  const s = await invoke(origin, "/invoke/Echo/echo", { contentType: "application/json", steps: [Buffer.from("{}")] });
  assert.notEqual(s.status, 200);
});

test("protect refuses a non-function and bad options at once", () => {
  assert.throws(() => protect("handler"), /handler must be the SDK's http2Handler/);
  assert.throws(() => protect(() => {}, { maxOutputSize: -1 }), RangeError);
  assert.throws(() => protect(() => {}, { bogus: 1 }), /unknown option 'bogus'/);
});
