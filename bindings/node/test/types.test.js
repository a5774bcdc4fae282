"use strict";
// index.d.ts and restate.d.ts, and a program using them, pass tsc --strict.
const test = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const path = require("node:path");

test("tsc --strict accepts the declarations and a program written against them", () => {
  const tsc = require.resolve("typescript/bin/tsc");
  const here = path.join(__dirname, "..");
  try {
    execFileSync(process.execPath, [tsc, "--strict", "--noEmit", "--skipLibCheck", "false", "--module", "nodenext",
      "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node",
      path.join(here, "index.d.ts"), path.join(here, "restate.d.ts"), path.join(__dirname, "types_usage.ts")],
    { cwd: here, stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc --strict failed:\n${e.stdout}${e.stderr}`);
  }
});
