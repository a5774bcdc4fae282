// tether for Node: the addon's classes over libtether's C API, the error classes made
// from its status table, the extension helpers and the wire helpers.
"use strict";
const native = require("./build/Release/tether.node");
const { makeErrors } = require("./lib/errors.js");
const wire = require("./lib/wire.js");

require("./lib/scratch.js").install(native);

const { classes, byCode } = makeErrors(native);

// SDK side of the per-stream negotiation (PROTOCOL.md section 2): the TETHER_EXT_* bits
// accepted of a request's tether-extensions offer (undefined: no header) and the value
// of the response header to send (null: send none). Throws InvalidArgument for a
// malformed offer (answer 400 with its message).
function negotiateExtensions(offer, supported = native.constants.EXT_ALL) {
  if (Array.isArray(offer)) offer = offer.join(", ");
  const accepted = native.parseExtensions(offer ?? null, supported);
  return { accepted, header: accepted ? native.formatExtensions(accepted) : null };
}

// The TetherError subclass of a status code, or undefined.
const errorClass = (code) => byCode.get(code);

module.exports = {
  ...native.constants,
  Session: native.Session,
  Invocation: native.Invocation,
  Decoder: native.Decoder,
  Prober: native.Prober,
  Middleware: native.Middleware,
  contentTypeVersion: native.contentTypeVersion,
  parseExtensions: native.parseExtensions,
  formatExtensions: native.formatExtensions,
  negotiateExtensions,
  // What a runtime-side client offers: every extension this library supports.
  EXTENSIONS_OFFER: native.formatExtensions(native.constants.EXT_ALL),
  encodeFrameHeader: native.encodeFrameHeader,
  statusTable: native.statusTable,
  errorClass,
  version: native.version,
  wire,
  ...classes,
};
