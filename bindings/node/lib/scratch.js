// The methods that hand back bytes on every dispatch step (Session.nextEvent and
// takeOutput, Invocation.takeOutput, Middleware.takeSdkInput and takeOutput): the addon
// copies a result into the free bytes of a pool made here and returns its length, with
// its offset in FIELDS, and the Buffer is a view of the pool, as Buffer.allocUnsafe
// makes from Node's own (see src/scratch.h). Results over 4 KiB come back as the addon's
// Buffer.
"use strict";
const { markAsUntransferable } = require("node:worker_threads");

// 16 pooled results of the largest size per pool; a Buffer kept alive keeps its pool.
const POOL_SIZE = 64 * 1024;
const FIELDS = new Uint32Array(new ArrayBuffer(5 * 4)); // see src/addon_data.h
const OFFSET = 4;
let pool = null;

// The addon calls this when the pool runs short or was detached.
function refill() {
  pool = Buffer.allocUnsafeSlow(POOL_SIZE).buffer; // no zero fill: results overwrite it
  markAsUntransferable(pool); // as Node's own pool: Buffers of other results share it
  return pool;
}

// r: what the addon returned (a length in the pool, a Buffer, null or undefined).
function bytes(r) {
  if (typeof r !== "number") return r;
  return Buffer.from(pool, FIELDS[OFFSET], r);
}

function install(native) {
  native.setScratch(refill, FIELDS);
  const { message, ping } = native.eventKinds;
  native.Session.prototype.nextEvent = function nextEvent() {
    const r = this._nextEvent();
    if (r === null) return null;
    const kind = FIELDS[0];
    if (kind === message) return { kind: "message", type: FIELDS[1], flags: FIELDS[2], data: bytes(r) };
    if (kind === ping) return { kind: "ping", data: bytes(r), answered: FIELDS[3] !== 0 };
    return { kind: "writable" };
  };
  for (const cls of [native.Session, native.Invocation, native.Middleware]) {
    cls.prototype.takeOutput = function takeOutput(limit) {
      return bytes(this._takeOutput(limit));
    };
  }
  native.Middleware.prototype.takeSdkInput = function takeSdkInput() {
    return bytes(this._takeSdkInput());
  };
}

module.exports = { install };
