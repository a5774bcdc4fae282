"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const tether = require("../index.js");

const FAMILIES = [null, tether.BackpressureError, tether.LimitError, tether.ProtocolError, tether.UsageError, tether.ResourceError];

test("one class per status, from the C table, with code, statusName, retryable, fatal", () => {
  const table = tether.statusTable();
  assert.ok(table.length > 20);
  for (const row of table.filter((r) => r.code !== 0)) {
    const cls = tether.errorClass(row.code);
    assert.ok(cls, `a class for ${row.name}`);
    const e = new cls("m");
    assert.ok(e instanceof tether.TetherError && e instanceof Error);
    assert.ok(e instanceof FAMILIES[row.family], `${row.name} in its family`);
    assert.equal(e.code, row.code);
    assert.equal(e.statusName, row.name);
    assert.equal(e.retryable, row.retryable);
    assert.equal(e.fatal, row.fatal);
    assert.equal(e.name, cls.name);
    assert.equal(tether[cls.name], cls);
  }
});

test("index.d.ts declares exactly the error classes the table makes, with their bases", () => {
  const dts = fs.readFileSync(path.join(__dirname, "..", "index.d.ts"), "utf8");
  const declared = new Map([...dts.matchAll(/^export class (\w+) extends (\w+) \{\}$/gm)].map((m) => [m[1], m[2]]));
  const runtime = new Map();
  for (const row of tether.statusTable().filter((r) => r.code !== 0)) {
    const cls = tether.errorClass(row.code);
    runtime.set(cls.name, Object.getPrototypeOf(cls).name);
  }
  for (const f of FAMILIES.slice(1)) runtime.set(f.name, "TetherError");
  assert.deepEqual(new Map([...declared].sort()), new Map([...runtime].sort()));
});

test("a status from a handle carries its last_error", () => {
  const d = new tether.Decoder({ maxFramePayload: 8 });
  try {
    d.feed(tether.encodeFrameHeader(0x0400, 0, 9));
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof tether.FrameTooLarge);
    assert.equal(e.message, d.lastError);
  }
  d.close();
});
