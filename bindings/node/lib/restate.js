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
const tether = require("../index.js");

const OUTPUT_PIECE = 256 * 1024; // bytes per response write
const FAILED = Symbol("failed"); // what call() returns when the middleware refused

// The SDK's output ends with an End frame (no payload, no flags): it is held back for
// two loop turns, so that Pings which reached the socket while a handler held the loop
// are read (one poll phase) and answered before it (PROTOCOL.md: answered before End).
const END_FRAME = tether.encodeFrameHeader(tether.MSG_END, 0, 0);

// The request the SDK reads: it iterates it (request[Symbol.asyncIterator]()), and each
// next() is a pull: the next plain frames come from the middleware only when the SDK
// asks. It emits "close" only when the real stream closes or the SDK must stop (the SDK
// aborts the attempt on it).
function sdkRequest(request, guarded) {
  const iterator = {
    next: () => guarded.read(),
    return: async () => ({ done: true, value: undefined }),
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return Object.assign(new EventEmitter(), {
    url: request.url,
    method: request.method,
    headers: request.headers,
    httpVersion: request.httpVersion,
    httpVersionMajor: request.httpVersionMajor,
    httpVersionMinor: request.httpVersionMinor,
    [Symbol.asyncIterator]: () => iterator,
  });
}

class GuardedInvocation {
  constructor(request, response, middleware, negotiated, log) {
    Object.assign(this, { request, response, middleware, extensionsHeader: negotiated.header, log });
    this.stopped = false; // the response is ending: the SDK gets no more input, its output is dropped
    this.ended = false;
    this.congested = false; // response.write said to wait for "drain"
    this.waiters = []; // SDK writes waiting for "drain"
    this.pings = (negotiated.accepted & tether.EXT_PING) !== 0; // Pings can arrive: keep them in order
    this.pending = []; // request chunks not fed yet: each is fed when the SDK reads
    this.inputEnded = false; // the request's body ended
    this.finished = false; // finishInput() was called
    this.reader = null; // the SDK's waiting next(): { resolve, ready }
    this.sdkDone = false; // the SDK was told its input ended
    this.sdkInput = sdkRequest(request, this);
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
        else self.sdkWrite(chunk instanceof Uint8Array ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length) : Buffer.from(chunk), callback);
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
    this.endSdkInput();
    this.middleware.close();
  }

  // Runtime -> SDK.
  onData(chunk) {
    if (this.stopped) return;
    this.pending.push(chunk);
    this.pump();
  }

  onEnd() {
    this.inputEnded = true;
    this.pump();
  }

  // The SDK's next(). Where Pings can arrive, one loop turn first: the SDK's work on
  // what it read last (a handler that holds the loop, too) runs before more is fed, so
  // a Ping behind a message is answered after that message was handled; and node:http2
  // writes the 200 (a native immediate) before the SDK gets its first input and may
  // block the loop, so the runtime may Ping meanwhile.
  read() {
    if (this.sdkDone) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      const reader = { resolve, ready: !this.pings };
      this.reader = reader;
      if (reader.ready) return this.pump();
      setImmediate(() => {
        reader.ready = true;
        this.pump();
      });
    });
  }

  endSdkInput() {
    this.sdkDone = true;
    const reader = this.reader;
    this.reader = null;
    reader?.resolve({ done: true, value: undefined });
  }

  // While the SDK waits for input: feeds the request one chunk at a time and hands the
  // SDK the frames it yields, writing the Pongs they queued. Reading stops while the
  // SDK is busy (HTTP/2 flow control holds the runtime back).
  pump() {
    while (this.reader?.ready && !this.stopped) {
      const frames = this.call(() => this.middleware.takeSdkInput());
      if (frames === FAILED) return;
      this.flush(); // the Pongs; a Pong waiting for room holds the next frames back
      if (frames === undefined) return void this.endSdkInput(); // input ended, all taken
      if (frames !== null) {
        const reader = this.reader;
        this.reader = null;
        reader.resolve({ done: false, value: frames });
        break;
      }
      if (this.pending.length > 0) {
        const chunk = this.pending[0];
        const taken = this.call(() => this.middleware.feed(chunk));
        if (taken === FAILED) return;
        if (taken < chunk.length) this.pending[0] = chunk.subarray(taken);
        else this.pending.shift();
        if (taken === 0 && !this.flush()) break; // the inbound budget is full: the SDK reads first
      } else if (this.inputEnded && !this.finished) {
        this.finished = true;
        if (this.call(() => this.middleware.finishInput()) === FAILED) return;
      } else {
        break; // wait for the runtime
      }
    }
    if (this.stopped) return;
    if (this.pending.length > 0) this.request.pause();
    else this.request.resume();
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

  // SDK -> runtime, with a trailing End held back (see END_FRAME) where Pings can arrive.
  sdkWrite(chunk, callback) {
    const at = chunk.length - END_FRAME.length;
    if (!this.pings || at < 0 || !chunk.subarray(at).equals(END_FRAME)) return this.sdkOutput(chunk, callback);
    this.sdkOutput(chunk.subarray(0, at), () =>
      setImmediate(() => setImmediate(() => this.sdkOutput(chunk.subarray(at), callback))),
    );
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
    this.endSdkInput();
    this.sdkInput.emit("close");
    this.onDrain();
  }

  onClose() {
    if (!this.stopped) {
      this.stopped = this.ended = true;
      this.endSdkInput();
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
    const guarded = new GuardedInvocation(request, response, middleware, negotiated, log);
    handler(guarded.sdkInput, guarded.sdkResponse);
  };
}

module.exports = { protect };
