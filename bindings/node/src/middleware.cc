// Middleware: tether between an HTTP/2 stream and an upstream SDK's state machine
// (tether_middleware_*), the core of lib/restate.js.
#include <limits>

#include "args.h"
#include "classes.h"
#include "handle.h"
#include "session_options.h"

namespace tether_node {

namespace {

constexpr const char *kName = "Middleware";

class Middleware : public Napi::ObjectWrap<Middleware> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(
        env, kName,
        {InstanceMethod<&Middleware::feed>("feed"),
         InstanceMethod<&Middleware::finish_input>("finishInput"),
         InstanceMethod<&Middleware::take_sdk_input>("_takeSdkInput"),
         InstanceMethod<&Middleware::sdk_output>("sdkOutput"),
         InstanceMethod<&Middleware::sdk_output_end>("sdkOutputEnd"),
         InstanceMethod<&Middleware::take_output>("_takeOutput"),
         InstanceMethod<&Middleware::stats>("stats"), InstanceMethod<&Middleware::close>("close"),
         InstanceAccessor<&Middleware::replaced>("replaced"),
         InstanceAccessor<&Middleware::last_error>("lastError"),
         InstanceAccessor<&Middleware::closed>("closed")});
  }

  explicit Middleware(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Middleware>(info) {
    Napi::Object options =
        options_arg(info, 0, kName, {TETHER_NODE_SESSION_OPTION_KEYS, "maxOutputSize"});
    tether_session_options session = session_options(options);
    tether_middleware_options o;
    tether_middleware_options_init(&o);
    o.session = &session;
    if (Napi::Value v = options.Get("maxOutputSize"); !v.IsUndefined()) {
      o.max_output_size = u64_value(v, "maxOutputSize", UINT64_MAX);
    }
    tether_middleware *m = nullptr;
    tether_status status = tether_middleware_new(&o, &m);
    if (status != TETHER_OK) throw_status(info.Env(), status, "Middleware options refused");
    handle_.reset(m);
  }

 private:
  tether_middleware *get(Napi::Env env) const { return handle_.get(env, kName); }
  [[noreturn]] void fail(Napi::Env env, tether_status status) const {
    throw_status(env, status, tether_middleware_last_error(handle_.raw()));
  }

  // Request bytes; returns how many were taken (fewer: take SDK input, feed the rest).
  Napi::Value feed(const Napi::CallbackInfo &info) {
    tether_middleware *m = get(info.Env());
    Bytes data = bytes_arg(info, 0, "Middleware.feed: data");
    size_t consumed = 0;
    tether_status status = tether_middleware_feed(m, data.data, data.length, &consumed);
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(info.Env(), status);
    return Napi::Number::New(info.Env(), double(consumed));
  }

  Napi::Value finish_input(const Napi::CallbackInfo &info) {
    tether_status status = tether_middleware_finish_input(get(info.Env()));
    if (status != TETHER_OK) fail(info.Env(), status);
    return info.Env().Undefined();
  }

  // The next plain upstream frames for the SDK (a copy into scratch or a Buffer, see
  // scratch.h: the span lives until the next call); null when there is nothing yet (or a Pong waits
  // for output to be taken: write output, then call again); undefined once input ended and all was
  // taken. Throws the fatal status after malformed input (the 571 is queued as output).
  Napi::Value take_sdk_input(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_middleware *m = get(env);
    Scratch scratch = tether_node::scratch(env);
    const uint8_t *data = nullptr;
    size_t length = 0;
    tether_status status = tether_middleware_take_sdk_input(m, &data, &length);
    if (status == TETHER_CLOSED) return env.Undefined();
    if (status != TETHER_OK) fail(env, status);
    if (length == 0) return env.Null();
    return bytes_out(env, scratch, data, length);
  }

  // The SDK's output bytes -> {taken, blocked}. blocked: output is at the high
  // watermark; write output, then call again with the rest (with no argument to retry a
  // frame already taken whole). Throws MessageTooLarge once, when a message over the
  // limit was replaced by the 413 Failure + End (later output is taken and dropped).
  Napi::Value sdk_output(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_middleware *m = get(env);
    Bytes data{nullptr, 0};
    if (!info[0].IsUndefined()) data = bytes_arg(info, 0, "Middleware.sdkOutput: data");
    size_t consumed = 0;
    tether_status status = tether_middleware_sdk_output(m, data.data, data.length, &consumed);
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(env, status);
    Napi::Object out = Napi::Object::New(env);
    out.Set("taken", double(consumed));
    out.Set("blocked", status == TETHER_WOULD_BLOCK);
    return out;
  }

  // The SDK ended its output: true, or false while a frame still waits for room (write
  // output, sdkOutput(), then again). Throws Truncated if it stopped inside a frame.
  Napi::Value sdk_output_end(const Napi::CallbackInfo &info) {
    tether_status status = tether_middleware_sdk_output_end(get(info.Env()));
    if (status == TETHER_WOULD_BLOCK) return Napi::Boolean::New(info.Env(), false);
    if (status != TETHER_OK) fail(info.Env(), status);
    return Napi::Boolean::New(info.Env(), true);
  }

  Napi::Value take_output(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_middleware *m = get(env);
    Scratch scratch = tether_node::scratch(env);
    uint64_t limit = info[0].IsUndefined()
                         ? std::numeric_limits<uint64_t>::max()
                         : u64_arg(info, 0, "Middleware.takeOutput: limit", UINT64_MAX);
    return tether_node::take_output(
        env, scratch, limit,
        [&](const uint8_t **d, size_t *n) { return tether_middleware_pending_output(m, d, n); },
        [&](size_t n) { return tether_middleware_consume_output(m, n); },
        [&](tether_status st) { fail(env, st); });
  }

  Napi::Value stats(const Napi::CallbackInfo &info) {
    tether_session_stats st{};
    st.struct_size = sizeof st;
    tether_status status = tether_middleware_session_stats(get(info.Env()), &st);
    if (status != TETHER_OK) fail(info.Env(), status);
    return session_stats_object(info.Env(), st);
  }

  Napi::Value close(const Napi::CallbackInfo &info) {
    handle_.reset();
    return info.Env().Undefined();
  }

  Napi::Value replaced(const Napi::CallbackInfo &info) {
    return Napi::Boolean::New(info.Env(), tether_middleware_replaced(get(info.Env())) != 0);
  }

  Napi::Value last_error(const Napi::CallbackInfo &info) {
    return Napi::String::New(info.Env(), tether_middleware_last_error(get(info.Env())));
  }

  Napi::Value closed(const Napi::CallbackInfo &info) {
    return Napi::Boolean::New(info.Env(), handle_.closed());
  }

  Handle<tether_middleware, tether_middleware_free> handle_;
};

}  // namespace

void init_middleware(Napi::Env env, Napi::Object exports) {
  exports.Set(kName, Middleware::define(env));
}

}  // namespace tether_node
