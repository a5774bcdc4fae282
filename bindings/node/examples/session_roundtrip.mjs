#!/usr/bin/env node
// A Session's whole loop with no network: the runtime's bytes (Start, a Ping, a chunked
// Input with a Ping between its chunks) are fed, the dispatch loop answers the Pings
// and echoes the Input, and the frames written back are printed.
//   node examples/session_roundtrip.mjs
import { createRequire } from "node:module";

const tether = createRequire(import.meta.url)("../index.js");
const { wire } = tether;

const session = new tether.Session({ extensions: tether.EXT_ALL, maxFramePayload: 2048 });
const body = wire.fieldBytes(14, wire.fieldBytes(1, Buffer.alloc(3000, "e")));
const fromRuntime = Buffer.concat([
  wire.start(),
  wire.ping("first"),
  wire.frame(tether.MSG_INPUT_COMMAND, body.subarray(0, 1024), tether.FLAG_CONTINUED),
  wire.ping("between-chunks"),
  wire.frame(tether.MSG_INPUT_COMMAND, body.subarray(1024)),
]);

let rest = fromRuntime;
while (rest.length > 0) {
  rest = rest.subarray(session.feed(rest)); // the transport's side
  let event;
  while ((event = session.nextEvent()) !== null) { // the dispatch loop's side
    if (event.kind === "ping") console.log(`ping ${event.data} answered`);
    if (event.kind === "message" && event.type === tether.MSG_INPUT_COMMAND) {
      const input = wire.fields(event.data)[14][0];
      session.send(tether.MSG_OUTPUT_COMMAND, wire.fieldBytes(14, input)); // echo, chunked on the way out
      session.send(tether.MSG_END, Buffer.alloc(0));
    }
  }
}

for (const f of wire.decodeFrames(session.takeOutput())) {
  const name = { [tether.MSG_PONG]: "Pong", [tether.MSG_OUTPUT_COMMAND]: "Output", [tether.MSG_END]: "End" }[f.type];
  const more = f.flags & tether.FLAG_CONTINUED ? " (continued)" : "";
  console.log(`wrote ${name} ${f.payload.length} bytes${more}${f.type === tether.MSG_PONG ? ` nonce ${wire.nonce(f.payload)}` : ""}`);
}
console.log(`stats: ${JSON.stringify(session.stats(), (k, v) => (typeof v === "bigint" ? String(v) : v))}`);
session.close();
