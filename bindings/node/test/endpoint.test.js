"use strict";
// The reference endpoint (examples/endpoint.mjs) over real h2c.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const tether = require("../index.js");
const { wire } = tether;
const { invoke, get, until } = require("./h2c.js");
const { startServer } = require("./child.js");

const OFFER = { [tether.EXTENSIONS_HEADER]: tether.EXTENSIONS_OFFER };
let server;
test.before(async () => {
  server = await startServer(path.join(__dirname, "..", "examples", "endpoint.mjs"), ["--max-message-size", String(4 * 1024 * 1024)]);
});
test.after(() => server.stop());

test("GET /discover: the manifest of service Echo, truthful versions", async () => {
  const r = await get(server.origin, "/discover", { accept: "application/vnd.restate.endpointmanifest.v3+json" });
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/vnd.restate.endpointmanifest.v3+json");
  const m = JSON.parse(r.body);
  assert.equal(m.protocolMode, "BIDI_STREAM");
  assert.deepEqual(m.services[0].handlers.map((h) => h.name).sort(), ["big", "block", "echo"]);
  assert.equal((await get(server.origin, "/discover", { accept: "application/json" })).status, 406);
});

test("echo: Output with the input, then End; no extension header without an offer", async () => {
  const r = await invoke(server.origin, "/invoke/Echo/echo", { steps: [wire.requestBody("hi there")] });
  assert.equal(r.status, 200);
  assert.equal(r.headers[tether.EXTENSIONS_HEADER], undefined);
  assert.deepEqual(r.frames.map((f) => f.type), [wire.OUTPUT, wire.END]);
  assert.deepEqual(wire.output(r.frames[0].payload), { value: Buffer.from("hi there") });
});

test("an offer is accepted in the 200; Pings sent after it are answered in order, before End", async () => {
  const r = await invoke(server.origin, "/invoke/Echo/echo", {
    headers: OFFER,
    steps: [
      wire.start(),
      async (st) => {
        const h = await st.response;
        assert.equal(h[tether.EXTENSIONS_HEADER], "ping/1, chunked/1");
        return Buffer.concat([wire.ping("a"), wire.ping("b")]);
      },
      async (st) => {
        await until(st, (f) => f.filter((x) => x.type === wire.PONG).length === 2);
        return Buffer.concat([wire.input("x"), wire.ping("c")]);
      },
    ],
  });
  const types = r.frames.map((f) => f.type);
  assert.deepEqual(r.frames.filter((f) => f.type === wire.PONG).map((f) => wire.nonce(f.payload).toString()), ["a", "b", "c"]);
  assert.equal(types.at(-1), wire.END);
  assert.ok(types.indexOf(wire.OUTPUT) > types.indexOf(wire.PONG));
});

test("big over the limit: a terminal 413 Failure naming the size and the limit", async () => {
  const r = await invoke(server.origin, "/invoke/Echo/big", { steps: [wire.requestBody(String(5 * 1024 * 1024))] });
  assert.deepEqual(r.frames.map((f) => f.type), [wire.OUTPUT, wire.END]);
  const { failure } = wire.output(r.frames[0].payload);
  assert.equal(failure.code, 413);
  assert.match(failure.message, /4194304/);
});

test("big under the limit arrives whole; bad input is a terminal 400", async () => {
  const r = await invoke(server.origin, "/invoke/Echo/big", { steps: [wire.requestBody("3000000")] });
  assert.equal(wire.output(r.frames[0].payload).value.length, 3000000);
  const bad = await invoke(server.origin, "/invoke/Echo/block", { steps: [wire.requestBody("soon")] });
  assert.equal(wire.output(bad.frames[0].payload).failure.code, 400);
});

test("malformed input: ErrorMessage 571 naming it; a Ping without negotiation too", async () => {
  let r = await invoke(server.origin, "/invoke/Echo/echo", { steps: [wire.start(), tether.encodeFrameHeader(0x00ff, 0, 0)] });
  assert.equal(r.frames.at(-1).type, wire.ERROR);
  assert.equal(wire.errorMessage(r.frames.at(-1).payload).code, 571);
  r = await invoke(server.origin, "/invoke/Echo/echo", { steps: [wire.start(), wire.ping("p")] });
  const error = wire.errorMessage(r.frames.at(-1).payload);
  assert.equal(error.code, 571);
  assert.match(error.message, /negotiat/i);
});

test("bad requests: 415, 400 for a malformed offer, 404, 405", async () => {
  assert.equal((await invoke(server.origin, "/invoke/Echo/echo", { contentType: "application/json" })).status, 415);
  const bad = await invoke(server.origin, "/invoke/Echo/echo", { headers: { [tether.EXTENSIONS_HEADER]: "x".repeat(2000) } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.toString(), /tether-extensions/);
  assert.equal((await invoke(server.origin, "/invoke/Nope/echo")).status, 404);
  assert.equal((await invoke(server.origin, "/invoke/Echo/nope")).status, 404);
  assert.equal((await get(server.origin, "/invoke/Echo/echo")).status, 405);
});
