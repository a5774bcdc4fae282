// Argument checks shared by every class: each bad argument becomes a TypeError or
// RangeError naming the call, the argument and what it got.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace tether_node {

// Borrowed bytes of a Buffer, Uint8Array or other ArrayBufferView: no copy, valid
// during the call.
struct Bytes {
  const uint8_t *data;
  size_t length;
};

std::string type_name(const Napi::Value &value);
Bytes bytes_arg(const Napi::CallbackInfo &info, size_t index, const char *what);
// A non-negative integer (number or bigint) up to max.
uint64_t u64_value(const Napi::Value &value, const char *what, uint64_t max);
uint64_t u64_arg(const Napi::CallbackInfo &info, size_t index, const char *what, uint64_t max);
std::string string_arg(const Napi::CallbackInfo &info, size_t index, const char *what);
// An options object (undefined: empty); an unknown key is a TypeError listing the known ones.
Napi::Object options_arg(const Napi::CallbackInfo &info, size_t index, const char *what,
                         std::initializer_list<const char *> known);
// A number when it is exact in a double, else a bigint.
Napi::Value u64_to_js(Napi::Env env, uint64_t value);

}  // namespace tether_node
