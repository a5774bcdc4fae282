// Invocation: the smallest handler lifecycle over a session (tether_invocation_*), and
// contentTypeVersion().
#include <limits>
#include <string>

#include "args.h"
#include "classes.h"
#include "handle.h"
#include "session_options.h"

namespace tether_node {

namespace {

constexpr const char *kName = "Invocation";

const char *state_name(tether_invocation_state state) {
  switch (state) {
    case TETHER_INVOCATION_WAITING_START:
      return "waiting-start";
    case TETHER_INVOCATION_WAITING_INPUT:
      return "waiting-input";
    case TETHER_INVOCATION_RUNNING:
      return "running";
    case TETHER_INVOCATION_ENDING:
      return "ending";
    case TETHER_INVOCATION_DONE:
      return "done";
  }
  return "unknown";
}

Napi::String text(Napi::Env env, const char *data, size_t length) {
  return Napi::String::New(env, data == nullptr ? "" : data, data == nullptr ? 0 : length);
}

class Invocation : public Napi::ObjectWrap<Invocation> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(
        env, kName,
        {InstanceMethod<&Invocation::feed>("feed"),
         InstanceMethod<&Invocation::finish_input>("finishInput"),
         InstanceMethod<&Invocation::poll>("poll"), InstanceMethod<&Invocation::input>("input"),
         InstanceMethod<&Invocation::complete>("complete"),
         InstanceMethod<&Invocation::fail_terminal>("failTerminal"),
         InstanceMethod<&Invocation::fail_retryable>("failRetryable"),
         InstanceMethod<&Invocation::take_output>("_takeOutput"),
         InstanceMethod<&Invocation::stats>("stats"), InstanceMethod<&Invocation::close>("close"),
         InstanceAccessor<&Invocation::state>("state"),
         InstanceAccessor<&Invocation::last_error>("lastError"),
         InstanceAccessor<&Invocation::closed>("closed")});
  }

