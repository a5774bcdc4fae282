// tether in front of the official Restate TypeScript SDK (PROTOCOL.md, "tether in front
// of an upstream SDK"). protect() wraps the SDK endpoint's public HTTP/2 handler:
//
//   http2.createServer(protect(restate.endpoint().bind(service).http2Handler())).listen(9080);
//
// For each invocation a tether Middleware sits between the HTTP/2 stream and the SDK:
// request bytes go through it (Pings answered here, on the JS event loop the SDK runs
// on; chunks reassembled; limits checked) and the SDK reads plain upstream frames; the
// SDK's output goes through it (every message checked against the runtime's limit
// before a byte of it is written, chunked when negotiated), and the first message over
// the limit becomes a terminal 413 Failure + End instead of a message the runtime would
// refuse and retry forever. Everything else (discovery, health, bad requests) reaches
// the SDK untouched.
"use strict";
const { EventEmitter } = require("node:events");
const { Readable } = require("node:stream");
const tether = require("../index.js");

const OUTPUT_PIECE = 256 * 1024; // bytes per response write
const FAILED = Symbol("failed"); // what call() returns when the middleware refused

// The request the SDK reads: plain upstream frames from the middleware, with the
// original's url, method and headers. It emits "close" only when the real stream
// closes or the SDK must stop (the SDK aborts the attempt on it).
function sdkRequest(request, onRead) {
  const readable = new Readable({ read: onRead, emitClose: false });
  return Object.assign(readable, {
    url: request.url,
    method: request.method,
    headers: request.headers,
    httpVersion: request.httpVersion,
    httpVersionMajor: request.httpVersionMajor,
    httpVersionMinor: request.httpVersionMinor,
  });
}

class GuardedInvocation {
  constructor(request, response, middleware, extensionsHeader, log) {
    Object.assign(this, { request, response, middleware, extensionsHeader, log });
    this.stopped = false; // the response is ending: the SDK gets no more input, its output is dropped
    this.ended = false;
    this.congested = false; // response.write said to wait for "drain"
    this.waiters = []; // SDK writes waiting for "drain"
    this.sdkInput = sdkRequest(request, () => request.resume());
    this.sdkResponse = this.makeResponse();
    request.on("data", (chunk) => this.onData(chunk));
    request.on("end", () => this.onEnd());
    request.once("close", () => this.onClose());
    response.on("drain", () => this.onDrain());
  }

  makeResponse() {
    const self = this;
    const sdkResponse = new EventEmitter();
    return Object.assign(sdkResponse, {
      writeHead(status, headers = {}) {
        if (self.ended || self.response.headersSent) return sdkResponse;
        if (status !== 200) {
          self.refused(); // the SDK refused the request itself: its body is not frames
        } else if (self.extensionsHeader) {
          headers = { ...headers, [tether.EXTENSIONS_HEADER]: self.extensionsHeader };
        }
        self.response.writeHead(status, headers);
        return sdkResponse;
      },
      write(chunk, callback) {
        if (self.passthrough) self.response.write(chunk, callback);
        else self.sdkOutput(Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? chunk : Buffer.from(chunk), callback);
        return true;
      },
      end(callback) {
        if (self.passthrough) self.response.end(callback);
        else self.sdkEnd(callback);
        return sdkResponse;
      },
    });
  }

  // A response other than 200 (404, 415...) goes out as the SDK wrote it.
  refused() {
    this.passthrough = true;
    this.stopped = this.ended = true;
    this.sdkInput.push(null);
    this.middleware.close();
  }

  // Runtime -> SDK.
  onData(chunk) {
    if (this.stopped) return;
    let rest = chunk;
    while (rest.length > 0 && !this.stopped) {
      const taken = this.call(() => this.middleware.feed(rest));
      if (taken === FAILED) return;
      rest = rest.subarray(taken);
      this.deliverInput(); // makes room when feed stopped at the inbound budget
    }
  }

  onEnd() {
    if (this.stopped) return;
    if (this.call(() => this.middleware.finishInput()) === FAILED) return;
    this.deliverInput();
  }

  // Hands the middleware's plain frames to the SDK and writes the Pongs they queued,
  // until neither has more (a Pong waiting for room holds the next frames back).
  deliverInput() {
    do {
      for (;;) {
        const frames = this.stopped ? null : this.call(() => this.middleware.takeSdkInput());
        if (frames === null) break;
        if (frames === undefined || frames === FAILED) {
          this.sdkInput.push(null); // input ended and all was taken, or the stream failed
          return;
        }
        if (!this.sdkInput.push(frames)) this.request.pause(); // resumed when the SDK reads
      }
    } while (this.flush());
  }

