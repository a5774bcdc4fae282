// Starts a server script that prints "listening on http://HOST:PORT" as a child
// process; stop() ends it by its pid.
"use strict";
const { spawn } = require("node:child_process");

function startServer(script, args = [], env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, "--port", "0", ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "", err = "";
    child.stderr.on("data", (c) => (err += c));
    child.stdout.on("data", (c) => {
      out += c;
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m) resolve({ origin: m[1], child, stderr: () => err, stop: () => stop(child) });
    });
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}): ${err}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", resolve);
    child.kill();
  });
}

module.exports = { startServer };
