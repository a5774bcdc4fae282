#include "args.h"

#include <cmath>

namespace tether_node {

namespace {
constexpr uint64_t kMaxSafe = (uint64_t{1} << 53) - 1;
}

std::string type_name(const Napi::Value &value) {
  switch (value.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean:
      return "a boolean";
    case napi_number:
      return "a number";
    case napi_string:
      return "a string";
    case napi_symbol:
      return "a symbol";
    case napi_function:
      return "a function";
    case napi_bigint:
      return "a bigint";
    case napi_external:
      return "an external";
    default:
      break;
  }
  if (value.IsArray()) return "an array";
  if (value.IsArrayBuffer()) return "an ArrayBuffer";
  if (value.IsTypedArray()) return "a typed array other than Uint8Array";
  return "an object";
}

Bytes bytes_arg(const Napi::CallbackInfo &info, size_t index, const char *what) {
  Napi::Value value = info[index];
  if (value.IsTypedArray()) {
    // One info call: the wrapper's TypedArrayType() and Uint8Array make three, on every feed.
    napi_typedarray_type type{};
    size_t length = 0;
    void *data = nullptr;
    if (napi_get_typedarray_info(info.Env(), value, &type, &length, &data, nullptr, nullptr) ==
            napi_ok &&
        (type == napi_uint8_array || type == napi_uint8_clamped_array)) {
      return {static_cast<const uint8_t *>(data), length};
    }
  } else if (value.IsDataView()) {
    auto view = value.As<Napi::DataView>();
    return {static_cast<const uint8_t *>(view.Data()), view.ByteLength()};
  }
  throw Napi::TypeError::New(
      info.Env(), std::string(what) + " must be a Buffer or Uint8Array, got " + type_name(value));
}

uint64_t u64_value(const Napi::Value &value, const char *what, uint64_t max) {
  Napi::Env env = value.Env();
  uint64_t out = 0;
  if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || d < 0 || std::floor(d) != d || d > double(kMaxSafe)) {
      throw Napi::RangeError::New(env, std::string(what) +
                                           " must be a non-negative safe integer, got " +
                                           value.ToString().Utf8Value());
    }
    out = static_cast<uint64_t>(d);
  } else if (value.IsBigInt()) {
    bool lossless = false;
    out = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) {
      throw Napi::RangeError::New(env, std::string(what) + " must fit in 64 unsigned bits, got " +
                                           value.ToString().Utf8Value());
    }
  } else {
    throw Napi::TypeError::New(
        env, std::string(what) + " must be an integer (number or bigint), got " + type_name(value));
  }
  if (out > max) {
    throw Napi::RangeError::New(env, std::string(what) + " must be at most " + std::to_string(max) +
                                         ", got " + std::to_string(out));
  }
  return out;
}

uint64_t u64_arg(const Napi::CallbackInfo &info, size_t index, const char *what, uint64_t max) {
  return u64_value(info[index], what, max);
}

std::string string_arg(const Napi::CallbackInfo &info, size_t index, const char *what) {
  if (!info[index].IsString()) {
    throw Napi::TypeError::New(
        info.Env(), std::string(what) + " must be a string, got " + type_name(info[index]));
  }
  return info[index].As<Napi::String>().Utf8Value();
}

Napi::Object options_arg(const Napi::CallbackInfo &info, size_t index, const char *what,
                         std::initializer_list<const char *> known) {
  Napi::Env env = info.Env();
  Napi::Value value = info[index];
  if (value.IsUndefined()) return Napi::Object::New(env);
  if (!value.IsObject() || value.IsArray() || value.IsFunction()) {
    throw Napi::TypeError::New(
        env, std::string(what) + " options must be an object, got " + type_name(value));
  }
  Napi::Object options = value.As<Napi::Object>();
  Napi::Array keys = options.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    std::string key = keys.Get(i).ToString().Utf8Value();
    bool found = false;
    for (const char *k : known) found = found || key == k;
    if (!found) {
      std::string list;
      for (const char *k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw Napi::TypeError::New(
          env, std::string(what) + ": unknown option '" + key + "' (known: " + list + ")");
    }
  }
  return options;
}

Napi::Value u64_to_js(Napi::Env env, uint64_t value) {
  if (value <= kMaxSafe) return Napi::Number::New(env, double(value));
  return Napi::BigInt::New(env, value);
}

}  // namespace tether_node
