// Per-deployment classification (see tether.h, "Prober"): a time-based sliding
// window of RTT and timeout samples, evaluated at every sample into healthy /
// degraded / congested, with exit thresholds and consecutive-evaluation hysteresis.
// An evaluation only asks whether the window's quantile reaches one of four fixed
// thresholds, which is whether fewer than rank(q) samples lie below it: the window
// keeps those four counts as samples enter and leave, so a sample costs O(1) however
// large the window; the quantile itself is selected only when the state changes.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "prober/hooked_allocator.h"
#include "tether.h"

namespace tether {

struct WindowFigures {
  uint64_t samples = 0;
  uint64_t timeouts = 0;
  double timeout_ratio = 0;
  uint64_t quantile_ns = 0;  // at the configured quantile: the figure compared
  uint64_t p50_ns = 0, p90_ns = 0, p99_ns = 0, max_ns = 0;
};

class Classifier {
 public:
  // options must have been validated (see Prober::create).
  Classifier(const tether_prober_options &options, const Allocator &allocator);

  // Records a sample at now_ns and evaluates the window. Returns true when the state
  // changed; figures is then filled with every figure of the window.
  bool add(uint64_t now_ns, uint64_t rtt_ns, bool timeout, WindowFigures *figures);
  // Every figure of the window as it is now.
  WindowFigures full_figures();

  tether_deployment_state state() const { return state_; }
  // Not healthy, or the last evaluation called for a worse state.
  bool suspect() const { return state_ != TETHER_DEPLOYMENT_HEALTHY || rising_; }

 private:
  struct Sample {
    uint64_t at_ns;
    uint64_t rtt_ns;
    bool timeout;
  };

  // The thresholds an evaluation compares the quantile with: entry and exit levels
  // of DEGRADED and CONGESTED.
  enum Level { kDegraded, kDegradedExit, kCongested, kCongestedExit, kLevels };

  void count(const Sample &sample, int delta);
  // Copies the window's RTTs into scratch_ and counts; quantile_ns is not set.
  WindowFigures counts();
  uint64_t scratch_quantile(double q);  // selects in scratch_, reordering it
  tether_deployment_state target() const;

  const tether_prober_options &options_;
  std::deque<Sample, HookedAllocator<Sample>> window_;
  std::vector<uint64_t, HookedAllocator<uint64_t>> scratch_;
  double level_ns_[kLevels];
  uint64_t below_[kLevels] = {};  // samples in the window with an RTT under each level
  uint64_t timeouts_ = 0;         // timeouts in the window
  tether_deployment_state state_ = TETHER_DEPLOYMENT_HEALTHY;
  int direction_ = 0;  // +1 while evaluations call for worse, -1 for better
  uint32_t streak_ = 0;
  bool rising_ = false;
};

}  // namespace tether
