// The prober against a real SDK-side session, both sans-I/O on one fake clock: a
// Pong comes back only when the session's dispatch step runs, so a dispatch loop
// held for T shows as an RTT of T and a congested deployment, and recovers after.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tether.h"

namespace {

constexpr uint64_t kMs = 1'000'000;

struct Loop {
  tether_prober *prober = nullptr;
  tether_session *session = nullptr;
  tether_decoder *replies = nullptr;  // the runtime's side of the session's output
  std::vector<std::string> changes;

  static void on_change(const tether_prober_state_change *c, void *self) {
    static_cast<Loop *>(self)->changes.push_back(std::string(tether_deployment_state_name(c->to)) +
                                                 "@" + std::to_string(c->at_ns / kMs));
  }

  Loop() {
    tether_prober_options options;
    tether_prober_options_init(&options);
    options.window_ns = 2000 * kMs;
    options.quantile = 1.0;  // the window's max
    options.recover_after = 2;
    options.on_state_change = &Loop::on_change;
    options.user_data = this;
    EXPECT_EQ(tether_prober_new(&options, &prober), TETHER_OK);
    tether_session_options session_options;
    tether_session_options_init(&session_options);
    session_options.extensions = TETHER_EXT_PING;  // negotiated by the stream's headers
    EXPECT_EQ(tether_session_new(&session_options, &session), TETHER_OK);
    EXPECT_EQ(tether_decoder_new(nullptr, &replies), TETHER_OK);
    EXPECT_EQ(tether_prober_add_stream(prober, 1, "sdk", 0), TETHER_OK);
  }
  ~Loop() {
    tether_decoder_free(replies);
    tether_session_free(session);
    tether_prober_free(prober);
  }

  // One turn of the runtime's loop at now: the Pings due go to the session, whose
  // dispatch step runs dispatch_delay later and queues the Pongs, which the prober
  // reads then. Returns the time of the next turn.
  uint64_t turn(uint64_t now, uint64_t dispatch_delay) {
    const tether_ping *pings = nullptr;
    size_t count = 0;
    uint64_t next = 0;
    EXPECT_EQ(tether_prober_poll(prober, now, &pings, &count, &next), TETHER_OK);
    if (count == 0) return next;
    for (size_t i = 0; i < count; ++i) {
      size_t used = 0;
      EXPECT_EQ(tether_session_feed(session, pings[i].frame, pings[i].length, &used), TETHER_OK);
    }
    const uint8_t *out = nullptr;
    size_t length = 0;
    EXPECT_EQ(tether_session_pending_output(session, &out, &length), TETHER_OK);
    EXPECT_EQ(length, 0u);  // no Pong before the dispatch step
    uint64_t dispatched = now + dispatch_delay;
    tether_event event;
    while (tether_session_next_event(session, &event) == TETHER_OK) {
      EXPECT_EQ(event.kind, TETHER_EVENT_PING);
    }
    EXPECT_EQ(tether_session_pending_output(session, &out, &length), TETHER_OK);
    size_t used = 0;
    EXPECT_EQ(tether_decoder_feed(replies, out, length, &used), TETHER_OK);
    EXPECT_EQ(tether_session_consume_output(session, length), TETHER_OK);
    tether_frame pong;
    while (tether_decoder_next(replies, &pong) == TETHER_OK) {
      EXPECT_EQ(pong.type, TETHER_MSG_PONG);
      EXPECT_EQ(tether_prober_on_pong_message(prober, 1, pong.payload, pong.length, dispatched),
                TETHER_OK);
    }
    return dispatched;
  }
};

TEST(ProberWithSession, AHeldDispatchLoopIsCongestedAndRecovers) {
  Loop loop;
  uint64_t now = 0;
  while (now < 3000 * kMs) now = loop.turn(now, 2 * kMs);  // rounds at 0, 1 s, 2 s
  EXPECT_EQ(now, 3000 * kMs);
  EXPECT_TRUE(loop.changes.empty());

  now = loop.turn(now, 1500 * kMs);  // the handler holds the dispatch loop for 1.5 s
  EXPECT_EQ(loop.changes, std::vector<std::string>{"congested@4500"});
  tether_deployment_state state;
  ASSERT_EQ(tether_prober_state(loop.prober, "sdk", &state), TETHER_OK);
  EXPECT_EQ(state, TETHER_DEPLOYMENT_CONGESTED);
  // The round due at 4 s goes out at once, then every 200 ms while suspect.
  now = loop.turn(now, 2 * kMs);
  EXPECT_EQ(now, 4502 * kMs);
  EXPECT_EQ(loop.turn(now, 2 * kMs), 4700 * kMs);

  while (now < 10'000 * kMs && loop.changes.size() < 2) now = loop.turn(now, 2 * kMs);
  // The window's max is the figure: the 1.5 s sample leaves the 2 s window at 6.5 s,
  // and the second healthy evaluation after that recovers the deployment.
  EXPECT_EQ(loop.changes, (std::vector<std::string>{"congested@4500", "healthy@6702"}));

  tether_rtt_summary summary{};
  summary.struct_size = sizeof summary;
  ASSERT_EQ(tether_prober_summary(loop.prober, "sdk", &summary), TETHER_OK);
  EXPECT_EQ(summary.max_ns, 1500 * kMs);
  EXPECT_EQ(summary.timeouts, 0u);
  tether_prober_stats stats{};
  stats.struct_size = sizeof stats;
  ASSERT_EQ(tether_prober_stats_get(loop.prober, &stats), TETHER_OK);
  EXPECT_EQ(stats.pongs_matched, stats.pings_sent);
  EXPECT_EQ(stats.pongs_unexpected, 0u);
}

}  // namespace
