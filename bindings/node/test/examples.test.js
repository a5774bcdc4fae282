"use strict";
// Keeps the README's runnable example working.
const test = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const path = require("node:path");

test("examples/session_roundtrip.mjs answers both Pings before the echo and chunks it", () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, "..", "examples", "session_roundtrip.mjs")], { encoding: "utf8" });
  const wrote = out.split("\n").filter((l) => l.startsWith("wrote "));
  assert.deepEqual(wrote.slice(0, 2), ["wrote Pong 7 bytes nonce first", "wrote Pong 16 bytes nonce between-chunks"]);
  assert.ok(wrote.slice(2, -1).every((l) => l.startsWith("wrote Output")), out);
  assert.ok(wrote.length >= 5, "the echo went out in chunks");
  assert.match(wrote[2], /\(continued\)/);
  assert.equal(wrote.at(-1), "wrote End 0 bytes");
  assert.match(out, /"pingsAnswered":2/);
});
