#!/usr/bin/env node
// Ping turnaround and 1 KiB message dispatch through the Node binding against the same
// loops through the C API (bench/python/dispatch_loop.c), in one run. Target: Node at
// most 5x C.
//
//   node bench/node/dispatch_bench.mjs [--build build] [--batches 101] [--ops 1000]
//
// Each figure is the median over batches of the mean time per operation in a batch.
//   ping:    feed one Ping frame, dispatch it (nextEvent), take the Pong bytes
//   message: feed one frame holding a 1 KiB InputCommand, dispatch it (the payload is
//            copied into a Buffer on the JS side: that is the binding's cost)
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const tether = createRequire(import.meta.url)(path.join(ROOT, "bindings", "node", "index.js"));
const { wire } = tether;
const TARGET = 5;

const { values } = parseArgs({
  options: {
    build: { type: "string", default: path.join(ROOT, "build") },
    batches: { type: "string", default: "101" },
    ops: { type: "string", default: "1000" },
  },
});
const batches = Number(values.batches), ops = Number(values.ops);

function cFigures() {
  const out = path.join(ROOT, ".cache", "bench-node");
  fs.mkdirSync(out, { recursive: true });
  const exe = path.join(out, "dispatch_loop");
  const lib = path.resolve(values.build, "capi");
  execFileSync("cc", ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", path.join(ROOT, "capi", "include"),
    path.join(ROOT, "bench", "python", "dispatch_loop.c"), "-L", lib, "-ltether", `-Wl,-rpath,${lib}`, "-o", exe]);
  const text = execFileSync(exe, [String(batches), String(ops)], { encoding: "utf8" });
  return Object.fromEntries(text.trim().split("\n").map((l) => l.split(" ")).map(([k, v]) => [k, Number(v)]));
}

function startedSession() {
  const s = new tether.Session({ extensions: tether.EXT_ALL });
  s.feed(wire.start({ id: "inv", debugId: "inv" }));
  while (s.nextEvent() !== null);
  return s;
}

const pingOp = (s, frame) => {
  s.feed(frame);
  s.nextEvent();
  s.takeOutput();
};
const messageOp = (s, frame) => {
  s.feed(frame);
  s.nextEvent();
};

function medianNs(op, frame) {
  const s = startedSession();
  for (let i = 0; i < ops * 10; ++i) op(s, frame); // warm up (JIT)
  const perOp = [];
  for (let b = 0; b < batches; ++b) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ops; ++i) op(s, frame);
    perOp.push(Number(process.hrtime.bigint() - t0) / ops);
  }
  s.close();
  perOp.sort((a, b) => a - b);
  return perOp[Math.floor(batches / 2)];
}

const ping = wire.ping("nonce-01");
const message = wire.input(Buffer.alloc(1018, "m"));
if (message.length !== 8 + 1024) throw new Error(`the message frame is ${message.length} bytes`);

const c = cFigures();
const js = { ping: medianNs(pingOp, ping), message: medianNs(messageOp, message) };
console.log(`${"loop".padEnd(10)}${"C ns/op".padStart(10)}${"Node ns/op".padStart(12)}${"ratio".padStart(8)}   (target <= ${TARGET}x)`);
let worst = 0;
for (const name of ["ping", "message"]) {
  const ratio = js[name] / c[name];
  worst = Math.max(worst, ratio);
  console.log(`${name.padEnd(10)}${c[name].toFixed(1).padStart(10)}${js[name].toFixed(1).padStart(12)}${ratio.toFixed(1).padStart(7)}x`);
}
console.log(`worst ratio ${worst.toFixed(1)}x: ${worst <= TARGET ? "within" : "OVER"} target`);
