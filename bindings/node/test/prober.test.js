"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const tether = require("../index.js");
const { wire } = tether;

const MS = 1e6;

test("poll gives a Ping frame per stream; its Pong is an RTT sample", () => {
  const p = new tether.Prober({ selection: "all" });
  p.addStream(1, "dep-a", 0);
  p.addStream(2n, "dep-a", 0);
  const { pings, nextDeadlineNs } = p.poll(0);
  assert.equal(pings.length, 2);
  assert.ok(nextDeadlineNs > 0);
  for (const ping of pings) {
    const [frame] = wire.decodeFrames(ping.frame);
    assert.equal(frame.type, tether.MSG_PING);
    p.onPongMessage(ping.stream, frame.payload, 3 * MS);
  }
  const summary = p.summary("dep-a");
  assert.equal(summary.count, 2);
  assert.ok(summary.p50Ns >= 2.9 * MS && summary.p50Ns <= 3.1 * MS, `p50 ${summary.p50Ns}`);
  assert.equal(p.stats().pongsMatched, 2);
  assert.match(p.prometheus(), /tether_ping_rtt_seconds_bucket\{deployment="dep-a"/);
  p.close();
});

test("a slow Pong makes the deployment congested; onStateChange sees it after the call and may close", () => {
  const changes = [];
  const p = new tether.Prober({
    congestedRttNs: 100 * MS,
    degradedRttNs: 10 * MS,
    onStateChange: (c) => {
      changes.push(c);
      p.close(); // allowed: the C call has returned
    },
  });
  p.addStream(7, "dep-b", 0);
  const [ping] = p.poll(0).pings;
  p.onPongMessage(7, wire.decodeFrames(ping.frame)[0].payload, 500 * MS);
  assert.equal(changes.length, 1);
  assert.equal(changes[0].deployment, "dep-b");
  assert.equal(changes[0].from, "healthy");
  assert.equal(changes[0].to, "congested");
  assert.equal(p.closed, true);
});

test("an unknown Pong is counted, not an error; a bad Pong body is BadMessage", () => {
  const p = new tether.Prober();
  p.addStream(1, "d", 0);
  p.onPong(1, Buffer.from("nope"), 1);
  assert.equal(p.stats().pongsUnexpected, 1);
  assert.throws(() => p.onPongMessage(1, Buffer.from([0xff]), 2), tether.BadMessage);
  p.close();
});

test("options out of range name the field", () => {
  assert.throws(() => new tether.Prober({ quantile: 2 }), (e) => e instanceof tether.InvalidArgument && /quantile/.test(e.message));
  assert.throws(() => new tether.Prober({ selection: "some" }), /selection must be/);
  assert.throws(() => new tether.Prober({ onStateChange: 3 }), TypeError);
});
