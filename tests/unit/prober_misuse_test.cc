#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "prober_support.h"

namespace {

using namespace prober_test;

std::string message(Harness &h) { return h->error().message(); }

TEST(ProberMisuse, BadStreamsAndDeploymentsAreRefusedWithAReason) {
  tether_prober_options o = defaults();
  o.max_streams = 2;
  o.max_deployments = 1;
  Harness h(o);
  EXPECT_EQ(h->add_stream(1, "", 0), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(message(h).find("deployment id of 0 bytes"), std::string::npos) << message(h);
  EXPECT_EQ(h->add_stream(1, std::string(256, 'x'), 0), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(message(h).find("256 bytes"), std::string::npos);
  ASSERT_EQ(h->add_stream(1, std::string(255, 'x'), 0), TETHER_OK);
  EXPECT_EQ(h->add_stream(1, "a", 0), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(message(h).find("stream 1 was already added"), std::string::npos);
  EXPECT_EQ(h->add_stream(2, "b", 0), TETHER_QUEUE_FULL);
  EXPECT_NE(message(h).find("max_deployments"), std::string::npos);
  ASSERT_EQ(h->add_stream(2, std::string(255, 'x'), 0), TETHER_OK);
  EXPECT_EQ(h->add_stream(3, std::string(255, 'x'), 0), TETHER_QUEUE_FULL);
  EXPECT_NE(message(h).find("max_streams"), std::string::npos);
  EXPECT_EQ(h->remove_stream(7), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(message(h).find("stream 7 is not probed"), std::string::npos);
  EXPECT_EQ(h.stats().streams, 2u);

  tether_deployment_state state;
  EXPECT_EQ(h->state("nope", &state), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(message(h).find("unknown deployment 'nope'"), std::string::npos);
  tether_rtt_summary summary{};
  EXPECT_EQ(h->summary("nope", &summary), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->histogram("nope"), nullptr);
}

TEST(ProberMisuse, TheClockMayNotGoBackwards) {
  Harness h(defaults());
  ASSERT_EQ(h->add_stream(1, "a", 10 * kS), TETHER_OK);
  const tether_ping *pings;
  size_t count;
  EXPECT_EQ(h->poll(9 * kS, &pings, &count, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(message(h).find("went backwards"), std::string::npos);
  EXPECT_EQ(count, 0u);
  uint8_t nonce[16] = {};
  EXPECT_EQ(h->on_pong(1, nonce, 16, 9 * kS), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->add_stream(2, "a", 9 * kS), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->poll(10 * kS, &pings, &count, nullptr), TETHER_OK);
  EXPECT_EQ(count, 1u);
  EXPECT_STREQ(h->error().message(), "");  // a good call clears the last error
}

TEST(ProberMisuse, NullBuffersAndMalformedPongs) {
  Harness h(defaults());
  ASSERT_EQ(h->add_stream(1, "a", 0), TETHER_OK);
  EXPECT_EQ(h->on_pong(1, nullptr, 3, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(message(h).find("nonce is NULL"), std::string::npos);
  EXPECT_EQ(h->on_pong_message(1, nullptr, 3, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->on_pong_message(1, nullptr, 0, 0), TETHER_BAD_MESSAGE);  // an empty Pong
  EXPECT_NE(message(h).find("no nonce"), std::string::npos);
  const uint8_t truncated[] = {0x0a, 0x10, 1, 2};
  EXPECT_EQ(h->on_pong_message(1, truncated, sizeof truncated, 0), TETHER_BAD_MESSAGE);
  EXPECT_NE(message(h).find("runs past the end"), std::string::npos);
  // A malformed Pong fails that call only: the prober goes on.
  EXPECT_EQ(h.poll(0).size(), 1u);
  EXPECT_EQ(h.stats().pongs_unexpected, 0u);
}

TEST(ProberMisuse, InvalidOptionsAreRefused) {
  std::function<void(tether_prober_options &)> breakers[] = {
      [](auto &o) { o.selection = static_cast<tether_probe_selection>(7); },
      [](auto &o) {
        o.selection = TETHER_PROBE_SAMPLE;
        o.sample_size = 0;
      },
      [](auto &o) { o.interval_ns = 0; },
      [](auto &o) { o.suspect_interval_ns = 0; },
      [](auto &o) { o.suspect_interval_ns = o.interval_ns + 1; },
      [](auto &o) { o.pong_timeout_ns = 0; },
      [](auto &o) { o.window_ns = 0; },
      [](auto &o) { o.window_max_samples = 0; },
      [](auto &o) { o.quantile = 0; },
      [](auto &o) { o.quantile = 1.5; },
      [](auto &o) { o.degraded_rtt_ns = 0; },
      [](auto &o) { o.congested_rtt_ns = o.degraded_rtt_ns - 1; },
      [](auto &o) { o.degraded_timeout_ratio = 0; },
      [](auto &o) { o.congested_timeout_ratio = 1.5; },
      [](auto &o) { o.congested_timeout_ratio = o.degraded_timeout_ratio / 2; },
      [](auto &o) { o.exit_fraction = 0; },
      [](auto &o) { o.exit_fraction = 1.01; },
      [](auto &o) { o.escalate_after = 0; },
      [](auto &o) { o.recover_after = 0; },
      [](auto &o) { o.max_streams = 0; },
      [](auto &o) { o.max_deployments = 0; },
      [](auto &o) { o.allocator.malloc_fn = [](size_t, void *) -> void * { return nullptr; }; },
  };
  const char *names[] = {"selection",
                         "sample_size",
                         "interval_ns",
                         "suspect_interval_ns",
                         "suspect_interval_ns",
                         "pong_timeout_ns",
                         "window_ns",
                         "window_max_samples",
                         "quantile",
                         "quantile",
                         "degraded_rtt_ns",
                         "congested_rtt_ns",
                         "timeout ratios",
                         "timeout ratios",
                         "congested_timeout_ratio",
                         "exit_fraction",
                         "exit_fraction",
                         "escalate_after",
                         "recover_after",
                         "max_streams",
                         "max_deployments",
                         "allocator"};
  static_assert(std::size(names) == std::size(breakers));
  EXPECT_EQ(tether::prober_options_problem(defaults()), nullptr);
  int index = 0;
  for (auto &breaker : breakers) {
    tether_prober_options o = defaults();
    breaker(o);
    const char *problem = tether::prober_options_problem(o);
    ASSERT_NE(problem, nullptr) << index;
    EXPECT_NE(std::string(problem).find(names[index]), std::string::npos) << problem;
    tether_status status = TETHER_OK;
    EXPECT_EQ(tether::Prober::create(&o, &status), nullptr) << index;
    EXPECT_EQ(status, TETHER_INVALID_ARGUMENT) << index;
    ++index;
  }
}

struct Reentrant {
  tether::Prober *prober = nullptr;
  tether_status poll_status = TETHER_OK;
  tether_status add_status = TETHER_OK;
  tether_status state_status = TETHER_INTERNAL;
  tether_deployment_state seen = TETHER_DEPLOYMENT_HEALTHY;
  static void on_change(const tether_prober_state_change *change, void *self) {
    auto *me = static_cast<Reentrant *>(self);
    const tether_ping *pings;
    size_t count;
    me->poll_status = me->prober->poll(change->at_ns, &pings, &count, nullptr);
    me->add_status = me->prober->add_stream(99, "b", change->at_ns);
    me->state_status = me->prober->state(change->deployment, &me->seen);
  }
};

TEST(ProberMisuse, TheCallbackMayQueryButNotChangeTheProber) {
  Reentrant reentrant;
  tether_prober_options o = defaults();
  o.on_state_change = &Reentrant::on_change;
  o.user_data = &reentrant;
  Harness h(o);
  reentrant.prober = &*h;
  ASSERT_EQ(h->add_stream(1, "a", 0), TETHER_OK);
  auto pings = h.poll(0);
  h.answer(pings[0], 2 * kS);  // 2 s: congested, the callback runs inside on_pong
  EXPECT_EQ(reentrant.poll_status, TETHER_INVALID_STATE);
  EXPECT_EQ(reentrant.add_status, TETHER_INVALID_STATE);
  EXPECT_EQ(reentrant.state_status, TETHER_OK);
  EXPECT_EQ(reentrant.seen, TETHER_DEPLOYMENT_CONGESTED);
  EXPECT_EQ(h.stats().streams, 1u);
  EXPECT_EQ(h.poll(2 * kS).size(), 1u);  // usable again after the callback
}

}  // namespace
