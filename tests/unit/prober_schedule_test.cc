#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "prober_support.h"

namespace {

using namespace prober_test;
using Streams = std::vector<uint64_t>;

TEST(ProberSchedule, OnePerDeploymentRotatesThroughTheStreams) {
  Harness h(defaults());
  for (uint64_t s : {1, 2, 3}) ASSERT_EQ(h->add_stream(s, "a", 0), TETHER_OK);
  ASSERT_EQ(h->add_stream(10, "b", 0), TETHER_OK);
  uint64_t next = 0;
  auto pings = h.poll(0, &next);
  EXPECT_EQ(Harness::streams(pings), (Streams{1, 10}));
  EXPECT_EQ(next, 1 * kS);
  h.answer_all(pings, 1 * kMs);
  EXPECT_TRUE(h.poll(999 * kMs).empty());
  Streams expected[] = {{2, 10}, {3, 10}, {1, 10}, {2, 10}};
  for (uint64_t round = 1; round <= 4; ++round) {
    pings = h.poll(round * kS, &next);
    EXPECT_EQ(Harness::streams(pings), expected[round - 1]) << round;
    EXPECT_EQ(next, (round + 1) * kS);
    h.answer_all(pings, round * kS + kMs);
  }
  EXPECT_EQ(h.stats().pings_sent, 10u);
  EXPECT_EQ(h.stats().pongs_matched, 10u);
}

TEST(ProberSchedule, SampleOfNStreamsPerRound) {
  tether_prober_options o = defaults();
  o.selection = TETHER_PROBE_SAMPLE;
  o.sample_size = 2;
  Harness h(o);
  for (uint64_t s : {1, 2, 3}) ASSERT_EQ(h->add_stream(s, "a", 0), TETHER_OK);
  Streams expected[] = {{1, 2}, {3, 1}, {2, 3}};
  for (uint64_t round = 0; round < 3; ++round) {
    auto pings = h.poll(round * kS);
    EXPECT_EQ(Harness::streams(pings), expected[round]) << round;
    h.answer_all(pings, round * kS + kMs);
  }
}

TEST(ProberSchedule, AllStreamsButOnlyOnePingOutstandingPerStream) {
  tether_prober_options o = defaults();
  o.selection = TETHER_PROBE_ALL;
  Harness h(o);
  for (uint64_t s : {1, 2, 3}) ASSERT_EQ(h->add_stream(s, "a", 0), TETHER_OK);
  auto pings = h.poll(0);
  ASSERT_EQ(Harness::streams(pings), (Streams{1, 2, 3}));
  h.answer(pings[0], kMs);
  h.answer(pings[1], kMs);
  EXPECT_EQ(h.stats().outstanding, 1u);
  EXPECT_EQ(Harness::streams(h.poll(kS)), (Streams{1, 2}));  // 3 still waits for its Pong
  EXPECT_EQ(h.stats().outstanding, 3u);
}

TEST(ProberSchedule, EachPingHasAFreshNonce) {
  tether_prober_options o = defaults();
  o.selection = TETHER_PROBE_ALL;
  Harness h(o);
  for (uint64_t s : {1, 2}) ASSERT_EQ(h->add_stream(s, "a", 0), TETHER_OK);
  auto first = h.poll(0);
  h.answer_all(first, kMs);
  auto second = h.poll(kS);
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_NE(first[0].frame, first[1].frame);
  EXPECT_NE(first[0].frame, second[0].frame);
  EXPECT_EQ(first[0].frame.size(), 8u + 2u + 16u);
}

struct Recorder {
  std::vector<tether_prober_state_change> changes;
  std::vector<std::string> deployments;
  static void on_change(const tether_prober_state_change *change, void *self) {
    auto *me = static_cast<Recorder *>(self);
    me->changes.push_back(*change);
    me->deployments.emplace_back(change->deployment);
    me->changes.back().deployment = nullptr;  // valid during the callback only
  }
};

TEST(ProberSchedule, LostPongTimesOutAsAnRttOfTheTimeWaited) {
  Recorder recorder;
  tether_prober_options o = defaults();
  o.on_state_change = &Recorder::on_change;
  o.user_data = &recorder;
  Harness h(o);
  ASSERT_EQ(h->add_stream(1, "a", 0), TETHER_OK);
  uint64_t next = 0;
  auto lost = h.poll(0, &next);
  ASSERT_EQ(lost.size(), 1u);
  for (uint64_t t = 1; t <= 4; ++t) {
    EXPECT_TRUE(h.poll(t * kS, &next).empty()) << t;  // the Ping is still outstanding
  }
  EXPECT_EQ(next, 5 * kS);  // the round and the timeout coincide
  EXPECT_EQ(h.stats().timeouts, 0u);

  auto retry = h.poll(5500 * kMs, &next);  // polled late: waited 5.5 s
  EXPECT_EQ(h.stats().timeouts, 1u);
  ASSERT_EQ(Harness::streams(retry), (Streams{1}));  // the stream is free again at once
  EXPECT_EQ(next, 5700 * kMs);                       // congested: the 200 ms interval
  tether_rtt_summary summary{};
  ASSERT_EQ(h->summary("a", &summary), TETHER_OK);
  EXPECT_EQ(summary.count, 1u);
  EXPECT_EQ(summary.timeouts, 1u);
  EXPECT_EQ(summary.max_ns, 5500 * kMs);

  ASSERT_EQ(recorder.changes.size(), 1u);
  const tether_prober_state_change &c = recorder.changes[0];
  EXPECT_EQ(recorder.deployments[0], "a");
  EXPECT_EQ(c.from, TETHER_DEPLOYMENT_HEALTHY);
  EXPECT_EQ(c.to, TETHER_DEPLOYMENT_CONGESTED);
  EXPECT_EQ(c.at_ns, 5500 * kMs);
  EXPECT_EQ(c.window_samples, 1u);
  EXPECT_EQ(c.window_timeouts, 1u);
  EXPECT_DOUBLE_EQ(c.timeout_ratio, 1.0);
  EXPECT_EQ(c.max_ns, 5500 * kMs);

  h.answer(retry[0], 5600 * kMs);
  EXPECT_EQ(h.stats().pongs_matched, 1u);
  h.answer(lost[0], 6 * kS);   // the lost Pong arrives after its timeout
  h.answer(retry[0], 6 * kS);  // a duplicate
  EXPECT_EQ(h.stats().pongs_unexpected, 2u);
  EXPECT_EQ(h.stats().pongs_matched, 1u);
}

TEST(ProberSchedule, UnknownStreamsAndNoncesAreCountedAndIgnored) {
  Harness h(defaults());
  ASSERT_EQ(h->add_stream(1, "a", 0), TETHER_OK);
  auto pings = h.poll(0);
  ASSERT_EQ(pings.size(), 1u);
  const uint8_t *nonce = pings[0].frame.data() + 10;
  EXPECT_EQ(h->on_pong(99, nonce, 16, kMs), TETHER_OK);  // no such stream
  std::vector<uint8_t> other(nonce, nonce + 16);
  other[15] ^= 1;
  EXPECT_EQ(h->on_pong(1, other.data(), 16, kMs), TETHER_OK);  // a nonce never sent
  EXPECT_EQ(h->on_pong(1, nonce, 15, kMs), TETHER_OK);         // a prefix of the right one
  EXPECT_EQ(h->on_pong(1, nonce, 0, kMs), TETHER_OK);
  EXPECT_EQ(h.stats().pongs_unexpected, 4u);
  EXPECT_EQ(h.stats().outstanding, 1u);
  EXPECT_EQ(h->on_pong(1, nonce, 16, 2 * kMs), TETHER_OK);
  EXPECT_EQ(h.stats().pongs_matched, 1u);
  tether_rtt_summary summary{};
  ASSERT_EQ(h->summary("a", &summary), TETHER_OK);
  EXPECT_EQ(summary.count, 1u);
  EXPECT_EQ(summary.max_ns, 2 * kMs);
}

TEST(ProberSchedule, SpeedsUpWhileSuspectAndBacksOffWhenHealthy) {
  Recorder recorder;
  tether_prober_options o = defaults();
  o.suspect_interval_ns = 100 * kMs;
  o.window_ns = 250 * kMs;
  o.degraded_rtt_ns = 50 * kMs;
  o.recover_after = 2;
  o.on_state_change = &Recorder::on_change;
  o.user_data = &recorder;
  Harness h(o);
  ASSERT_EQ(h->add_stream(1, "a", 0), TETHER_OK);
  uint64_t next = 0;
  auto pings = h.poll(0, &next);
  EXPECT_EQ(next, 1 * kS);
  h.answer_all(pings, 60 * kMs);  // 60 ms: degraded
  ASSERT_EQ(recorder.changes.size(), 1u);
  EXPECT_EQ(recorder.changes[0].to, TETHER_DEPLOYMENT_DEGRADED);
  EXPECT_EQ(recorder.changes[0].quantile_ns, 60 * kMs);
  EXPECT_TRUE(h.poll(60 * kMs, &next).empty());
  EXPECT_EQ(next, 100 * kMs);  // the next round moved in to the short interval

  // Fast Pongs from now on; the 60 ms sample leaves the window at 310 ms, and the
  // second healthy evaluation after that (501 ms) makes the deployment healthy.
  for (uint64_t t = 100; t <= 500; t += 100) {
    pings = h.poll(t * kMs, &next);
    ASSERT_EQ(pings.size(), 1u) << t;
    EXPECT_EQ(next, (t + 100) * kMs) << t;
    h.answer_all(pings, (t + 1) * kMs);
    EXPECT_EQ(recorder.changes.size(), t < 500 ? 1u : 2u) << t;
  }
  EXPECT_EQ(recorder.changes[1].from, TETHER_DEPLOYMENT_DEGRADED);
  EXPECT_EQ(recorder.changes[1].to, TETHER_DEPLOYMENT_HEALTHY);
  EXPECT_EQ(recorder.changes[1].at_ns, 501 * kMs);
  EXPECT_EQ(recorder.changes[1].window_samples, 3u);

  // Back off: the interval doubles each round up to the base 1 s.
  uint64_t rounds[] = {600, 800, 1200, 2000, 3000, 4000};
  for (size_t i = 0; i + 1 < std::size(rounds); ++i) {
    pings = h.poll(rounds[i] * kMs, &next);
    ASSERT_EQ(pings.size(), 1u) << rounds[i];
    EXPECT_EQ(next, rounds[i + 1] * kMs) << rounds[i];
    h.answer_all(pings, rounds[i] * kMs + kMs);
  }
}

TEST(ProberSchedule, NextDeadlineIsTheEarlierOfRoundAndTimeout) {
  tether_prober_options o = defaults();
  o.interval_ns = o.suspect_interval_ns = 10 * kS;
  o.pong_timeout_ns = 2 * kS;
  Harness h(o);
  uint64_t next = 0;
  EXPECT_TRUE(h.poll(0, &next).empty());
  EXPECT_EQ(next, UINT64_MAX);  // nothing to probe
  ASSERT_EQ(h->add_stream(1, "a", 0), TETHER_OK);
  EXPECT_EQ(h.poll(0, &next).size(), 1u);
  EXPECT_EQ(next, 2 * kS);
  EXPECT_TRUE(h.poll(2 * kS, &next).empty());
  EXPECT_EQ(h.stats().timeouts, 1u);
  EXPECT_EQ(next, 10 * kS);
}

TEST(ProberSchedule, RemovedStreamsLeaveTheRotationAndTheirPingIsForgotten) {
  tether_prober_options o = defaults();
  o.pong_timeout_ns = 2 * kS;
  Harness h(o);
  for (uint64_t s : {1, 2, 3}) ASSERT_EQ(h->add_stream(s, "a", 0), TETHER_OK);
  auto pings = h.poll(0);
  ASSERT_EQ(Harness::streams(pings), (Streams{1}));
  ASSERT_EQ(h->remove_stream(1), TETHER_OK);
  ASSERT_EQ(h->remove_stream(2), TETHER_OK);
  EXPECT_EQ(Harness::streams(h.poll(kS)), (Streams{3}));
  EXPECT_EQ(h.stats().timeouts, 0u);
  h.answer(pings[0], kS);  // its stream is gone
  EXPECT_EQ(h.stats().pongs_unexpected, 1u);
  EXPECT_EQ(h.stats().streams, 1u);
  EXPECT_EQ(h.stats().outstanding, 1u);
  ASSERT_EQ(h->add_stream(1, "a", kS), TETHER_OK);  // an id may come back
  EXPECT_EQ(h.stats().streams, 2u);
}

}  // namespace
