#!/usr/bin/env node
// The Echo service written with the official Restate SDK (@restatedev/restate-sdk),
// served over h2c with tether in front of it: the one line marked below is all it takes.
//
//   node sdk_service.mjs [--port 9080] [--max-message-size BYTES] [--stock]
//
// --stock serves the same endpoint without tether (the comparison the interop test and
// the benchmark make). Prints "listening on http://127.0.0.1:PORT".
//   echo   returns its input
//   big    input: decimal N; output: N bytes
//   block  input: decimal ms; blocks the event loop that long, returns "ok"
import http2 from "node:http2";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";

if (typeof Promise.withResolvers !== "function") await import("../../../bench/ts_sdk/polyfill.mjs"); // Node 20
const restate = await import("@restatedev/restate-sdk");
const { protect } = createRequire(import.meta.url)("../lib/restate.js");

const MAX_BIG = 2 ** 30;
const MAX_BLOCK_MS = 60000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function decimal(input, what, max) {
  const text = Buffer.from(input).toString("latin1").trim();
  if (!/^\d{1,15}$/.test(text) || Number(text) > max) {
    throw new restate.TerminalError(`input must be a decimal ${what} from 0 to ${max}, got ${JSON.stringify(text.slice(0, 40))}`, { errorCode: 400 });
  }
  return Number(text);
}

const bytes = { input: restate.serde.binary, output: restate.serde.binary };
const echo = restate.service({
  name: "Echo",
  handlers: {
    echo: restate.handlers.handler(bytes, async (_ctx, input) => input),
    big: restate.handlers.handler(bytes, async (_ctx, input) => new Uint8Array(decimal(input, "byte count", MAX_BIG)).fill(97)),
    block: restate.handlers.handler(bytes, async (_ctx, input) => {
      Atomics.wait(sleeper, 0, 0, decimal(input, "number of milliseconds", MAX_BLOCK_MS)); // blocks the loop: the point
      return new TextEncoder().encode("ok");
    }),
  },
});

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9080" },
    "max-message-size": { type: "string", default: String(32 * 1024 * 1024) },
    stock: { type: "boolean", default: false },
  },
});
const maxOutputSize = Number(values["max-message-size"]);
const handler = restate.endpoint().bind(echo).http2Handler();

const server = http2.createServer(
  values.stock ? handler : protect(handler, { maxOutputSize, maxMessageSize: maxOutputSize }), // tether: this line
);
server.listen(Number(values.port), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
