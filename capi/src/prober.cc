// The tether_prober handle: a thin shim over tether::Prober.
#include "prober/prober.h"

#include <cstring>

#include "common/allocator.h"
#include "options.h"

struct tether_prober {
  explicit tether_prober(tether::Prober *prober) : core(prober) {}
  tether::Prober *core;
};

namespace {

// Bounded strlen: a deployment id longer than this is refused by the core anyway.
std::string_view deployment_id(const char *id) { return std::string_view(id, strnlen(id, 256)); }

}  // namespace

extern "C" {

const char *tether_deployment_state_name(tether_deployment_state state) {
  switch (state) {
    case TETHER_DEPLOYMENT_HEALTHY:
      return "healthy";
    case TETHER_DEPLOYMENT_DEGRADED:
      return "degraded";
    case TETHER_DEPLOYMENT_CONGESTED:
      return "congested";
  }
  return "unknown";
}

namespace {

void prober_defaults(tether_prober_options *options) {
  if (options != nullptr) tether::prober_default_options(options);
}

}  // namespace

void tether_prober_options_init_sized(tether_prober_options *options, size_t struct_size) {
  tether::capi::init_sized(options, struct_size, prober_defaults);
}

// ABI 0's entry point, for programs built before _init_sized: it fills the struct
// as ABI 0 had it, 168 bytes, whatever has been appended since.
static_assert(sizeof(tether_prober_options) >= 168);
void(tether_prober_options_init)(tether_prober_options *options) {
  tether_prober_options_init_sized(options, 168);
}

tether_status tether_prober_options_check(const tether_prober_options *given,
                                          const char **problem) {
  const char *ignored;
  if (problem == nullptr) problem = &ignored;
  *problem = "";
  tether_prober_options options;
  tether_prober_options_init(&options);
  if (!tether::capi::read_options(given, options)) {
    *problem = "struct_size is not the size of a tether_prober_options";
    return TETHER_INVALID_ARGUMENT;
  }
  const char *found = tether::prober_options_problem(options);
  if (found == nullptr) return TETHER_OK;
  *problem = found;
  return TETHER_INVALID_ARGUMENT;
}

tether_status tether_prober_new(const tether_prober_options *given, tether_prober **out) {
  if (out == nullptr) return TETHER_INVALID_ARGUMENT;
  *out = nullptr;
  tether_prober_options options;
  tether_prober_options_init(&options);
  if (!tether::capi::read_options(given, options)) return TETHER_INVALID_ARGUMENT;
  tether_status status;
  tether::Prober *core = tether::Prober::create(&options, &status);
  if (core == nullptr) return status;
  tether::Allocator allocator(options.allocator);
  *out = allocator.make<tether_prober>(core);
  if (*out == nullptr) {
    tether::Prober::destroy(core);
    return TETHER_NO_MEMORY;
  }
  return TETHER_OK;
}

void tether_prober_free(tether_prober *prober) {
  if (prober == nullptr) return;
  tether::Allocator allocator(prober->core->options().allocator);
  tether::Prober::destroy(prober->core);
  allocator.release(prober);
}

tether_status tether_prober_add_stream(tether_prober *prober, uint64_t stream,
                                       const char *deployment, uint64_t now_ns) {
  if (prober == nullptr || deployment == nullptr) return TETHER_INVALID_ARGUMENT;
  return prober->core->add_stream(stream, deployment_id(deployment), now_ns);
}

tether_status tether_prober_remove_stream(tether_prober *prober, uint64_t stream) {
  if (prober == nullptr) return TETHER_INVALID_ARGUMENT;
  return prober->core->remove_stream(stream);
}

tether_status tether_prober_poll(tether_prober *prober, uint64_t now_ns, const tether_ping **pings,
                                 size_t *count, uint64_t *next_deadline_ns) {
  if (prober == nullptr || pings == nullptr || count == nullptr) return TETHER_INVALID_ARGUMENT;
  return prober->core->poll(now_ns, pings, count, next_deadline_ns);
}

tether_status tether_prober_on_pong(tether_prober *prober, uint64_t stream, const uint8_t *nonce,
                                    size_t length, uint64_t now_ns) {
  if (prober == nullptr) return TETHER_INVALID_ARGUMENT;
  return prober->core->on_pong(stream, nonce, length, now_ns);
}

tether_status tether_prober_on_pong_message(tether_prober *prober, uint64_t stream,
                                            const uint8_t *payload, size_t length,
                                            uint64_t now_ns) {
  if (prober == nullptr) return TETHER_INVALID_ARGUMENT;
  return prober->core->on_pong_message(stream, payload, length, now_ns);
}

tether_status tether_prober_state(const tether_prober *prober, const char *deployment,
                                  tether_deployment_state *state) {
  if (prober == nullptr || deployment == nullptr || state == nullptr) {
    return TETHER_INVALID_ARGUMENT;
  }
  return prober->core->state(deployment_id(deployment), state);
}

tether_status tether_prober_summary(const tether_prober *prober, const char *deployment,
                                    tether_rtt_summary *summary) {
  if (prober == nullptr || summary == nullptr || summary->struct_size < sizeof(size_t) ||
      summary->struct_size > sizeof(tether_rtt_summary)) {
    return TETHER_INVALID_ARGUMENT;
  }
  if (deployment != nullptr && deployment[0] == '\0') return TETHER_INVALID_ARGUMENT;
  tether_rtt_summary full{};
  tether_status status =
      prober->core->summary(deployment ? deployment_id(deployment) : std::string_view(), &full);
  if (status != TETHER_OK) return status;
  size_t size = summary->struct_size;  // an older caller gets the fields it knows
  std::memcpy(reinterpret_cast<char *>(summary) + sizeof(size_t),
              reinterpret_cast<const char *>(&full) + sizeof(size_t), size - sizeof(size_t));
  return TETHER_OK;
}

tether_status tether_prober_stats_get(const tether_prober *prober, tether_prober_stats *stats) {
  if (prober == nullptr || stats == nullptr || stats->struct_size < sizeof(size_t) ||
      stats->struct_size > sizeof(tether_prober_stats)) {
    return TETHER_INVALID_ARGUMENT;
  }
  tether_prober_stats full{};
  prober->core->stats(&full);
  std::memcpy(reinterpret_cast<char *>(stats) + sizeof(size_t),
              reinterpret_cast<const char *>(&full) + sizeof(size_t),
              stats->struct_size - sizeof(size_t));
  return TETHER_OK;
}

tether_status tether_prober_prometheus(tether_prober *prober, const char **text, size_t *length) {
  if (prober == nullptr || text == nullptr || length == nullptr) return TETHER_INVALID_ARGUMENT;
  return prober->core->prometheus(text, length);
}

const char *tether_prober_last_error(const tether_prober *prober) {
  if (prober == nullptr) return "prober is NULL";
  return prober->core->error().message();
}

}  // extern "C"
