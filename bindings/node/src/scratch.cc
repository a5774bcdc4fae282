#include "scratch.h"

#include <cstring>

#include "args.h"

namespace tether_node {

namespace {
// The pool's bytes; none when it is detached (a user transferred a Buffer's .buffer).
size_t pool_bytes(Napi::Env env, AddonData &d, uint8_t **data) {
  void *p = nullptr;
  size_t size = 0;
  if (d.pool.IsEmpty() || napi_get_arraybuffer_info(env, d.pool.Value(), &p, &size) != napi_ok)
    return 0;
  *data = static_cast<uint8_t *>(p);
  return size;
}
}  // namespace

Napi::Value set_scratch(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Value fields = info[1];
  if (!info[0].IsFunction() || !fields.IsTypedArray() ||
      fields.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      fields.As<Napi::Uint32Array>().ElementLength() < kFieldCount) {
    throw Napi::TypeError::New(env, "setScratch takes a function and a Uint32Array(5)");
  }
  AddonData &d = addon_data(env);
  d.refill = Napi::Persistent(info[0].As<Napi::Function>());
  d.fields_owner = Napi::Persistent(fields.As<Napi::Uint32Array>());
  d.fields = d.fields_owner.Value().Data();
  d.pool.Reset();
  return env.Undefined();
}

Scratch scratch(Napi::Env env) {
  AddonData &d = addon_data(env);
  Scratch s{nullptr, 0, d.fields, &d};
  if (d.refill.IsEmpty()) return s;
  uint8_t *data = nullptr;
  if (pool_bytes(env, d, &data) < d.offset + kPooledMax) {
    Napi::Value pool = d.refill.Call({});
    if (!pool.IsArrayBuffer()) throw Napi::TypeError::New(env, "the refill gave no ArrayBuffer");
    d.pool = Napi::Persistent(pool.As<Napi::ArrayBuffer>());
    d.offset = 0;
    if (pool_bytes(env, d, &data) < kPooledMax) return s;
  }
  s.data = data + d.offset;
  s.length = kPooledMax;
  return s;
}

Napi::Value scratch_result(Napi::Env env, const Scratch &scratch, size_t length) {
  scratch.fields[kFieldOffset] = uint32_t(scratch.owner->offset);
  scratch.owner->offset += length;
  return Napi::Number::New(env, double(length));
}

Napi::Value bytes_out(Napi::Env env, const Scratch &scratch, const uint8_t *data, size_t length) {
  if (length > scratch.length) return Napi::Buffer<uint8_t>::Copy(env, data, length);
  if (length != 0) std::memcpy(scratch.data, data, length);
  return scratch_result(env, scratch, length);
}

}  // namespace tether_node
