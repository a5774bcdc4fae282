// Decoder: the streaming frame decoder (tether_decoder_*).
#include "args.h"
#include "classes.h"
#include "handle.h"

namespace tether_node {

namespace {

constexpr const char *kName = "Decoder";

class Decoder : public Napi::ObjectWrap<Decoder> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(
        env, kName,
        {InstanceMethod<&Decoder::feed>("feed"), InstanceMethod<&Decoder::next>("next"),
         InstanceMethod<&Decoder::finish>("finish"), InstanceMethod<&Decoder::close>("close"),
         InstanceAccessor<&Decoder::last_error>("lastError"),
         InstanceAccessor<&Decoder::closed>("closed")});
  }

  explicit Decoder(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Decoder>(info) {
    Napi::Object options =
        options_arg(info, 0, kName, {"maxFramePayload", "maxBuffered", "allowContinued"});
    tether_decoder_options o;
    tether_decoder_options_init(&o);
    if (Napi::Value v = options.Get("maxFramePayload"); !v.IsUndefined()) {
      o.max_frame_payload = uint32_t(u64_value(v, "maxFramePayload", UINT32_MAX));
    }
    if (Napi::Value v = options.Get("maxBuffered"); !v.IsUndefined()) {
      o.max_buffered = size_t(u64_value(v, "maxBuffered", SIZE_MAX));
    }
    if (Napi::Value v = options.Get("allowContinued"); !v.IsUndefined()) {
      if (!v.IsBoolean()) {
        throw Napi::TypeError::New(info.Env(),
                                   "allowContinued must be a boolean, got " + type_name(v));
      }
      o.allow_continued = v.As<Napi::Boolean>().Value() ? 1 : 0;
    }
    tether_decoder *d = nullptr;
    tether_status status = tether_decoder_new(&o, &d);
    if (status != TETHER_OK) throw_status(info.Env(), status, "Decoder options refused");
    handle_.reset(d);
  }

 private:
  tether_decoder *get(Napi::Env env) const { return handle_.get(env, kName); }
  [[noreturn]] void fail(Napi::Env env, tether_status status) const {
    throw_status(env, status, tether_decoder_last_error(handle_.raw()));
  }

  Napi::Value feed(const Napi::CallbackInfo &info) {
    tether_decoder *d = get(info.Env());
    Bytes data = bytes_arg(info, 0, "Decoder.feed: data");
    size_t consumed = 0;
    tether_status status = tether_decoder_feed(d, data.data, data.length, &consumed);
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(info.Env(), status);
    return Napi::Number::New(info.Env(), double(consumed));
  }

  Napi::Value next(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    tether_frame frame;
    tether_status status = tether_decoder_next(get(env), &frame);
    if (status == TETHER_EMPTY) return env.Null();
    if (status != TETHER_OK) fail(env, status);
    Napi::Object out = Napi::Object::New(env);
    out.Set("type", double(frame.type));
    out.Set("flags", double(frame.flags));
    out.Set("payload", Napi::Buffer<uint8_t>::Copy(env, frame.payload, frame.length));
    return out;
  }

  Napi::Value finish(const Napi::CallbackInfo &info) {
    tether_status status = tether_decoder_finish(get(info.Env()));
    if (status != TETHER_OK) fail(info.Env(), status);
    return info.Env().Undefined();
  }

  Napi::Value close(const Napi::CallbackInfo &info) {
    handle_.reset();
    return info.Env().Undefined();
  }

  Napi::Value last_error(const Napi::CallbackInfo &info) {
    return Napi::String::New(info.Env(), tether_decoder_last_error(get(info.Env())));
  }

  Napi::Value closed(const Napi::CallbackInfo &info) {
    return Napi::Boolean::New(info.Env(), handle_.closed());
  }

  Handle<tether_decoder, tether_decoder_free> handle_;
};

}  // namespace

void init_decoder(Napi::Env env, Napi::Object exports) { exports.Set(kName, Decoder::define(env)); }

}  // namespace tether_node
