// TetherError and its subclasses, generated from tether_status_table() at load: one
// class per family and one per status code, each with code, statusName, retryable
// and fatal. The addon throws them through the factory installed here.
"use strict";

class TetherError extends Error {
  constructor(message) {
    super(message);
    this.name = new.target.name;
  }
}

const FAMILIES = ["", "BackpressureError", "LimitError", "ProtocolError", "UsageError", "ResourceError"];

// "TETHER_MESSAGE_TOO_LARGE" -> "MessageTooLarge"
function className(statusName) {
  return statusName
    .replace(/^TETHER_/, "")
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());
}

function makeErrors(native) {
  const classes = { TetherError };
  const families = [];
  for (let i = 1; i < FAMILIES.length; ++i) {
    const name = FAMILIES[i];
    families[i] = classes[name] = { [name]: class extends TetherError {} }[name];
  }
  const byCode = new Map();
  for (const row of native.statusTable()) {
    if (row.code === 0) continue;
    const name = className(row.name);
    const base = families[row.family] ?? TetherError;
    const cls = { [name]: class extends base {} }[name];
    Object.defineProperties(cls.prototype, {
      code: { value: row.code },
      statusName: { value: row.name },
      retryable: { value: row.retryable },
      fatal: { value: row.fatal },
    });
    Object.defineProperties(cls, {
      code: { value: row.code },
      statusName: { value: row.name },
      retryable: { value: row.retryable },
      fatal: { value: row.fatal },
    });
    classes[name] = cls;
    byCode.set(row.code, cls);
  }
  native.setErrorFactory((code, message) => {
    const cls = byCode.get(code);
    if (cls) return new cls(message);
    const error = new TetherError(message);
    Object.assign(error, { code, statusName: `status ${code}`, retryable: false, fatal: false });
    return error;
  });
  return { classes, byCode };
}

module.exports = { makeErrors, className };
