// Session: one invocation stream, SDK side (tether_session_*).
#include <limits>

#include "args.h"
#include "classes.h"
#include "handle.h"
#include "session_options.h"

namespace tether_node {

namespace {

constexpr const char *kName = "Session";

class Session : public Napi::ObjectWrap<Session> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(
        env, kName,
        {InstanceMethod<&Session::feed>("feed"),
         InstanceMethod<&Session::finish_input>("finishInput"),
         InstanceMethod<&Session::next_event>("_nextEvent"), InstanceMethod<&Session::send>("send"),
         InstanceMethod<&Session::take_output>("_takeOutput"),
         InstanceMethod<&Session::stats>("stats"), InstanceMethod<&Session::close>("close"),
         InstanceAccessor<&Session::last_error>("lastError"),
         InstanceAccessor<&Session::closed>("closed")});
  }

  explicit Session(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Session>(info) {
    Napi::Object options = options_arg(info, 0, kName, {TETHER_NODE_SESSION_OPTION_KEYS});
    tether_session_options o = session_options(options);
    tether_session *s = nullptr;
    tether_status status = tether_session_new(&o, &s);
    if (status != TETHER_OK) throw_status(info.Env(), status, "Session options refused");
    handle_.reset(s);
  }

 private:
  tether_session *get(Napi::Env env) const { return handle_.get(env, kName); }
  [[noreturn]] void fail(Napi::Env env, tether_status status) const {
    throw_status(env, status, tether_session_last_error(handle_.raw()));
  }

  Napi::Value feed(const Napi::CallbackInfo &info) {
    tether_session *s = get(info.Env());
    Bytes data = bytes_arg(info, 0, "Session.feed: data");
    size_t consumed = 0;
    tether_status status = tether_session_feed(s, data.data, data.length, &consumed);
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(info.Env(), status);
    return Napi::Number::New(info.Env(), double(consumed));
  }

  Napi::Value finish_input(const Napi::CallbackInfo &info) {
    tether_status status = tether_session_finish_input(get(info.Env()));
    if (status != TETHER_OK) fail(info.Env(), status);
    return info.Env().Undefined();
  }

  // The next event: null when there is none; else FIELDS[0..3] = kind (TETHER_EVENT_*),
  // type, flags, answered, and the data (payload or nonce) as bytes_out gives it.
  Napi::Value next_event(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_session *s = get(env);
    Scratch scratch = tether_node::scratch(env);
    tether_event e;
    tether_status status = tether_session_next_event(s, &e);
    if (status == TETHER_EMPTY) return env.Null();
    if (status != TETHER_OK) fail(env, status);
    scratch.fields[0] = uint32_t(e.kind);
    scratch.fields[1] = e.type;
    scratch.fields[2] = e.flags;
    scratch.fields[3] = e.answered;
    return bytes_out(env, scratch, e.data, e.kind == TETHER_EVENT_WRITABLE ? 0 : e.length);
  }

  Napi::Value send(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_session *s = get(env);
    auto type = uint16_t(u64_arg(info, 0, "Session.send: type", 0xFFFF));
    Bytes payload = bytes_arg(info, 1, "Session.send: payload");
    tether_status status = tether_session_send(s, type, payload.data, payload.length);
    if (status != TETHER_OK) fail(env, status);
    return env.Undefined();
  }

  Napi::Value take_output(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_session *s = get(env);
    Scratch scratch = tether_node::scratch(env);
    uint64_t limit = info[0].IsUndefined()
                         ? std::numeric_limits<uint64_t>::max()
                         : u64_arg(info, 0, "Session.takeOutput: limit", UINT64_MAX);
    return tether_node::take_output(
        env, scratch, limit,
        [&](const uint8_t **d, size_t *n) { return tether_session_pending_output(s, d, n); },
        [&](size_t n) { return tether_session_consume_output(s, n); },
        [&](tether_status st) { fail(env, st); });
  }

  Napi::Value stats(const Napi::CallbackInfo &info) {
    tether_session_stats st{};
    st.struct_size = sizeof st;
    tether_status status = tether_session_stats_get(get(info.Env()), &st);
    if (status != TETHER_OK) fail(info.Env(), status);
    return session_stats_object(info.Env(), st);
  }

  Napi::Value close(const Napi::CallbackInfo &info) {
    handle_.reset();
    return info.Env().Undefined();
  }

  Napi::Value last_error(const Napi::CallbackInfo &info) {
    return Napi::String::New(info.Env(), tether_session_last_error(get(info.Env())));
  }

  Napi::Value closed(const Napi::CallbackInfo &info) {
    return Napi::Boolean::New(info.Env(), handle_.closed());
  }

  Handle<tether_session, tether_session_free> handle_;
};

}  // namespace

void init_session(Napi::Env env, Napi::Object exports) { exports.Set(kName, Session::define(env)); }

}  // namespace tether_node
