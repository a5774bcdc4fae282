// A runtime-side h2c client for the tests: posts an invocation, writes the request
// body in steps (each step may wait for the response headers), collects the frames.
"use strict";
const http2 = require("node:http2");
const { wire } = require("../index.js");

// invoke(origin, path, {headers, steps, end}) -> {status, headers, body, frames}
// steps: Buffers to write, or async functions (response) => Buffer|undefined run in turn
// after the previous write; the request body ends after them unless end is false.
async function invoke(origin, path, { headers = {}, steps = [], end = true, contentType = "application/vnd.restate.invocation.v5" } = {}) {
  const client = http2.connect(origin);
  client.on("error", () => {});
  try {
    const request = client.request({ ":method": "POST", ":path": path, "content-type": contentType, ...headers });
    const chunks = [];
    const response = new Promise((resolve, reject) => {
      request.on("response", (h) => resolve(h));
      request.on("error", reject);
    });
    request.on("data", (c) => chunks.push(c));
    const done = new Promise((resolve) => request.on("close", resolve));
    const state = { response, chunks, frames: () => wire.decodeFrames(Buffer.concat(chunks)) };
    for (const step of steps) {
      const bytes = typeof step === "function" ? await step(state) : step;
      if (bytes) request.write(bytes);
    }
    if (end) request.end();
    const responseHeaders = await response;
    await done;
    const body = Buffer.concat(chunks);
    return { status: responseHeaders[":status"], headers: responseHeaders, body, frames: wire.decodeFrames(body) };
  } finally {
    client.close();
  }
}

async function get(origin, path, headers = {}) {
  const client = http2.connect(origin);
  try {
    const request = client.request({ ":method": "GET", ":path": path, ...headers });
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    const status = await new Promise((resolve, reject) => {
      request.on("response", (h) => resolve(h));
      request.on("error", reject);
    });
    await new Promise((resolve) => request.on("close", resolve));
    return { status: status[":status"], headers: status, body: Buffer.concat(chunks).toString() };
  } finally {
    client.close();
  }
}

// Waits until the collected response frames satisfy predicate (or the stream ends).
function until(state, predicate, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      if (predicate(state.frames())) return resolve();
      if (Date.now() > deadline) return reject(new Error("timed out waiting for frames"));
      setTimeout(check, 5);
    };
    check();
  });
}

module.exports = { invoke, get, until };
