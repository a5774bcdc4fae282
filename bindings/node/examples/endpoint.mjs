#!/usr/bin/env node
// tether's Node reference endpoint: the Echo service over h2c on node:http2.
//
//   node endpoint.mjs [--host 127.0.0.1] [--port 9080] [--max-message-size BYTES]
//
// Prints "listening on http://HOST:PORT" (the real port when --port is 0), then serves
//   GET  /discover          the endpoint manifest
//   POST /invoke/Echo/echo  returns its input
//   POST /invoke/Echo/big   input: decimal N; output: N bytes
//   POST /invoke/Echo/block input: decimal ms; blocks the event loop that long, returns "ok"
//
// The dispatch loop is the JS event loop: every stream is fed, polled (Pings answered)
// and flushed by callbacks on it, and the handlers run on it too. So a `block` delays
// every Pong on the endpoint, and node:http2's HTTP/2 PING replies with them: in a
// single-threaded runtime the two cannot be told apart (conformance: --loop shared).
import http2 from "node:http2";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tether = require("../index.js");

const SERVICE = "Echo";
const MANIFEST_VERSIONS = [1, 2, 3, 4];
const OUTPUT_PIECE = 256 * 1024; // bytes per response write: node:http2's queue stays short
const MAX_BIG = 2 ** 30; // refuse rather than exhaust memory
const MAX_BLOCK_MS = 60000;

class BadInput extends Error {}

