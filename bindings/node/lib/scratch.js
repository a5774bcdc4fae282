// The methods that hand back bytes on every dispatch step (Session.nextEvent and
// takeOutput, Invocation.takeOutput, Middleware.takeSdkInput and takeOutput): the addon
// copies a result into one reusable buffer and returns its length, and the Buffer is
// made here, from Node's pool (see src/scratch.h: a Buffer made in the addon costs
// about a microsecond). Results larger than the buffer come back as the addon's Buffer.
"use strict";

const SCRATCH = Buffer.allocUnsafeSlow(64 * 1024);
const FIELDS = new Uint32Array(4);

// r: what the addon returned (a length in SCRATCH, a Buffer, null or undefined).
function bytes(r) {
  if (typeof r !== "number") return r;
  const out = Buffer.allocUnsafe(r);
  SCRATCH.copy(out, 0, 0, r);
  return out;
}

function install(native) {
  const { message, ping } = native.eventKinds;
  native.Session.prototype.nextEvent = function nextEvent() {
    const r = this._nextEvent(SCRATCH, FIELDS);
    if (r === null) return null;
    const kind = FIELDS[0];
    if (kind === message) return { kind: "message", type: FIELDS[1], flags: FIELDS[2], data: bytes(r) };
    if (kind === ping) return { kind: "ping", data: bytes(r), answered: FIELDS[3] !== 0 };
    return { kind: "writable" };
  };
  for (const cls of [native.Session, native.Invocation, native.Middleware]) {
    cls.prototype.takeOutput = function takeOutput(limit) {
      return bytes(this._takeOutput(SCRATCH, limit));
    };
  }
  native.Middleware.prototype.takeSdkInput = function takeSdkInput() {
    return bytes(this._takeSdkInput(SCRATCH));
  };
}

module.exports = { install };
