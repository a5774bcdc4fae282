// Prober: the runtime side of Ping/Pong (tether_prober_*). State changes are copied out
// of the C callback and handed to onStateChange after the C call returned, so the
// JavaScript callback may do anything with the prober, close() included.
#include <string>
#include <type_traits>
#include <vector>

#include "args.h"
#include "classes.h"
#include "handle.h"

namespace tether_node {

namespace {

constexpr const char *kName = "Prober";

struct StateChange {
  std::string deployment;
  tether_prober_state_change change;
};

tether_probe_selection selection_value(const Napi::Value &v) {
  std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (s == "one-per-deployment") return TETHER_PROBE_ONE_PER_DEPLOYMENT;
  if (s == "sample") return TETHER_PROBE_SAMPLE;
  if (s == "all") return TETHER_PROBE_ALL;
  throw Napi::TypeError::New(v.Env(),
                             "selection must be 'one-per-deployment', 'sample' or 'all', got " +
                                 (v.IsString() ? "'" + s + "'" : type_name(v)));
}

double double_value(const Napi::Value &v, const char *what) {
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(v.Env(),
                               std::string(what) + " must be a number, got " + type_name(v));
  }
  return v.As<Napi::Number>().DoubleValue();
}

class Prober : public Napi::ObjectWrap<Prober> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(
        env, kName,
        {InstanceMethod<&Prober::add_stream>("addStream"),
         InstanceMethod<&Prober::remove_stream>("removeStream"),
         InstanceMethod<&Prober::poll>("poll"), InstanceMethod<&Prober::on_pong>("onPong"),
         InstanceMethod<&Prober::on_pong_message>("onPongMessage"),
         InstanceMethod<&Prober::state>("state"), InstanceMethod<&Prober::summary>("summary"),
         InstanceMethod<&Prober::stats>("stats"), InstanceMethod<&Prober::prometheus>("prometheus"),
         InstanceMethod<&Prober::close>("close"),
         InstanceAccessor<&Prober::last_error>("lastError"),
         InstanceAccessor<&Prober::closed>("closed")});
  }

  explicit Prober(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Prober>(info) {
    Napi::Env env = info.Env();
    Napi::Object options = options_arg(
        info, 0, kName,
        {"selection", "sampleSize", "intervalNs", "suspectIntervalNs", "pongTimeoutNs", "windowNs",
         "windowMaxSamples", "minSamples", "quantile", "degradedRttNs", "congestedRttNs",
         "degradedTimeoutRatio", "congestedTimeoutRatio", "exitFraction", "escalateAfter",
         "recoverAfter", "maxStreams", "maxDeployments", "onStateChange"});
    tether_prober_options o;
    tether_prober_options_init(&o);
    auto u64 = [&](const char *key, auto *field, uint64_t max) {
      Napi::Value v = options.Get(key);
      if (!v.IsUndefined())
        *field = static_cast<std::remove_pointer_t<decltype(field)>>(u64_value(v, key, max));
    };
    auto real = [&](const char *key, double *field) {
      Napi::Value v = options.Get(key);
      if (!v.IsUndefined()) *field = double_value(v, key);
    };
    if (Napi::Value v = options.Get("selection"); !v.IsUndefined())
      o.selection = selection_value(v);
    u64("sampleSize", &o.sample_size, UINT32_MAX);
    u64("intervalNs", &o.interval_ns, UINT64_MAX);
    u64("suspectIntervalNs", &o.suspect_interval_ns, UINT64_MAX);
    u64("pongTimeoutNs", &o.pong_timeout_ns, UINT64_MAX);
    u64("windowNs", &o.window_ns, UINT64_MAX);
    u64("windowMaxSamples", &o.window_max_samples, UINT32_MAX);
    u64("minSamples", &o.min_samples, UINT32_MAX);
    real("quantile", &o.quantile);
    u64("degradedRttNs", &o.degraded_rtt_ns, UINT64_MAX);
    u64("congestedRttNs", &o.congested_rtt_ns, UINT64_MAX);
    real("degradedTimeoutRatio", &o.degraded_timeout_ratio);
    real("congestedTimeoutRatio", &o.congested_timeout_ratio);
    real("exitFraction", &o.exit_fraction);
    u64("escalateAfter", &o.escalate_after, UINT32_MAX);
    u64("recoverAfter", &o.recover_after, UINT32_MAX);
    u64("maxStreams", &o.max_streams, UINT32_MAX);
    u64("maxDeployments", &o.max_deployments, UINT32_MAX);
    if (Napi::Value v = options.Get("onStateChange"); !v.IsUndefined()) {
      if (!v.IsFunction()) {
        throw Napi::TypeError::New(env, "onStateChange must be a function, got " + type_name(v));
      }
      on_state_change_ = Napi::Persistent(v.As<Napi::Function>());
    }
    o.on_state_change = &Prober::record_change;
    o.user_data = this;
    const char *problem = nullptr;
    tether_status status = tether_prober_options_check(&o, &problem);
    if (status != TETHER_OK) {
      throw_status(env, status, std::string("Prober options refused: ") + (problem ? problem : ""));
    }
    tether_prober *p = nullptr;
    status = tether_prober_new(&o, &p);
    if (status != TETHER_OK) throw_status(env, status, "Prober options refused");
    handle_.reset(p);
  }

 private:
  static void record_change(const tether_prober_state_change *change, void *user_data) {
    auto *self = static_cast<Prober *>(user_data);
    self->changes_.push_back({change->deployment, *change});
  }

  tether_prober *get(Napi::Env env) const { return handle_.get(env, kName); }
  [[noreturn]] void fail(Napi::Env env, tether_status status) const {
    throw_status(env, status, tether_prober_last_error(handle_.raw()));
  }
  // Checks a C call's status, then delivers the state changes it caused.
  void done(Napi::Env env, tether_status status) {
    std::vector<StateChange> changes;
    changes.swap(changes_);
    if (status != TETHER_OK) fail(env, status);
    if (on_state_change_.IsEmpty()) return;
    for (const StateChange &c : changes) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("deployment", c.deployment);
      o.Set("from", tether_deployment_state_name(c.change.from));
      o.Set("to", tether_deployment_state_name(c.change.to));
      o.Set("atNs", u64_to_js(env, c.change.at_ns));
      o.Set("windowSamples", u64_to_js(env, c.change.window_samples));
      o.Set("windowTimeouts", u64_to_js(env, c.change.window_timeouts));
      o.Set("timeoutRatio", c.change.timeout_ratio);
      o.Set("quantileNs", u64_to_js(env, c.change.quantile_ns));
      o.Set("p50Ns", u64_to_js(env, c.change.p50_ns));
      o.Set("p90Ns", u64_to_js(env, c.change.p90_ns));
      o.Set("p99Ns", u64_to_js(env, c.change.p99_ns));
      o.Set("maxNs", u64_to_js(env, c.change.max_ns));
      on_state_change_.Call(Value(), {o});
    }
  }

  std::string deployment_arg(const Napi::CallbackInfo &info, size_t i, const char *what) {
    std::string d = string_arg(info, i, what);
    if (d.find('\0') != std::string::npos) {
      throw Napi::TypeError::New(info.Env(), std::string(what) + " must not contain NUL");
    }
    return d;
  }

  Napi::Value add_stream(const Napi::CallbackInfo &info) {
    tether_prober *p = get(info.Env());
    uint64_t stream = u64_arg(info, 0, "Prober.addStream: stream", UINT64_MAX);
    std::string deployment = deployment_arg(info, 1, "Prober.addStream: deployment");
    uint64_t now = u64_arg(info, 2, "Prober.addStream: nowNs", UINT64_MAX);
    done(info.Env(), tether_prober_add_stream(p, stream, deployment.c_str(), now));
    return info.Env().Undefined();
  }

  Napi::Value remove_stream(const Napi::CallbackInfo &info) {
    tether_prober *p = get(info.Env());
    uint64_t stream = u64_arg(info, 0, "Prober.removeStream: stream", UINT64_MAX);
    done(info.Env(), tether_prober_remove_stream(p, stream));
    return info.Env().Undefined();
  }

  // {pings: [{stream, frame}], nextDeadlineNs: number | bigint | null}
  Napi::Value poll(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_prober *p = get(env);
    uint64_t now = u64_arg(info, 0, "Prober.poll: nowNs", UINT64_MAX);
    const tether_ping *pings = nullptr;
    size_t count = 0;
    uint64_t deadline = 0;
    tether_status status = tether_prober_poll(p, now, &pings, &count, &deadline);
    Napi::Array list = Napi::Array::New(env, status == TETHER_OK ? count : 0);
    for (size_t i = 0; status == TETHER_OK && i < count; ++i) {
      Napi::Object ping = Napi::Object::New(env);
      ping.Set("stream", u64_to_js(env, pings[i].stream));
      ping.Set("frame", Napi::Buffer<uint8_t>::Copy(env, pings[i].frame, pings[i].length));
      list.Set(uint32_t(i), ping);
    }
    done(env, status);
    Napi::Object out = Napi::Object::New(env);
    out.Set("pings", list);
    out.Set("nextDeadlineNs", deadline == UINT64_MAX ? env.Null() : u64_to_js(env, deadline));
    return out;
  }

  Napi::Value on_pong(const Napi::CallbackInfo &info) {
    tether_prober *p = get(info.Env());
    uint64_t stream = u64_arg(info, 0, "Prober.onPong: stream", UINT64_MAX);
    Bytes nonce = bytes_arg(info, 1, "Prober.onPong: nonce");
    uint64_t now = u64_arg(info, 2, "Prober.onPong: nowNs", UINT64_MAX);
    done(info.Env(), tether_prober_on_pong(p, stream, nonce.data, nonce.length, now));
    return info.Env().Undefined();
  }

  Napi::Value on_pong_message(const Napi::CallbackInfo &info) {
    tether_prober *p = get(info.Env());
    uint64_t stream = u64_arg(info, 0, "Prober.onPongMessage: stream", UINT64_MAX);
    Bytes payload = bytes_arg(info, 1, "Prober.onPongMessage: payload");
    uint64_t now = u64_arg(info, 2, "Prober.onPongMessage: nowNs", UINT64_MAX);
    done(info.Env(), tether_prober_on_pong_message(p, stream, payload.data, payload.length, now));
    return info.Env().Undefined();
  }

  Napi::Value state(const Napi::CallbackInfo &info) {
    tether_prober *p = get(info.Env());
    std::string deployment = deployment_arg(info, 0, "Prober.state: deployment");
    tether_deployment_state s;
    done(info.Env(), tether_prober_state(p, deployment.c_str(), &s));
    return Napi::String::New(info.Env(), tether_deployment_state_name(s));
  }

  Napi::Value summary(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_prober *p = get(env);
    std::string deployment;
    bool all = info[0].IsUndefined() || info[0].IsNull();
    if (!all) deployment = deployment_arg(info, 0, "Prober.summary: deployment");
    tether_rtt_summary s{};
    s.struct_size = sizeof s;
    done(env, tether_prober_summary(p, all ? nullptr : deployment.c_str(), &s));
    Napi::Object out = Napi::Object::New(env);
    out.Set("count", u64_to_js(env, s.count));
    out.Set("timeouts", u64_to_js(env, s.timeouts));
    out.Set("sumNs", u64_to_js(env, s.sum_ns));
    out.Set("minNs", u64_to_js(env, s.min_ns));
    out.Set("p50Ns", u64_to_js(env, s.p50_ns));
    out.Set("p90Ns", u64_to_js(env, s.p90_ns));
    out.Set("p99Ns", u64_to_js(env, s.p99_ns));
    out.Set("maxNs", u64_to_js(env, s.max_ns));
    return out;
  }

  Napi::Value stats(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_prober_stats s{};
    s.struct_size = sizeof s;
    done(env, tether_prober_stats_get(get(env), &s));
    Napi::Object out = Napi::Object::New(env);
    out.Set("pingsSent", u64_to_js(env, s.pings_sent));
    out.Set("pongsMatched", u64_to_js(env, s.pongs_matched));
    out.Set("pongsUnexpected", u64_to_js(env, s.pongs_unexpected));
    out.Set("timeouts", u64_to_js(env, s.timeouts));
    out.Set("streams", u64_to_js(env, s.streams));
    out.Set("deployments", u64_to_js(env, s.deployments));
    out.Set("outstanding", u64_to_js(env, s.outstanding));
    return out;
  }

  Napi::Value prometheus(const Napi::CallbackInfo &info) {
    const char *text = nullptr;
    size_t length = 0;
    done(info.Env(), tether_prober_prometheus(get(info.Env()), &text, &length));
    return Napi::String::New(info.Env(), text, length);
  }

  Napi::Value close(const Napi::CallbackInfo &info) {
    handle_.reset();
    return info.Env().Undefined();
  }

  Napi::Value last_error(const Napi::CallbackInfo &info) {
    return Napi::String::New(info.Env(), tether_prober_last_error(get(info.Env())));
  }

  Napi::Value closed(const Napi::CallbackInfo &info) {
    return Napi::Boolean::New(info.Env(), handle_.closed());
  }

  Handle<tether_prober, tether_prober_free> handle_;
  Napi::FunctionReference on_state_change_;
  std::vector<StateChange> changes_;
};

}  // namespace

void init_prober(Napi::Env env, Napi::Object exports) { exports.Set(kName, Prober::define(env)); }

}  // namespace tether_node
