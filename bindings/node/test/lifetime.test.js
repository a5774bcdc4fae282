"use strict";
// Finalizers and growth: run with --expose-gc (./run test node and npm test do).
const test = require("node:test");
const assert = require("node:assert/strict");
const tether = require("../index.js");
const { wire } = tether;

const gc = global.gc;
const MiB = 1024 * 1024;
const settle = async () => {
  for (let i = 0; i < 4; ++i) {
    gc();
    await new Promise((r) => setImmediate(r)); // finalizers run between turns
  }
};

// One whole Session life: Start, a Ping answered, an Output sent and taken.
function life(close) {
  const s = new tether.Session({ extensions: tether.EXT_ALL });
  s.feed(wire.start());
  s.feed(wire.ping("n"));
  while (s.nextEvent() !== null);
  s.send(tether.MSG_OUTPUT_COMMAND, Buffer.alloc(64));
  s.takeOutput();
  if (close) s.close();
}

// Growth over count lives after warmup lives: unclosed handles wait for the GC, so the
// first lives raise RSS to a plateau that later ones must not pass.
async function growth(count, close, warmup) {
  for (let i = 0; i < warmup; ++i) {
    life(close);
    if (i % 10000 === 0) await new Promise((r) => setImmediate(r));
  }
  await settle();
  const rss0 = process.memoryUsage().rss, heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; ++i) {
    life(close);
    if (i % 10000 === 0) await new Promise((r) => setImmediate(r));
  }
  await settle();
  const m = process.memoryUsage();
  return { rss: (m.rss - rss0) / MiB, heap: (m.heapUsed - heap0) / MiB };
}

test("gc available (node --expose-gc)", () => assert.equal(typeof gc, "function"));

test("100k sessions closed: RSS and heap do not grow", { skip: !gc }, async () => {
  const g = await growth(100000, true, 2000);
  // A leak of even one session (some KiB each) would be hundreds of MiB.
  assert.ok(g.rss < 24, `RSS grew ${g.rss.toFixed(1)} MiB`);
  assert.ok(g.heap < 8, `heap grew ${g.heap.toFixed(1)} MiB`);
});

test("100k sessions never closed: the finalizer frees them", { skip: !gc }, async () => {
  const g = await growth(100000, false, 100000);
  assert.ok(g.rss < 24, `RSS grew ${g.rss.toFixed(1)} MiB`);
  assert.ok(g.heap < 8, `heap grew ${g.heap.toFixed(1)} MiB`);
});

test("every class is freed by its finalizer, holding state, without a crash", { skip: !gc }, async () => {
  const round = async () => {
    for (let i = 0; i < 2000; ++i) {
      const inv = new tether.Invocation();
      inv.feed(wire.requestBody("x".repeat(1000)));
      inv.poll();
      const p = new tether.Prober({ onStateChange: () => {} });
      p.addStream(i, "d", 0);
      p.poll(0);
      const d = new tether.Decoder();
      d.feed(wire.start().subarray(0, 5));
      const m = new tether.Middleware();
      m.feed(wire.start());
      m.takeSdkInput();
      m.sdkOutput(wire.frame(tether.MSG_OUTPUT_COMMAND, Buffer.alloc(100)));
    }
    await settle();
  };
  // The first round raises RSS to a plateau (~90 MiB: 2000 probers' windows wait for
  // the GC, and the C heap keeps what they freed); a leak would grow it every round
  // by about that much again.
  await round();
  const before = process.memoryUsage().rss;
  await round();
  await round();
  const grown = (process.memoryUsage().rss - before) / MiB;
  assert.ok(grown < 24, `RSS grew ${grown.toFixed(1)} MiB over two more rounds`);
});
