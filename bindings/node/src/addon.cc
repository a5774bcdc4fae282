// The module: classes, constants, the status table and the extension helpers.
#include <napi.h>
#include <tether.h>

#include <string>

#include "args.h"
#include "classes.h"
#include "errors.h"
#include "scratch.h"

namespace tether_node {

namespace {

Napi::Value set_error_factory_fn(const Napi::CallbackInfo &info) {
  if (!info[0].IsFunction()) {
    throw Napi::TypeError::New(info.Env(), "setErrorFactory takes a function");
  }
  set_error_factory(info.Env(), info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// parseExtensions(value, supported = EXT_ALL) -> the accepted TETHER_EXT_* bits.
// value: the tether-extensions header (undefined or null: no header).
Napi::Value parse_extensions(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string value;
  if (!info[0].IsUndefined() && !info[0].IsNull())
    value = string_arg(info, 0, "parseExtensions: value");
  uint32_t supported = TETHER_EXT_ALL;
  if (!info[1].IsUndefined())
    supported = uint32_t(u64_arg(info, 1, "parseExtensions: supported", UINT32_MAX));
  uint32_t accepted = 0;
  const char *problem = nullptr;
  tether_status status = tether_extensions_parse(value.empty() ? nullptr : value.data(),
                                                 value.size(), supported, &accepted, &problem);
  if (status != TETHER_OK) {
    throw_status(env, status,
                 std::string(TETHER_EXTENSIONS_HEADER) + ": " + (problem ? problem : "refused"));
  }
  return Napi::Number::New(env, accepted);
}

// formatExtensions(set) -> "ping/1, chunked/1" ("" for 0).
Napi::Value format_extensions(const Napi::CallbackInfo &info) {
  auto set = uint32_t(u64_arg(info, 0, "formatExtensions: set", UINT32_MAX));
  const char *text = tether_extensions_format(set);
  if (text == nullptr) {
    throw_status(info.Env(), TETHER_INVALID_ARGUMENT,
                 "formatExtensions: " + std::to_string(set) + " has bits that are not EXT_*");
  }
  return Napi::String::New(info.Env(), text);
}

Napi::Value encode_header(const Napi::CallbackInfo &info) {
  auto type = uint16_t(u64_arg(info, 0, "encodeFrameHeader: type", 0xFFFF));
  auto flags = uint16_t(u64_arg(info, 1, "encodeFrameHeader: flags", 0xFFFF));
  auto length = uint32_t(u64_arg(info, 2, "encodeFrameHeader: length", UINT32_MAX));
  auto out = Napi::Buffer<uint8_t>::New(info.Env(), TETHER_FRAME_HEADER_SIZE);
  tether_frame_header_encode(type, flags, length, out.Data());
  return out;
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("statusTable", Napi::Function::New(env, status_table));
  exports.Set("setErrorFactory", Napi::Function::New(env, set_error_factory_fn));
  exports.Set("setScratch", Napi::Function::New(env, set_scratch));
  exports.Set("parseExtensions", Napi::Function::New(env, parse_extensions));
  exports.Set("formatExtensions", Napi::Function::New(env, format_extensions));
  exports.Set("encodeFrameHeader", Napi::Function::New(env, encode_header));
  exports.Set("version", tether_version_string());
  Napi::Object c = Napi::Object::New(env);
  auto set = [&](const char *name, double value) { c.Set(name, value); };
  set("PROTOCOL_MIN_VERSION", TETHER_PROTOCOL_MIN_VERSION);
  set("PROTOCOL_MAX_VERSION", TETHER_PROTOCOL_MAX_VERSION);
  set("FRAME_HEADER_SIZE", TETHER_FRAME_HEADER_SIZE);
  set("DEFAULT_MAX_FRAME_PAYLOAD", TETHER_DEFAULT_MAX_FRAME_PAYLOAD);
  set("DEFAULT_MAX_MESSAGE_SIZE", TETHER_DEFAULT_MAX_MESSAGE_SIZE);
  set("MSG_START", TETHER_MSG_START);
  set("MSG_SUSPENSION", TETHER_MSG_SUSPENSION);
  set("MSG_ERROR", TETHER_MSG_ERROR);
  set("MSG_END", TETHER_MSG_END);
  set("MSG_COMMAND_ACK", TETHER_MSG_COMMAND_ACK);
  set("MSG_PROPOSE_RUN_COMPLETION", TETHER_MSG_PROPOSE_RUN_COMPLETION);
  set("MSG_AWAITING_ON", TETHER_MSG_AWAITING_ON);
  set("MSG_PROPOSE_RUN_COMPLETION_ACK", TETHER_MSG_PROPOSE_RUN_COMPLETION_ACK);
  set("MSG_PING", TETHER_MSG_PING);
  set("MSG_PONG", TETHER_MSG_PONG);
  set("MSG_INPUT_COMMAND", TETHER_MSG_INPUT_COMMAND);
  set("MSG_OUTPUT_COMMAND", TETHER_MSG_OUTPUT_COMMAND);
  set("FLAG_REQUESTED_ACK", TETHER_FLAG_REQUESTED_ACK);
  set("FLAG_CONTINUED", TETHER_FLAG_CONTINUED);
  set("EXT_PING", TETHER_EXT_PING);
  set("EXT_CHUNKED", TETHER_EXT_CHUNKED);
  set("EXT_ALL", TETHER_EXT_ALL);
  set("EXTENSIONS_MAX_LENGTH", TETHER_EXTENSIONS_MAX_LENGTH);
  c.Set("EXTENSIONS_HEADER", TETHER_EXTENSIONS_HEADER);
  exports.Set("constants", c);
  Napi::Object kinds = Napi::Object::New(env);  // for lib/scratch.js, not exported
  kinds.Set("message", double(TETHER_EVENT_MESSAGE));
  kinds.Set("ping", double(TETHER_EVENT_PING));
  kinds.Set("writable", double(TETHER_EVENT_WRITABLE));
  exports.Set("eventKinds", kinds);
  init_session(env, exports);
  init_invocation(env, exports);
  init_decoder(env, exports);
  init_prober(env, exports);
  init_middleware(env, exports);
  return exports;
}

}  // namespace

}  // namespace tether_node

static Napi::Object init_module(Napi::Env env, Napi::Object exports) {
  return tether_node::init(env, exports);
}

NODE_API_MODULE(tether, init_module)
