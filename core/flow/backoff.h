// Capped exponential backoff with jitter for retrying a sink: attempt n (1-based)
// waits a random time in [d/2, d] with d = min(max, initial * 2^(n-1)), so retries
// of many producers spread out but never collapse to zero.
#pragma once

#include <cstdint>
#include <random>

namespace tether {

class Backoff {
 public:
  Backoff(uint64_t initial_ns, uint64_t max_ns, uint64_t seed)
      : initial_ns_(initial_ns), max_ns_(max_ns), random_(seed) {}

  // The ceiling d of attempt n, before jitter.
  uint64_t ceiling_ns(uint32_t attempt) const;
  // The delay to wait before retry n.
  uint64_t delay_ns(uint32_t attempt);

 private:
  uint64_t initial_ns_;
  uint64_t max_ns_;
  std::mt19937_64 random_;
};

}  // namespace tether
