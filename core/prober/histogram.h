// A log-linear (HDR-like) histogram of durations in nanoseconds: exact below 128 ns,
// then 128 linear sub-buckets per power of two, so a quantile read back is within
// 1/256 (0.4%) of a recorded value from 1 us up to 2^36 ns (68.7 s). Fixed storage,
// no allocation; two histograms merge by adding their buckets. Each run of 128
// sub-buckets keeps its total too, so reads and merges skip empty runs instead of
// walking all 3,840 buckets. Used for Ping/Pong RTTs and usable for any other RTT
// series (e.g. HTTP/2 PING).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tether {

class RttHistogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr uint64_t kSubCount = uint64_t{1} << kSubBits;
  static constexpr int kMaxExponent = 35;  // the top bucket ends at 2^36 ns
  static constexpr uint64_t kLimitNs = uint64_t{1} << (kMaxExponent + 1);
  static constexpr size_t kBuckets = kSubCount * (kMaxExponent - kSubBits + 2);

  // Values at or above kLimitNs land in the top bucket; max() stays exact.
  void record(uint64_t ns, uint64_t count = 1);
  void merge(const RttHistogram &other);
  void reset() { *this = RttHistogram{}; }

  uint64_t count() const { return count_; }
  uint64_t sum_ns() const { return sum_ns_; }  // saturates instead of wrapping
  uint64_t min_ns() const { return count_ ? min_ns_ : 0; }
  uint64_t max_ns() const { return max_ns_; }
  // The value at rank ceil(q * count) (q in [0, 1]): the middle of its bucket,
  // clamped to [min, max]. 0 when empty.
  uint64_t quantile_ns(double q) const;
  // Samples whose bucket starts at or below ns: exact for values in buckets wholly
  // on one side of ns, so within one bucket width (< 0.8%) of ns. For exposition.
  uint64_t count_at_or_below(uint64_t ns) const;
  // The same for n ascending bounds in one pass over the buckets.
  void counts_at_or_below(const uint64_t *bounds, size_t n, uint64_t *out) const;

  static size_t bucket_of(uint64_t ns);
  static uint64_t bucket_low(size_t index);   // smallest value of the bucket
  static uint64_t bucket_high(size_t index);  // largest value of the bucket

 private:
  static constexpr size_t kGroups = kBuckets / kSubCount;
  // The samples of buckets [first, first + n): whole groups where they fit.
  uint64_t sum_range(size_t first, size_t n) const;

  std::array<uint64_t, kBuckets> buckets_{};
  std::array<uint64_t, kGroups> groups_{};  // groups_[g]: buckets g*128 .. g*128+127
  uint64_t count_ = 0;
  uint64_t sum_ns_ = 0;
  uint64_t min_ns_ = UINT64_MAX;
  uint64_t max_ns_ = 0;
};

}  // namespace tether
