// Results handed back through a reusable buffer that lib/scratch.js owns: a Buffer made
// in the addon costs about a microsecond (a new ArrayBuffer backing store the GC must
// sweep), a pooled Buffer.allocUnsafe and a copy in JavaScript a small part of that.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace tether_node {

struct Scratch {
  uint8_t *data;
  size_t length;
};

// A Uint8Array the result is copied into.
Scratch scratch_arg(const Napi::CallbackInfo &info, size_t index, const char *what);
// A Uint32Array of at least count elements, for the fields of a result.
uint32_t *fields_arg(const Napi::CallbackInfo &info, size_t index, const char *what, size_t count);
// length bytes: copied into scratch when they fit (returns their length), else a new Buffer.
Napi::Value bytes_out(Napi::Env env, const Scratch &scratch, const uint8_t *data, size_t length);

}  // namespace tether_node
