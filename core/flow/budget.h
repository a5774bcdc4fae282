// A byte budget with high and low watermarks, for the bounded queues of a handle.
// Producers ask admit() (refused at or above the high mark) or fits(n) (a hard cap
// at the high mark); release() reports, once, when a refused producer may go on.
#pragma once

#include <algorithm>
#include <cstdint>

namespace tether {

class ByteBudget {
 public:
  ByteBudget(uint64_t high, uint64_t low) : high_(high), low_(std::min(low, high)) {}

  // False (and a WRITABLE edge is armed) while the bytes held are at or above high.
  bool admit() {
    if (used_ < high_) return true;
    refused_ = true;
    return false;
  }
  // True if n more bytes stay within high (for budgets used as a hard cap).
  bool fits(uint64_t n) const { return n <= high_ && used_ <= high_ - n; }

  void add(uint64_t n) {
    used_ += n;
    peak_ = std::max(peak_, used_);
  }
  // True exactly once after a refusal, when the bytes held fall below low.
  bool release(uint64_t n) {
    used_ -= std::min(n, used_);
    if (!refused_ || used_ >= low_) return false;
    refused_ = false;
    return true;
  }
  void reset() { used_ = 0; }

  uint64_t used() const { return used_; }
  uint64_t peak() const { return peak_; }
  uint64_t high() const { return high_; }
  uint64_t low() const { return low_; }

 private:
  uint64_t high_;
  uint64_t low_;
  uint64_t used_ = 0;
  uint64_t peak_ = 0;
  bool refused_ = false;
};

}  // namespace tether
