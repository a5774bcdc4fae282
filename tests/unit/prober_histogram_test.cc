#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "prober/histogram.h"

namespace {

using tether::RttHistogram;

// The exact quantile with the histogram's rank rule: the value at rank ceil(q * n).
uint64_t exact_quantile(std::vector<uint64_t> sorted, double q) {
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

TEST(RttHistogram, BucketsTileTheRangeWithoutGaps) {
  for (size_t i = 0; i + 1 < RttHistogram::kBuckets; ++i) {
    ASSERT_EQ(RttHistogram::bucket_high(i) + 1, RttHistogram::bucket_low(i + 1)) << i;
    ASSERT_EQ(RttHistogram::bucket_of(RttHistogram::bucket_low(i)), i);
    ASSERT_EQ(RttHistogram::bucket_of(RttHistogram::bucket_high(i)), i);
  }
  EXPECT_EQ(RttHistogram::bucket_high(RttHistogram::kBuckets - 1), RttHistogram::kLimitNs - 1);
  // Every bucket from 1 us up is narrower than 1/128 of its lowest value.
  for (size_t i = RttHistogram::bucket_of(1000); i < RttHistogram::kBuckets; ++i) {
    uint64_t width = RttHistogram::bucket_high(i) - RttHistogram::bucket_low(i) + 1;
    ASSERT_LE(width * 128, RttHistogram::bucket_low(i)) << i;
  }
}

TEST(RttHistogram, QuantilesWithinOnePercentOfExactOnRandomSamples) {
  std::mt19937_64 random(20261123);
  // Log-uniform over 1 us .. 60 s, plus a tight cluster and a heavy tail.
  std::uniform_real_distribution<double> log_range(std::log(1e3), std::log(60e9));
  std::normal_distribution<double> cluster(2e6, 1e5);
  std::exponential_distribution<double> tail(1.0 / 50e6);
  for (int distribution = 0; distribution < 3; ++distribution) {
    for (int trial = 0; trial < 20; ++trial) {
      RttHistogram h;
      std::vector<uint64_t> values;
      size_t n = 1 + random() % 5000;
      for (size_t i = 0; i < n; ++i) {
        double x = distribution == 0   ? std::exp(log_range(random))
                   : distribution == 1 ? std::max(1e3, cluster(random))
                                       : 1e3 + tail(random);
        auto v = static_cast<uint64_t>(std::min(x, 60e9));
        values.push_back(v);
        h.record(v);
      }
      std::sort(values.begin(), values.end());
      for (double q : {0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) {
        double exact = static_cast<double>(exact_quantile(values, q));
        double got = static_cast<double>(h.quantile_ns(q));
        ASSERT_LE(std::abs(got - exact), 0.01 * exact)
            << "distribution " << distribution << " q " << q << " n " << n;
      }
      EXPECT_EQ(h.count(), n);
      EXPECT_EQ(h.min_ns(), values.front());
      EXPECT_EQ(h.max_ns(), values.back());
    }
  }
}

TEST(RttHistogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 random(7);
  RttHistogram a, b, all;
  for (int i = 0; i < 1000; ++i) {
    uint64_t v = 1000 + random() % 1'000'000'000;
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.sum_ns(), all.sum_ns());
  EXPECT_EQ(a.min_ns(), all.min_ns());
  EXPECT_EQ(a.max_ns(), all.max_ns());
  for (double q : {0.5, 0.9, 0.99}) EXPECT_EQ(a.quantile_ns(q), all.quantile_ns(q));
}

TEST(RttHistogram, EmptyClampedAndCounts) {
  RttHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantile_ns(0.5), 0u);
  EXPECT_EQ(h.min_ns(), 0u);
  EXPECT_EQ(h.max_ns(), 0u);

  h.record(500);                // below 1 us: exact
  h.record(90'000'000'000, 2);  // above the range: top bucket, max exact
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.quantile_ns(0.1), 500u);
  EXPECT_EQ(h.quantile_ns(1.0), 90'000'000'000u);
  EXPECT_EQ(h.sum_ns(), 500u + 180'000'000'000u);
  EXPECT_EQ(h.count_at_or_below(1000), 1u);
  EXPECT_EQ(h.count_at_or_below(UINT64_MAX), 3u);

  h.record(UINT64_MAX, 2);  // the sum saturates instead of wrapping
  EXPECT_EQ(h.sum_ns(), UINT64_MAX);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.sum_ns(), 0u);
}

TEST(RttHistogram, CountAtOrBelowIsExactAwayFromTheBoundary) {
  RttHistogram h;
  h.record(900'000);    // 0.9 ms
  h.record(1'100'000);  // 1.1 ms
  h.record(40'000'000);
  EXPECT_EQ(h.count_at_or_below(1'000'000), 1u);
  EXPECT_EQ(h.count_at_or_below(2'000'000), 2u);
  EXPECT_EQ(h.count_at_or_below(50'000'000), 3u);
  EXPECT_EQ(h.count_at_or_below(100), 0u);
  const uint64_t bounds[] = {100, 1'000'000, 2'000'000, 50'000'000, UINT64_MAX};
  uint64_t counts[5];
  h.counts_at_or_below(bounds, 5, counts);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(counts[i], h.count_at_or_below(bounds[i])) << i;
}

// Reads skip empty runs of 128 buckets and add whole runs by their totals: every bucket
// boundary, read alone and in one ascending pass, agrees with counting the samples.
TEST(RttHistogram, CountsAtEveryBucketAgreeWithCountingTheSamples) {
  std::mt19937_64 random(11);
  RttHistogram h, merged;
  std::vector<size_t> buckets;
  for (int i = 0; i < 300; ++i) {
    uint64_t v = random() >> (random() % 64);  // spread over every exponent
    h.record(v);
    buckets.push_back(RttHistogram::bucket_of(v));
  }
  merged.merge(h);
  std::sort(buckets.begin(), buckets.end());
  std::vector<uint64_t> bounds, counts(RttHistogram::kBuckets);
  for (size_t i = 0; i < RttHistogram::kBuckets; ++i) bounds.push_back(RttHistogram::bucket_low(i));
  merged.counts_at_or_below(bounds.data(), bounds.size(), counts.data());
  for (size_t i = 0; i < RttHistogram::kBuckets; ++i) {
    auto expected = static_cast<uint64_t>(std::upper_bound(buckets.begin(), buckets.end(), i) -
                                          buckets.begin());
    ASSERT_EQ(h.count_at_or_below(RttHistogram::bucket_high(i)), expected) << i;
    ASSERT_EQ(counts[i], expected) << i;
  }
  for (double q = 0.005; q < 1; q += 0.01) {
    auto rank = static_cast<size_t>(std::ceil(q * 300));
    size_t bucket = buckets[rank - 1];
    uint64_t got = merged.quantile_ns(q);
    ASSERT_TRUE(got >= std::max(RttHistogram::bucket_low(bucket), merged.min_ns()) &&
                got <= std::min(RttHistogram::bucket_high(bucket), merged.max_ns()))
        << q;
  }
}

}  // namespace
