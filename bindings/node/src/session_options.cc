#include "session_options.h"

#include <cstdint>

#include "args.h"
#include "handle.h"

namespace tether_node {

namespace {
template <class T>
void read(const Napi::Object &options, const char *key, T *field, uint64_t max) {
  Napi::Value value = options.Get(key);
  if (!value.IsUndefined()) *field = static_cast<T>(u64_value(value, key, max));
}
}  // namespace

tether_session_options session_options(const Napi::Object &options) {
  tether_session_options o;
  tether_session_options_init(&o);
  read(options, "protocolVersion", &o.protocol_version, UINT32_MAX);
  read(options, "maxFramePayload", &o.max_frame_payload, UINT32_MAX);
  read(options, "maxMessageSize", &o.max_message_size, UINT64_MAX);
  read(options, "inboundBudget", &o.inbound_budget, UINT64_MAX);
  read(options, "outboundHighWatermark", &o.outbound_high_watermark, UINT64_MAX);
  read(options, "outboundLowWatermark", &o.outbound_low_watermark, UINT64_MAX);
  read(options, "extensions", &o.extensions, UINT32_MAX);
  return o;
}

Napi::Object session_stats_object(Napi::Env env, const tether_session_stats &s) {
  Napi::Object out = Napi::Object::New(env);
  auto set = [&](const char *key, uint64_t value) { out.Set(key, u64_to_js(env, value)); };
  set("bytesIn", s.bytes_in);
  set("bytesOut", s.bytes_out);
  set("framesIn", s.frames_in);
  set("framesOut", s.frames_out);
  set("chunksIn", s.chunks_in);
  set("chunksOut", s.chunks_out);
  set("messagesIn", s.messages_in);
  set("messagesOut", s.messages_out);
  set("pingsAnswered", s.pings_answered);
  set("inboundBuffered", s.inbound_buffered);
  set("outboundBuffered", s.outbound_buffered);
  set("peakInboundBuffered", s.peak_inbound_buffered);
  set("peakOutboundBuffered", s.peak_outbound_buffered);
  return out;
}

}  // namespace tether_node
