#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <random>
#include <vector>

#include "prober/classifier.h"
#include "prober/prober.h"

namespace {

using tether::Classifier;
using tether::WindowFigures;

constexpr uint64_t kMs = 1'000'000;
constexpr auto kHealthy = TETHER_DEPLOYMENT_HEALTHY;
constexpr auto kDegraded = TETHER_DEPLOYMENT_DEGRADED;
constexpr auto kCongested = TETHER_DEPLOYMENT_CONGESTED;

// Thresholds 100 ms / 1 s, exit at 80%; with a one-sample window each evaluation
// sees exactly the sample just added.
tether_prober_options one_sample_options() {
  tether_prober_options o;
  tether::prober_default_options(&o);
  o.window_max_samples = 1;
  o.recover_after = 1;
  return o;
}

struct Feed {
  explicit Feed(Classifier &classifier) : c(classifier) {}
  Classifier &c;
  uint64_t now = 0;
  WindowFigures last;
  bool rtt(uint64_t ns) { return c.add(now += kMs, ns, false, &last); }
  bool timeout(uint64_t ns = 5000 * kMs) { return c.add(now += kMs, ns, true, &last); }
};

TEST(Classifier, EveryTransitionAndItsExitThreshold) {
  tether_prober_options o = one_sample_options();
  Classifier c(o, tether::Allocator());
  Feed f(c);
  EXPECT_FALSE(f.rtt(50 * kMs));
  EXPECT_EQ(c.state(), kHealthy);
  EXPECT_TRUE(f.rtt(100 * kMs));  // thresholds are inclusive
  EXPECT_EQ(c.state(), kDegraded);
  EXPECT_FALSE(f.rtt(85 * kMs));  // above the 80 ms exit threshold: stays
  EXPECT_EQ(c.state(), kDegraded);
  EXPECT_TRUE(f.rtt(79 * kMs));  // degraded -> healthy
  EXPECT_EQ(c.state(), kHealthy);
  EXPECT_FALSE(f.rtt(99 * kMs));   // below the entry threshold: stays healthy
  EXPECT_TRUE(f.rtt(1000 * kMs));  // healthy -> congested
  EXPECT_EQ(c.state(), kCongested);
  EXPECT_FALSE(f.rtt(850 * kMs));  // above 800 ms: stays congested
  EXPECT_TRUE(f.rtt(799 * kMs));   // congested -> degraded
  EXPECT_EQ(c.state(), kDegraded);
  EXPECT_TRUE(f.rtt(2000 * kMs));  // degraded -> congested
  EXPECT_EQ(c.state(), kCongested);
  EXPECT_TRUE(f.rtt(1 * kMs));  // congested -> healthy
  EXPECT_EQ(c.state(), kHealthy);
}

TEST(Classifier, TimeoutRatiosClassifyOverTheWindow) {
  tether_prober_options o;
  tether::prober_default_options(&o);
  o.window_max_samples = 4;
  o.degraded_timeout_ratio = 0.25;
  o.congested_timeout_ratio = 0.5;
  o.congested_rtt_ns = o.degraded_rtt_ns = 60'000 * kMs;  // only timeouts count here
  o.recover_after = 1;
  Classifier c(o, tether::Allocator());
  Feed f(c);
  for (int i = 0; i < 3; ++i) f.rtt(kMs);
  EXPECT_TRUE(f.timeout());  // 1 of 4
  EXPECT_EQ(c.state(), kDegraded);
  EXPECT_EQ(f.last.timeouts, 1u);
  EXPECT_DOUBLE_EQ(f.last.timeout_ratio, 0.25);
  EXPECT_TRUE(f.timeout());  // 2 of 4
  EXPECT_EQ(c.state(), kCongested);
  EXPECT_FALSE(f.rtt(kMs));  // still 2 of 4
  EXPECT_FALSE(f.rtt(kMs));  // still 2 of 4: the oldest sample left was an RTT
  EXPECT_TRUE(f.rtt(kMs));   // 1 of 4: under the 0.4 exit ratio -> degraded
  EXPECT_EQ(c.state(), kDegraded);
  EXPECT_TRUE(f.rtt(kMs));  // 0 of 4 -> healthy
  EXPECT_EQ(c.state(), kHealthy);
}

TEST(Classifier, EscalateAfterConsecutiveEvaluations) {
  tether_prober_options o = one_sample_options();
  o.escalate_after = 3;
  Classifier c(o, tether::Allocator());
  Feed f(c);
  EXPECT_FALSE(f.rtt(200 * kMs));
  EXPECT_TRUE(c.suspect());  // calls for worse: probed faster already
  EXPECT_FALSE(f.rtt(200 * kMs));
  EXPECT_FALSE(f.rtt(1 * kMs));  // the streak breaks
  EXPECT_FALSE(c.suspect());
  EXPECT_FALSE(f.rtt(200 * kMs));
  EXPECT_FALSE(f.rtt(2000 * kMs));  // degraded or worse both count for the streak
  EXPECT_TRUE(f.rtt(200 * kMs));
  EXPECT_EQ(c.state(), kDegraded);  // the state the last evaluation called for
}

TEST(Classifier, RecoverAfterConsecutiveEvaluations) {
  tether_prober_options o = one_sample_options();
  o.recover_after = 3;
  Classifier c(o, tether::Allocator());
  Feed f(c);
  EXPECT_TRUE(f.rtt(2000 * kMs));
  EXPECT_FALSE(f.rtt(kMs));
  EXPECT_FALSE(f.rtt(kMs));
  EXPECT_FALSE(f.rtt(2000 * kMs));  // back to congested figures: the streak restarts
  EXPECT_FALSE(f.rtt(kMs));
  EXPECT_FALSE(f.rtt(200 * kMs));  // calls for degraded: still better, the streak goes on
  EXPECT_TRUE(f.rtt(kMs));
  EXPECT_EQ(c.state(), kHealthy);
  EXPECT_FALSE(c.suspect());
}

TEST(Classifier, MinSamplesHoldsBackEscalationOnly) {
  tether_prober_options o;
  tether::prober_default_options(&o);
  o.min_samples = 3;
  o.recover_after = 1;
  o.window_ns = 10 * kMs;  // samples 1 ms apart: at most 10 in the window
  Classifier c(o, tether::Allocator());
  Feed f(c);
  EXPECT_FALSE(f.rtt(500 * kMs));
  EXPECT_FALSE(f.rtt(500 * kMs));
  EXPECT_TRUE(f.rtt(500 * kMs));
  EXPECT_EQ(c.state(), kDegraded);
  EXPECT_EQ(f.last.samples, 3u);
}

TEST(Classifier, SamplesLeaveTheWindowWithTime) {
  tether_prober_options o;
  tether::prober_default_options(&o);
  o.window_ns = 100 * kMs;
  o.recover_after = 1;
  Classifier c(o, tether::Allocator());
  WindowFigures f;
  EXPECT_TRUE(c.add(0, 300 * kMs, false, &f));
  EXPECT_FALSE(c.add(99 * kMs, kMs, false, &f));  // p90 of {1, 300} is 300
  EXPECT_EQ(c.full_figures().samples, 2u);
  EXPECT_TRUE(c.add(100 * kMs, kMs, false, &f));  // the 300 ms sample is 100 ms old: gone
  EXPECT_EQ(f.samples, 2u);
  EXPECT_EQ(f.max_ns, kMs);
  EXPECT_EQ(c.state(), kHealthy);
}

TEST(Classifier, FiguresAreExactQuantilesOfTheWindow) {
  tether_prober_options o;
  tether::prober_default_options(&o);
  o.quantile = 0.5;
  Classifier c(o, tether::Allocator());
  WindowFigures f;
  for (uint64_t i = 1; i <= 100; ++i) EXPECT_FALSE(c.add(i, i * kMs, false, &f));
  f = c.full_figures();
  EXPECT_EQ(f.samples, 100u);
  EXPECT_EQ(f.p50_ns, 50 * kMs);
  EXPECT_EQ(f.quantile_ns, 50 * kMs);
  EXPECT_EQ(f.p90_ns, 90 * kMs);
  EXPECT_EQ(f.p99_ns, 99 * kMs);
  EXPECT_EQ(f.max_ns, 100 * kMs);
  EXPECT_EQ(c.state(), kHealthy);  // p50 = 50 ms < 100 ms
}

// The classifier counts samples below its thresholds instead of selecting the
// quantile at every sample: the states it reaches must be those of the definition
// (the window's exact quantile compared with the thresholds), on random windows.
TEST(Classifier, CountingAgreesWithTheExactQuantileOnRandomWindows) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 50; ++round) {
    tether_prober_options o;
    tether::prober_default_options(&o);
    o.window_max_samples = 1 + random() % 64;
    o.window_ns = (1 + random() % 200) * kMs;
    o.quantile = std::vector<double>{0.5, 0.9, 0.99, 1.0}[random() % 4];
    o.escalate_after = o.recover_after = 1;
    o.exit_fraction = 0.8;
    Classifier c(o, tether::Allocator());
    std::deque<std::pair<uint64_t, uint64_t>> window;  // (at, rtt)
    tether_deployment_state state = kHealthy;
    uint64_t now = 0;
    for (int i = 0; i < 400; ++i) {
      now += random() % (5 * kMs);
      uint64_t rtt = random() % (3 * o.congested_rtt_ns / 2);
      WindowFigures f;
      c.add(now, rtt, false, &f);
      if (window.size() >= o.window_max_samples) window.pop_front();
      window.emplace_back(now, rtt);
      while (now - window.front().first >= o.window_ns) window.pop_front();
      std::vector<uint64_t> rtts;
      for (const auto &sample : window) rtts.push_back(sample.second);
      std::sort(rtts.begin(), rtts.end());
      size_t rank = static_cast<size_t>(std::ceil(o.quantile * double(rtts.size())));
      double q = double(rtts[std::clamp<size_t>(rank, 1, rtts.size()) - 1]);
      auto reaches = [&](tether_deployment_state level, uint64_t threshold) {
        return q >= double(threshold) * (state >= level ? o.exit_fraction : 1.0);
      };
      state = reaches(kCongested, o.congested_rtt_ns) ? kCongested
              : reaches(kDegraded, o.degraded_rtt_ns) ? kDegraded
                                                      : kHealthy;
      ASSERT_EQ(c.state(), state) << "round " << round << " sample " << i;
    }
  }
}

}  // namespace
