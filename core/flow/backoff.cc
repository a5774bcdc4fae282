#include "flow/backoff.h"

#include <algorithm>

namespace tether {

uint64_t Backoff::ceiling_ns(uint32_t attempt) const {
  uint64_t d = initial_ns_;
  for (uint32_t i = 1; i < attempt && d < max_ns_; ++i) d = d > max_ns_ / 2 ? max_ns_ : d * 2;
  return std::min(d, max_ns_);
}

uint64_t Backoff::delay_ns(uint32_t attempt) {
  uint64_t d = ceiling_ns(attempt);
  if (d < 2) return d;
  std::uniform_int_distribution<uint64_t> half(d / 2, d);
  return half(random_);
}

}  // namespace tether
