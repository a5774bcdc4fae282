#include "prober/classifier.h"

#include <algorithm>
#include <cmath>

namespace tether {

Classifier::Classifier(const tether_prober_options &options, const Allocator &allocator)
    : options_(options),
      window_(HookedAllocator<Sample>(allocator)),
      scratch_(HookedAllocator<uint64_t>(allocator)) {
  auto degraded = static_cast<double>(options.degraded_rtt_ns);
  auto congested = static_cast<double>(options.congested_rtt_ns);
  level_ns_[kDegraded] = degraded;
  level_ns_[kDegradedExit] = degraded * options.exit_fraction;
  level_ns_[kCongested] = congested;
  level_ns_[kCongestedExit] = congested * options.exit_fraction;
}

void Classifier::count(const Sample &sample, int delta) {
  for (int level = 0; level < kLevels; ++level) {
    if (static_cast<double>(sample.rtt_ns) < level_ns_[level]) below_[level] += delta;
  }
  if (sample.timeout) timeouts_ += delta;
}

bool Classifier::add(uint64_t now_ns, uint64_t rtt_ns, bool timeout, WindowFigures *out) {
  if (window_.size() >= options_.window_max_samples) {
    count(window_.front(), -1);
    window_.pop_front();
  }
  window_.push_back(Sample{now_ns, rtt_ns, timeout});
  count(window_.back(), +1);
  while (!window_.empty() && now_ns - window_.front().at_ns >= options_.window_ns) {
    count(window_.front(), -1);
    window_.pop_front();
  }
  tether_deployment_state wanted = target();
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

tether_deployment_state Classifier::target() const {
  uint64_t samples = window_.size();
  if (samples == 0) return TETHER_DEPLOYMENT_HEALTHY;
  // The quantile is the sample at rank ceil(q * n), as RttHistogram defines it: it
  // reaches a level exactly when fewer than rank samples lie below that level.
  auto rank = static_cast<uint64_t>(std::ceil(options_.quantile * static_cast<double>(samples)));
  rank = std::clamp<uint64_t>(rank, 1, samples);
  double ratio = static_cast<double>(timeouts_) / static_cast<double>(samples);
  // Thresholds of the current state and below are scaled by exit_fraction, so a
  // figure hovering at a threshold does not flap between two states.
  auto reaches = [&](tether_deployment_state level, Level entry, Level exit, double timeouts) {
    bool in = state_ >= level;
    double scale = in ? options_.exit_fraction : 1.0;
    return below_[in ? exit : entry] < rank || (timeouts_ > 0 && ratio >= timeouts * scale);
  };
  tether_deployment_state wanted = TETHER_DEPLOYMENT_HEALTHY;
  if (reaches(TETHER_DEPLOYMENT_CONGESTED, kCongested, kCongestedExit,
              options_.congested_timeout_ratio)) {
    wanted = TETHER_DEPLOYMENT_CONGESTED;
  } else if (reaches(TETHER_DEPLOYMENT_DEGRADED, kDegraded, kDegradedExit,
                     options_.degraded_timeout_ratio)) {
    wanted = TETHER_DEPLOYMENT_DEGRADED;
  }
  // Too few samples are no evidence for a worse state (but may confirm a better one).
  if (samples < options_.min_samples && wanted > state_) wanted = state_;
  return wanted;
}

}  // namespace tether
