// The runtime side of the ping/1 Ping/Pong (see tether.h, "Prober"): chooses
// streams, builds Ping frames with fresh nonces, matches Pongs, keeps RTT histograms,
// times out lost Pongs, classifies deployments with hysteresis and writes Prometheus
// text. Sans-I/O: time comes in as now_ns on every call. The C API is a thin shim
// over this class; the HTTP/2 client and the probe CLI use it directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "prober/histogram.h"

namespace tether {

class Prober {
 public:
  // Validates options (nullptr: defaults). On failure returns nullptr and sets *status.
  static Prober *create(const tether_prober_options *options, Status *status);
  static void destroy(Prober *prober);

  Status add_stream(uint64_t stream, std::string_view deployment, uint64_t now_ns);
  Status remove_stream(uint64_t stream);
  // Expires overdue Pings, then returns the Pings due now. *pings stays valid until
  // the next call. next_deadline_ns may be nullptr; UINT64_MAX when nothing is due.
  Status poll(uint64_t now_ns, const tether_ping **pings, size_t *count,
              uint64_t *next_deadline_ns);
  Status on_pong(uint64_t stream, const uint8_t *nonce, size_t length, uint64_t now_ns);
  // payload: the body of a Pong frame (PongMessage).
  Status on_pong_message(uint64_t stream, const uint8_t *payload, size_t length, uint64_t now_ns);

  Status state(std::string_view deployment, tether_deployment_state *out) const;
  // An empty deployment: all deployments merged.
  Status summary(std::string_view deployment, tether_rtt_summary *out) const;
  // The RTT histogram of one deployment since creation; nullptr if unknown.
  const RttHistogram *histogram(std::string_view deployment) const;
  void stats(tether_prober_stats *out) const;
  // NUL-terminated text owned by the prober, valid until the next call.
  Status prometheus(const char **text, size_t *length);

  const ErrorSlot &error() const;
  const tether_prober_options &options() const;

 private:
  friend class Allocator;  // make<Prober>() in create()
  Prober() = default;
  struct Impl;
  Impl *impl_ = nullptr;
};

// The documented defaults of every option (tether_prober_options_init).
void prober_default_options(tether_prober_options *options);
// Why options are invalid (a static sentence naming the field), or nullptr.
const char *prober_options_problem(const tether_prober_options &options);

// Fills out with an RTT summary of h (timeouts left 0; struct_size kept).
void summarize(const RttHistogram &h, tether_rtt_summary *out);

}  // namespace tether