  explicit Invocation(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Invocation>(info) {
    Napi::Object options =
        options_arg(info, 0, kName, {TETHER_NODE_SESSION_OPTION_KEYS, "maxOutputSize"});
    tether_session_options session = session_options(options);
    tether_invocation_options o;
    tether_invocation_options_init(&o);
    o.session = &session;
    if (Napi::Value v = options.Get("maxOutputSize"); !v.IsUndefined()) {
      o.max_output_size = u64_value(v, "maxOutputSize", UINT64_MAX);
    }
    tether_invocation *inv = nullptr;
    tether_status status = tether_invocation_new(&o, &inv);
    if (status != TETHER_OK) throw_status(info.Env(), status, "Invocation options refused");
    handle_.reset(inv);
  }

 private:
  tether_invocation *get(Napi::Env env) const { return handle_.get(env, kName); }
  [[noreturn]] void fail(Napi::Env env, tether_status status) const {
    throw_status(env, status, tether_invocation_last_error(handle_.raw()));
  }
  void check(Napi::Env env, tether_status status) const {
    if (status != TETHER_OK) fail(env, status);
  }

  Napi::Value feed(const Napi::CallbackInfo &info) {
    tether_invocation *inv = get(info.Env());
    Bytes data = bytes_arg(info, 0, "Invocation.feed: data");
    size_t consumed = 0;
    tether_status status = tether_invocation_feed(inv, data.data, data.length, &consumed);
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(info.Env(), status);
    return Napi::Number::New(info.Env(), double(consumed));
  }

  Napi::Value finish_input(const Napi::CallbackInfo &info) {
    check(info.Env(), tether_invocation_finish_input(get(info.Env())));
    return info.Env().Undefined();
  }

  // "run", "writable", "done"; "blocked" (a Pong waits for output to be taken); null
  // when there is nothing until more input, or after "done".
  Napi::Value poll(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_invocation_event e;
    tether_status status = tether_invocation_poll(get(env), &e);
    if (status == TETHER_EMPTY || status == TETHER_CLOSED) return env.Null();
    if (status == TETHER_WOULD_BLOCK) return Napi::String::New(env, "blocked");
    check(env, status);
    switch (e.kind) {
      case TETHER_INVOCATION_EVENT_RUN:
        return Napi::String::New(env, "run");
      case TETHER_INVOCATION_EVENT_WRITABLE:
        return Napi::String::New(env, "writable");
      case TETHER_INVOCATION_EVENT_DONE:
        return Napi::String::New(env, "done");
    }
    return env.Null();
  }

  Napi::Value input(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_invocation_input in;
    check(env, tether_invocation_input_get(get(env), &in));
    Napi::Object out = Napi::Object::New(env);
    out.Set("id", Napi::Buffer<uint8_t>::Copy(env, in.id, in.id_length));
    out.Set("debugId", text(env, in.debug_id, in.debug_id_length));
    out.Set("key", text(env, in.key, in.key_length));
    out.Set("knownEntries", double(in.known_entries));
    out.Set("retryCountSinceLastStoredEntry", double(in.retry_count_since_last_stored_entry));
    out.Set("durationSinceLastStoredEntry", u64_to_js(env, in.duration_since_last_stored_entry));
    out.Set("randomSeed", Napi::BigInt::New(env, in.random_seed));
    out.Set("value", Napi::Buffer<uint8_t>::Copy(env, in.value, in.value_length));
    Napi::Array headers = Napi::Array::New(env, in.header_count);
    for (size_t i = 0; i < in.header_count; ++i) {
      Napi::Array pair = Napi::Array::New(env, 2);
      pair.Set(0u, text(env, in.headers[i].key, in.headers[i].key_length));
      pair.Set(1u, text(env, in.headers[i].value, in.headers[i].value_length));
      headers.Set(uint32_t(i), pair);
    }
    out.Set("headers", headers);
    return out;
  }

  Napi::Value complete(const Napi::CallbackInfo &info) {
    tether_invocation *inv = get(info.Env());
    Bytes value = bytes_arg(info, 0, "Invocation.complete: value");
    check(info.Env(), tether_invocation_complete(inv, value.data, value.length));
    return info.Env().Undefined();
  }

  Napi::Value fail_terminal(const Napi::CallbackInfo &info) {
    return fail_with(info, "Invocation.failTerminal", tether_invocation_fail_terminal);
  }

  Napi::Value fail_retryable(const Napi::CallbackInfo &info) {
    return fail_with(info, "Invocation.failRetryable", tether_invocation_fail_retryable);
  }

  template <class Fn>
  Napi::Value fail_with(const Napi::CallbackInfo &info, const std::string &what, Fn fn) {
    tether_invocation *inv = get(info.Env());
    auto code = uint32_t(u64_arg(info, 0, (what + ": code").c_str(), UINT32_MAX));
    std::string message = string_arg(info, 1, (what + ": message").c_str());
    check(info.Env(), fn(inv, code, message.data(), message.size()));
    return info.Env().Undefined();
  }

  Napi::Value take_output(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_invocation *inv = get(env);
    Scratch scratch = tether_node::scratch(env);
    uint64_t limit = info[0].IsUndefined()
                         ? std::numeric_limits<uint64_t>::max()
                         : u64_arg(info, 0, "Invocation.takeOutput: limit", UINT64_MAX);
    return tether_node::take_output(
        env, scratch, limit,
        [&](const uint8_t **d, size_t *n) { return tether_invocation_pending_output(inv, d, n); },
        [&](size_t n) { return tether_invocation_consume_output(inv, n); },
        [&](tether_status st) { fail(env, st); });
  }

  Napi::Value stats(const Napi::CallbackInfo &info) {
    tether_session_stats st{};
    st.struct_size = sizeof st;
    check(info.Env(), tether_invocation_session_stats(get(info.Env()), &st));
    return session_stats_object(info.Env(), st);
  }

  Napi::Value close(const Napi::CallbackInfo &info) {
    handle_.reset();
    return info.Env().Undefined();
  }

  Napi::Value state(const Napi::CallbackInfo &info) {
    return Napi::String::New(info.Env(), state_name(tether_invocation_state_get(get(info.Env()))));
  }

  Napi::Value last_error(const Napi::CallbackInfo &info) {
    return Napi::String::New(info.Env(), tether_invocation_last_error(get(info.Env())));
  }

  Napi::Value closed(const Napi::CallbackInfo &info) {
    return Napi::Boolean::New(info.Env(), handle_.closed());
  }

  Handle<tether_invocation, tether_invocation_free> handle_;
};

// contentTypeVersion(contentType, maxVersion = TETHER_PROTOCOL_MAX_VERSION) -> N
Napi::Value content_type_version(const Napi::CallbackInfo &info) {
  std::string content_type = string_arg(info, 0, "contentTypeVersion: contentType");
  uint32_t max = TETHER_PROTOCOL_MAX_VERSION;
  if (!info[1].IsUndefined())
    max = uint32_t(u64_arg(info, 1, "contentTypeVersion: maxVersion", 255));
  uint32_t version = 0;
  tether_status status = tether_invocation_content_type_version(content_type.data(),
                                                                content_type.size(), max, &version);
  if (status != TETHER_OK) {
    throw_status(info.Env(), status,
                 "not an invocation content type of versions " +
                     std::to_string(TETHER_PROTOCOL_MIN_VERSION) + ".." + std::to_string(max) +
                     ": '" + content_type.substr(0, 80) + "'");
  }
  return Napi::Number::New(info.Env(), version);
}

}  // namespace

void init_invocation(Napi::Env env, Napi::Object exports) {
  exports.Set(kName, Invocation::define(env));
  exports.Set("contentTypeVersion", Napi::Function::New(env, content_type_version));
}

}  // namespace tether_node
