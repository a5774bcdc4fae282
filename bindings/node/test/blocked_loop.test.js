"use strict";
// A handler that holds the event loop, on the reference endpoint and on the official SDK
// behind protect(), each in a child process: the 200 reaches the runtime before the
// handler runs, so a Ping sent once it arrived waits behind the handler and is answered
// after its Output and before End (PROTOCOL.md; conformance cases 2 and 3).
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const tether = require("../index.js");
const { wire } = tether;
const { invoke } = require("./h2c.js");
const { startServer } = require("./child.js");

const EXAMPLES = path.join(__dirname, "..", "examples");
const OFFER = { [tether.EXTENSIONS_HEADER]: tether.EXTENSIONS_OFFER };

for (const script of ["endpoint.mjs", "sdk_service.mjs"]) {
  test(`${script}: a Ping sent during a blocking handler comes after its Output, before End`, async () => {
    const server = await startServer(path.join(EXAMPLES, script), [], { RESTATE_LOGGING: "ERROR" });
    try {
      const r = await invoke(server.origin, "/invoke/Echo/block", {
        headers: OFFER,
        steps: [
          wire.requestBody("300"),
          async (st) => {
            const h = await st.response;
            assert.equal(h[tether.EXTENSIONS_HEADER], "ping/1, chunked/1");
            return wire.ping("behind");
          },
        ],
      });
      assert.equal(r.status, 200);
      const types = r.frames.map((f) => f.type);
      assert.deepEqual(types, [wire.OUTPUT, wire.PONG, wire.END], `frames ${types.join(",")}`);
      assert.equal(wire.nonce(r.frames[1].payload).toString(), "behind");
      assert.deepEqual(wire.output(r.frames[0].payload), { value: Buffer.from("ok") });
    } finally {
      await server.stop();
    }
  });
}
