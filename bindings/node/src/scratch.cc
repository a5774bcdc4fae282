#include "scratch.h"

#include <cstring>
#include <string>

#include "args.h"

namespace tether_node {

namespace {
Napi::TypedArray typed_arg(const Napi::CallbackInfo &info, size_t index, const char *what,
                           napi_typedarray_type type, const char *type_label) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(
        info.Env(), std::string(what) + " must be a " + type_label + ", got " + type_name(value));
  }
  return value.As<Napi::TypedArray>();
}
}  // namespace

Scratch scratch_arg(const Napi::CallbackInfo &info, size_t index, const char *what) {
  auto array = typed_arg(info, index, what, napi_uint8_array, "Uint8Array").As<Napi::Uint8Array>();
  return {array.Data(), array.ByteLength()};
}

uint32_t *fields_arg(const Napi::CallbackInfo &info, size_t index, const char *what, size_t count) {
  auto array =
      typed_arg(info, index, what, napi_uint32_array, "Uint32Array").As<Napi::Uint32Array>();
  if (array.ElementLength() < count) {
    throw Napi::RangeError::New(info.Env(), std::string(what) + " must hold at least " +
                                                std::to_string(count) + " elements");
  }
  return array.Data();
}

Napi::Value bytes_out(Napi::Env env, const Scratch &scratch, const uint8_t *data, size_t length) {
  if (length > scratch.length) return Napi::Buffer<uint8_t>::Copy(env, data, length);
  if (length != 0) std::memcpy(scratch.data, data, length);
  return Napi::Number::New(env, double(length));
}

}  // namespace tether_node
