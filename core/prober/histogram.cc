#include "prober/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tether {

size_t RttHistogram::bucket_of(uint64_t ns) {
  if (ns >= kLimitNs) ns = kLimitNs - 1;
  if (ns < kSubCount) return static_cast<size_t>(ns);
  int exponent = 63 - std::countl_zero(ns);  // >= kSubBits
  uint64_t sub = (ns >> (exponent - kSubBits)) - kSubCount;
  return static_cast<size_t>((exponent - kSubBits + 1) * kSubCount + sub);
}

uint64_t RttHistogram::bucket_low(size_t index) {
  if (index < kSubCount) return index;
  int exponent = static_cast<int>(index / kSubCount) + kSubBits - 1;
  uint64_t sub = index % kSubCount;
  return (kSubCount + sub) << (exponent - kSubBits);
}

uint64_t RttHistogram::bucket_high(size_t index) {
  if (index < kSubCount) return index;
  int exponent = static_cast<int>(index / kSubCount) + kSubBits - 1;
  return bucket_low(index) + (uint64_t{1} << (exponent - kSubBits)) - 1;
}

void RttHistogram::record(uint64_t ns, uint64_t count) {
  if (count == 0) return;
  size_t index = bucket_of(ns);
  buckets_[index] += count;
  groups_[index / kSubCount] += count;
  count_ += count;
  uint64_t added;
  if (__builtin_mul_overflow(ns, count, &added) ||
      __builtin_add_overflow(sum_ns_, added, &sum_ns_)) {
    sum_ns_ = UINT64_MAX;
  }
  if (ns < min_ns_) min_ns_ = ns;
  if (ns > max_ns_) max_ns_ = ns;
}

void RttHistogram::merge(const RttHistogram &other) {
  for (size_t g = 0; g < kGroups; ++g) {
    if (other.groups_[g] == 0) continue;
    groups_[g] += other.groups_[g];
    for (size_t i = g * kSubCount; i < (g + 1) * kSubCount; ++i) buckets_[i] += other.buckets_[i];
  }
  count_ += other.count_;
  if (__builtin_add_overflow(sum_ns_, other.sum_ns_, &sum_ns_)) sum_ns_ = UINT64_MAX;
  if (other.min_ns_ < min_ns_) min_ns_ = other.min_ns_;
  if (other.max_ns_ > max_ns_) max_ns_ = other.max_ns_;
}

uint64_t RttHistogram::quantile_ns(double q) const {
  if (count_ == 0) return 0;
  if (!(q > 0)) return min_ns_;
  if (q >= 1) return max_ns_;
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  size_t g = 0;
  while (g + 1 < kGroups && seen + groups_[g] < rank) seen += groups_[g++];
  for (size_t i = g * kSubCount; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      uint64_t low = bucket_low(i);
      uint64_t middle = low + (bucket_high(i) - low) / 2;
      if (middle < min_ns_) return min_ns_;
      return middle > max_ns_ ? max_ns_ : middle;
    }
  }
  return max_ns_;
}

uint64_t RttHistogram::sum_range(size_t first, size_t n) const {
  uint64_t total = 0;
  size_t end = first + n;
  while (first < end) {
    size_t g = first / kSubCount, group_end = (g + 1) * kSubCount;
    if (first == g * kSubCount && group_end <= end) {
      total += groups_[g];
      first = group_end;
    } else if (groups_[g] == 0) {
      first = std::min(group_end, end);
    } else {
      total += buckets_[first++];
    }
  }
  return total;
}

uint64_t RttHistogram::count_at_or_below(uint64_t ns) const {
  if (ns >= kLimitNs) return count_;
  return sum_range(0, bucket_of(ns) + 1);
}

void RttHistogram::counts_at_or_below(const uint64_t *bounds, size_t n, uint64_t *out) const {
  uint64_t total = 0;
  size_t next = 0;  // the next bucket to add
  for (size_t b = 0; b < n; ++b) {
    if (bounds[b] >= kLimitNs) {
      out[b] = count_;
      continue;
    }
    size_t last = bucket_of(bounds[b]);
    if (last >= next) {
      total += sum_range(next, last + 1 - next);
      next = last + 1;
    }
    out[b] = total;
  }
}

}  // namespace tether