function decimal(value, what, max) {
  const text = value.toString("latin1").trim();
  if (!/^\d{1,15}$/.test(text) || Number(text) > max) {
    throw new BadInput(`input must be a decimal ${what} from 0 to ${max}, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Number(text);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const HANDLERS = {
  echo: (value) => value,
  big: (value) => Buffer.alloc(decimal(value, "byte count", MAX_BIG), "a"),
  block: (value) => {
    // Blocks the event loop on purpose: every Pong of the endpoint waits.
    Atomics.wait(sleeper, 0, 0, decimal(value, "number of milliseconds", MAX_BLOCK_MS));
    return Buffer.from("ok");
  },
};

function manifest() {
  return {
    protocolMode: "BIDI_STREAM",
    minProtocolVersion: tether.PROTOCOL_MIN_VERSION,
    maxProtocolVersion: tether.PROTOCOL_MAX_VERSION,
    services: [{ name: SERVICE, ty: "SERVICE", handlers: Object.keys(HANDLERS).map((name) => ({ name })) }],
  };
}

// The highest manifest version the accept header allows (no header: the highest).
function manifestVersion(accept) {
  const highest = MANIFEST_VERSIONS.at(-1);
  if (!accept || !accept.trim()) return highest;
  let best = null;
  for (const item of accept.split(",")) {
    const type = item.split(";")[0].trim();
    if (type === "*/*" || type === "application/*") return highest;
    const m = /^application\/vnd\.restate\.endpointmanifest\.v(\d{1,3})\+json$/.exec(type);
    if (m && MANIFEST_VERSIONS.includes(Number(m[1]))) best = Math.max(best ?? 0, Number(m[1]));
  }
  return best;
}

function respond(stream, status, body, contentType = "text/plain") {
  stream.respond({ ":status": status, "content-type": contentType });
  stream.end(body);
}

// One invocation: request DATA feeds a tether.Invocation, its output is the response
// body. Everything runs on the event loop: feed, dispatch (Pongs), handler, flush.
class InvocationStream {
  constructor(stream, invocation, handler) {
    Object.assign(this, { stream, invocation, handler });
    this.pending = []; // request bytes the invocation's inbound budget had no room for
    this.result = null; // a result refused with WouldBlock, retried on "writable"
    this.settling = false; // a result went out: input read meanwhile is fed before End
    this.running = false; // "run" came: the handler runs on the next loop turn
    this.writable = true;
    this.failed = false; // feed() failed: an Error is queued, later input is dropped
    this.done = false;
    this.ended = false;
    stream.on("data", (chunk) => this.onData(chunk));
    stream.on("end", () => this.onEnd());
    stream.on("close", () => this.close());
    stream.on("error", () => this.close());
  }

  onData(chunk) {
    if (this.ended || this.failed) return;
    this.pending.push(chunk);
    this.pump();
  }

  onEnd() {
    if (this.ended) return;
    this.inputEnded = true;
    this.pump();
  }

  // Feeds what the inbound budget takes; true when nothing is left waiting.
  feed() {
    while (this.pending.length > 0 && !this.failed) {
      const chunk = this.pending[0];
      let taken;
      try {
        taken = this.invocation.feed(chunk);
      } catch (e) {
        if (!(e instanceof tether.TetherError)) throw e;
        console.error(`endpoint: bad input: ${e.name}: ${e.message}`);
        this.failed = true;
        this.pending = [];
        break;
      }
      if (taken < chunk.length) {
        this.pending[0] = chunk.subarray(taken);
        return false;
      }
      this.pending.shift();
    }
    if (this.pending.length === 0 && this.inputEnded && !this.failed && !this.finished) {
      this.finished = true;
      try {
        this.invocation.finishInput();
      } catch (e) {
        if (!(e instanceof tether.TetherError)) throw e;
        console.error(`endpoint: input ended badly: ${e.name}: ${e.message}`);
      }
    }
    return this.pending.length === 0;
  }

  // Feed, dispatch and write until none of them makes progress.
  pump() {
    const waiting = () => this.pending.reduce((n, c) => n + c.length, 0);
    while (!this.ended) {
      const before = waiting();
      this.feed();
      this.dispatch();
      const wrote = this.flush();
      if (!wrote && waiting() === before) break;
    }
    if (this.ended) return;
    // Flow control: stop reading while bytes wait for room in the session.
    if (this.pending.length > 0) this.stream.pause();
    else this.stream.resume();
  }

  dispatch() {
    while (!this.done && !this.settling && !this.running) {
      let event;
      try {
        event = this.invocation.poll();
      } catch (e) {
        if (!(e instanceof tether.TetherError)) throw e;
        console.error(`endpoint: stream failed: ${e.name}: ${e.message}`);
        continue; // an Error is queued; the next poll reports "done"
      }
      if (event === null || event === "blocked") return; // blocked: a Pong waits for output
      if (event === "run") {
        // One loop turn first: node:http2 writes the 200 from a native immediate, which
        // runs before this one, so the runtime has the response (and may Ping) before
        // a handler holds the loop. Input read meanwhile waits for the handler.
        this.running = true;
        setImmediate(() => {
          this.running = false;
          if (this.ended) return;
          this.result = this.run(this.invocation.input().value);
          this.deliver();
          this.pump();
        });
        return;
      } else if (event === "writable" && this.result !== null) {
        this.deliver();
      } else if (event === "done") {
        this.done = true;
      }
    }
  }

  run(value) {
    try {
      return ["complete", this.handler(value)];
    } catch (e) {
      if (e instanceof BadInput) return ["terminal", 400, e.message];
      console.error(`endpoint: handler failed: ${e.stack}`);
      return ["retryable", 500, `${e.name}: ${e.message}`];
    }
  }

  deliver() {
    const [kind, ...args] = this.result;
    try {
      if (kind === "complete") this.invocation.complete(args[0]);
      else if (kind === "terminal") this.invocation.failTerminal(...args);
      else this.invocation.failRetryable(...args);
    } catch (e) {
      if (e instanceof tether.WouldBlock) return; // "writable" comes once output drained
      if (!(e instanceof tether.MessageTooLarge)) throw e;
      console.error(`endpoint: output refused: ${e.message}`); // a 413 Failure went instead
    }
    this.result = null;
    // Two loop turns before End: bytes that reached the socket while the handler held
    // the loop are read by node:http2 (poll phase) and fed first, so their Pings are
    // answered before End (PROTOCOL.md).
    this.settling = true;
    setImmediate(() => setImmediate(() => {
      this.settling = false;
      this.pump();
    }));
  }

  // Writes output while the stream takes it; true if anything was written.
  flush() {
    let wrote = false, drained = false;
    while (this.writable && !this.ended) {
      const out = this.invocation.takeOutput(OUTPUT_PIECE);
      if (out === null) {
        drained = true;
        break;
      }
      wrote = true;
      if (!this.stream.write(out)) {
        this.writable = false;
        this.stream.once("drain", () => {
          this.writable = true;
          this.pump();
        });
      }
    }
    if (this.done && drained) {
      this.ended = true;
      this.stream.end();
      this.close();
    }
    return wrote;
  }

  close() {
    this.ended = true;
    this.invocation.close();
  }
}

function invoke(stream, headers, maxMessageSize) {
  const path = headers[":path"];
  const [service, name] = path.slice("/invoke/".length).split("/");
  if (service !== SERVICE) return respond(stream, 404, `unknown service ${service}\n`);
  const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (!handler) return respond(stream, 404, `service ${service} has no handler ${name}\n`);
  if (headers[":method"] !== "POST") return respond(stream, 405, `${path} takes POST, not ${headers[":method"]}\n`);
  const contentType = headers["content-type"] ?? "";
  let version, extensions;
  try {
    version = tether.contentTypeVersion(contentType);
  } catch (e) {
    return respond(stream, 415, `${e.message}; this endpoint speaks application/vnd.restate.invocation.v` +
      `${tether.PROTOCOL_MIN_VERSION}..v${tether.PROTOCOL_MAX_VERSION}\n`);
  }
  try {
    extensions = tether.negotiateExtensions(headers[tether.EXTENSIONS_HEADER]);
  } catch (e) {
    return respond(stream, 400, `${e.message}\n`);
  }
  const invocation = new tether.Invocation({
    protocolVersion: version,
    extensions: extensions.accepted,
    maxMessageSize,
    maxOutputSize: maxMessageSize,
  });
  const response = { ":status": 200, "content-type": contentType };
  if (extensions.header) response[tether.EXTENSIONS_HEADER] = extensions.header;
  stream.respond(response);
  new InvocationStream(stream, invocation, handler);
}

function serve(stream, headers, maxMessageSize) {
  const path = headers[":path"] ?? "";
  const method = headers[":method"];
  if (path === "/discover") {
    if (method !== "GET") return respond(stream, 405, `/discover takes GET, not ${method}\n`);
    const version = manifestVersion(headers.accept);
    if (version === null) {
      return respond(stream, 406, "accept must list application/vnd.restate.endpointmanifest.vM+json with M in " +
        `${MANIFEST_VERSIONS[0]}..${MANIFEST_VERSIONS.at(-1)}, got ${JSON.stringify(headers.accept)}\n`);
    }
    return respond(stream, 200, JSON.stringify(manifest()), `application/vnd.restate.endpointmanifest.v${version}+json`);
  }
  if (path.startsWith("/invoke/")) return invoke(stream, headers, maxMessageSize);
  respond(stream, 404, `no such route ${path} (GET /discover, POST /invoke/{service}/{handler})\n`);
}

export function start({ host = "127.0.0.1", port = 0, maxMessageSize = tether.DEFAULT_MAX_MESSAGE_SIZE, maxStreams = 2000 } = {}) {
  const server = http2.createServer({
    settings: { maxConcurrentStreams: maxStreams },
    maxSessionMemory: 256, // MiB; output is bounded per stream by the session budget
  });
  server.on("stream", (stream, headers) => serve(stream, headers, maxMessageSize));
  server.on("sessionError", (e) => console.error(`endpoint: session error: ${e.message}`));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "9080" },
      "max-message-size": { type: "string", default: String(tether.DEFAULT_MAX_MESSAGE_SIZE) },
      "max-streams": { type: "string", default: "2000" },
    },
  });
  const server = await start({
    host: values.host,
    port: Number(values.port),
    maxMessageSize: Number(values["max-message-size"]),
    maxStreams: Number(values["max-streams"]),
  });
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
}