  // Runs a middleware call; a TetherError there means the stream failed (malformed
  // input: the 571 is queued), a message was replaced (413) or the SDK wrote what the
  // protocol does not allow: the response ends and the SDK is stopped.
  call(fn) {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof tether.TetherError)) throw e;
      this.log(`tether: ${e.name}: ${e.message}`);
      this.stop();
      return FAILED;
    }
  }

  // SDK -> runtime: each write's callback runs once the middleware took all of it and
  // the response is not congested, so the SDK feels HTTP/2 flow control.
  sdkOutput(chunk, callback) {
    let rest = chunk;
    const done = () => (this.congested && !this.stopped ? this.waiters.push(() => callback?.()) : callback?.());
    const step = () => {
      while (!this.stopped) {
        const r = this.call(() => this.middleware.sdkOutput(rest.length > 0 ? rest : undefined));
        if (r === FAILED) break;
        rest = rest.subarray(r.taken);
        this.flush();
        if (!r.blocked && rest.length === 0) break;
        if (this.congested) return void this.waiters.push(step); // at the watermark: after "drain"
      }
      done();
    };
    step();
  }

  sdkEnd(callback) {
    const done = () => {
      if (!callback) return;
      if (this.response.writableFinished || this.response.destroyed) callback();
      else this.response.once("finish", callback);
    };
    const attempt = () => {
      if (this.stopped) return done();
      const ended = this.call(() => this.middleware.sdkOutputEnd());
      if (ended === FAILED) return done();
      if (ended) {
        this.stopped = true;
        this.finish();
        return done();
      }
      this.call(() => this.middleware.sdkOutput()); // a frame waits for room: retry it
      this.flush();
      if (this.congested) this.waiters.push(attempt);
      else attempt();
    };
    attempt();
  }

  // Writes the middleware's output; true if there was any.
  flush() {
    if (this.ended) return false;
    let wrote = false;
    for (;;) {
      const out = this.middleware.takeOutput(OUTPUT_PIECE);
      if (out === null) return wrote;
      wrote = true;
      if (!this.response.write(out)) this.congested = true;
    }
  }

  onDrain() {
    this.congested = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  // Writes what is queued and ends the response.
  finish() {
    this.flush();
    this.ended = true;
    if (!this.response.headersSent) this.response.writeHead(200);
    this.response.end();
    this.middleware.close();
  }

  // After malformed input (the 571 is queued) or a replaced message (the 413 Failure +
  // End): ends the response and stops the SDK: no more input, its output dropped, its
  // attempt aborted.
  stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.finish();
    this.sdkInput.push(null);
    this.sdkInput.emit("close");
    this.onDrain();
  }

  onClose() {
    if (!this.stopped) {
      this.stopped = this.ended = true;
      this.sdkInput.push(null);
      this.middleware.close();
    }
    this.sdkInput.emit("close");
  }
}

// Wraps an SDK HTTP/2 handler ((request, response) => void, from
// restate.endpoint().http2Handler()) so that every invocation runs behind tether.
// options: maxOutputSize (the runtime's limit for one message, default 32 MiB), the
// Session options (maxFramePayload, maxMessageSize, budgets...), extensions (what to
// accept of the runtime's offer, default EXT_ALL), log (a function; default console.error).
function protect(handler, options = {}) {
  if (typeof handler !== "function") {
    throw new TypeError(`protect: handler must be the SDK's http2Handler() function, got ${typeof handler}`);
  }
  const { extensions = tether.EXT_ALL, log = console.error, ...middlewareOptions } = options;
  new tether.Middleware(middlewareOptions).close(); // bad options fail here, not per request
  return (request, response) => {
    const path = request.url ?? "";
    if (request.method !== "POST" || !path.startsWith("/invoke/")) return handler(request, response);
    let version, negotiated;
    try {
      version = tether.contentTypeVersion(request.headers["content-type"] ?? "");
    } catch {
      return handler(request, response); // the SDK answers a content type it does not speak
    }
    try {
      negotiated = tether.negotiateExtensions(request.headers[tether.EXTENSIONS_HEADER], extensions);
    } catch (e) {
      response.writeHead(400, { "content-type": "text/plain" });
      response.end(`${e.message}\n`);
      return;
    }
    const middleware = new tether.Middleware({
      ...middlewareOptions,
      protocolVersion: version,
      extensions: negotiated.accepted,
    });
    const guarded = new GuardedInvocation(request, response, middleware, negotiated.header, log);
    handler(guarded.sdkInput, guarded.sdkResponse);
  };
}

module.exports = { protect };
