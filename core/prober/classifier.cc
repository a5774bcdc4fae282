#include "prober/classifier.h"

#include <algorithm>
#include <cmath>

namespace tether {

Classifier::Classifier(const tether_prober_options &options, const Allocator &allocator)
    : options_(options),
      window_(HookedAllocator<Sample>(allocator)),
      scratch_(HookedAllocator<uint64_t>(allocator)) {}

bool Classifier::add(uint64_t now_ns, uint64_t rtt_ns, bool timeout, WindowFigures *out) {
  if (window_.size() >= options_.window_max_samples) window_.pop_front();
  window_.push_back(Sample{now_ns, rtt_ns, timeout});
  while (!window_.empty() && now_ns - window_.front().at_ns >= options_.window_ns) {
    window_.pop_front();
  }
  WindowFigures f = counts();
  if (f.samples != 0) f.quantile_ns = scratch_quantile(options_.quantile);
  *out = f;
  tether_deployment_state wanted = target(f);
  rising_ = wanted > state_;
  if (wanted == state_) {
    direction_ = 0;
    streak_ = 0;
    return false;
  }
  int direction = wanted > state_ ? 1 : -1;
  if (direction != direction_) streak_ = 0;
  direction_ = direction;
  ++streak_;
  uint32_t needed = direction > 0 ? options_.escalate_after : options_.recover_after;
  if (streak_ < needed) return false;
  state_ = wanted;
  direction_ = 0;
  streak_ = 0;
  rising_ = false;
  *out = full_figures();
  return true;
}

WindowFigures Classifier::counts() {
  WindowFigures f;
  scratch_.clear();
  for (const Sample &sample : window_) {
    scratch_.push_back(sample.rtt_ns);
    f.timeouts += sample.timeout ? 1 : 0;
  }
  f.samples = scratch_.size();
  if (f.samples != 0) {
    f.timeout_ratio = static_cast<double>(f.timeouts) / static_cast<double>(f.samples);
  }
  return f;
}

// The exact quantile, the value at rank ceil(q * n) as RttHistogram defines it, by
// selection: linear in the window, where a sort would cost n log n per sample.
uint64_t Classifier::scratch_quantile(double q) {
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(scratch_.size())));
  auto at = scratch_.begin() +
            static_cast<std::ptrdiff_t>(std::clamp<size_t>(rank, 1, scratch_.size()) - 1);
  std::nth_element(scratch_.begin(), at, scratch_.end());
  return *at;
}

WindowFigures Classifier::full_figures() {
  WindowFigures f = counts();
  if (f.samples == 0) return f;
  f.quantile_ns = scratch_quantile(options_.quantile);
  f.p50_ns = scratch_quantile(0.5);
  f.p90_ns = scratch_quantile(0.9);
  f.p99_ns = scratch_quantile(0.99);
  f.max_ns = *std::max_element(scratch_.begin(), scratch_.end());
  return f;
}

tether_deployment_state Classifier::target(const WindowFigures &f) const {
  // Thresholds of the current state and below are scaled by exit_fraction, so a
  // figure hovering at a threshold does not flap between two states.
  auto reaches = [&](tether_deployment_state level, uint64_t rtt_ns, double ratio) {
    double scale = state_ >= level ? options_.exit_fraction : 1.0;
    return static_cast<double>(f.quantile_ns) >= static_cast<double>(rtt_ns) * scale ||
           (f.timeouts > 0 && f.timeout_ratio >= ratio * scale);
  };
  tether_deployment_state wanted = TETHER_DEPLOYMENT_HEALTHY;
  if (reaches(TETHER_DEPLOYMENT_CONGESTED, options_.congested_rtt_ns,
              options_.congested_timeout_ratio)) {
    wanted = TETHER_DEPLOYMENT_CONGESTED;
  } else if (reaches(TETHER_DEPLOYMENT_DEGRADED, options_.degraded_rtt_ns,
                     options_.degraded_timeout_ratio)) {
    wanted = TETHER_DEPLOYMENT_DEGRADED;
  }
  // Too few samples are no evidence for a worse state (but may confirm a better one).
  if (f.samples < options_.min_samples && wanted > state_) wanted = state_;
  return wanted;
}

}  // namespace tether
