// What the addon keeps per Node environment (one per worker), as its instance data.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace tether_node {

// FIELDS (lib/scratch.js): [0..3] an event's kind, type, flags, answered; [4] the offset
// of a result in the pool.
constexpr size_t kFieldCount = 5;
constexpr size_t kFieldOffset = 4;

struct AddonData {
  Napi::FunctionReference error_factory;
  Napi::FunctionReference refill;  // lib/scratch.js: a new pool ArrayBuffer
  Napi::Reference<Napi::ArrayBuffer> pool;
  size_t offset = 0;  // of the pool's free bytes
  Napi::Reference<Napi::Uint32Array> fields_owner;
  uint32_t *fields = spare;  // spare until lib/scratch.js hands its FIELDS over
  uint32_t spare[kFieldCount] = {};
};

AddonData &addon_data(Napi::Env env);

}  // namespace tether_node
