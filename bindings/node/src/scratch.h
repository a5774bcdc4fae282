// Results handed back in a pool that lib/scratch.js owns: the addon copies a result into
// the pool's free bytes and returns its length (its offset in FIELDS), and JavaScript
// makes the Buffer as a view of the pool, as Buffer.allocUnsafe does with Node's own.
// A Buffer made in the addon costs about a microsecond (a new backing store the GC must
// sweep), and so did Buffer.allocUnsafe plus a copy out of a scratch buffer; a view is a
// twentieth of that. Results over kPooledMax come back as the addon's Buffer.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

#include "addon_data.h"

namespace tether_node {

// Node's own threshold: a small Buffer may keep a whole pool alive.
constexpr size_t kPooledMax = 4096;

struct Scratch {
  uint8_t *data;  // kPooledMax free bytes of the pool, or nullptr before it is installed
  size_t length;
  uint32_t *fields;  // FIELDS, see addon_data.h
  AddonData *owner;
};

// setScratch(refill, fields): refill() returns a new pool ArrayBuffer (at least kPooledMax
// bytes), fields is a Uint32Array of at least kFieldCount elements.
Napi::Value set_scratch(const Napi::CallbackInfo &info);
// Room for this call's result, refilling the pool when it has less than kPooledMax free
// or was detached. Called before the result is taken, so a failing refill loses nothing.
Scratch scratch(Napi::Env env);
// The first length bytes of scratch are the result: its length (the Buffer is made in
// JavaScript).
Napi::Value scratch_result(Napi::Env env, const Scratch &scratch, size_t length);
// length bytes: copied into scratch when they fit, else a new Buffer.
Napi::Value bytes_out(Napi::Env env, const Scratch &scratch, const uint8_t *data, size_t length);

}  // namespace tether_node
