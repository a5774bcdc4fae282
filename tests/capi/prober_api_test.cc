#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <string>
#include <vector>

#include "tether.h"
#include "tracking_allocator.h"

namespace {

using tether_test::TrackingAllocator;

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kS = 1'000'000'000;

struct Changes {
  std::vector<std::string> seen;
  static void on_change(const tether_prober_state_change *c, void *self) {
    static_cast<Changes *>(self)->seen.push_back(std::string(c->deployment) + ":" +
                                                 tether_deployment_state_name(c->from) + "->" +
                                                 tether_deployment_state_name(c->to));
  }
};

TEST(ProberApi, PingsDecodeAsFramesAndTheirEchoesAreMatched) {
  Changes changes;
  TrackingAllocator allocator;
  tether_prober_options options;
  tether_prober_options_init(&options);
  options.selection = TETHER_PROBE_ALL;
  options.on_state_change = &Changes::on_change;
  options.user_data = &changes;
  options.allocator = allocator.hook();
  tether_prober *prober = nullptr;
  ASSERT_EQ(tether_prober_new(&options, &prober), TETHER_OK);
  ASSERT_EQ(tether_prober_add_stream(prober, 1, "dp_one", 0), TETHER_OK);
  ASSERT_EQ(tether_prober_add_stream(prober, 3, "dp_one", 0), TETHER_OK);

  const tether_ping *pings = nullptr;
  size_t count = 0;
  uint64_t next = 0;
  ASSERT_EQ(tether_prober_poll(prober, 0, &pings, &count, &next), TETHER_OK);
  ASSERT_EQ(count, 2u);
  EXPECT_EQ(next, 1 * kS);
  tether_decoder *decoder = nullptr;
  ASSERT_EQ(tether_decoder_new(nullptr, &decoder), TETHER_OK);
  for (size_t i = 0; i < count; ++i) {
    size_t used = 0;
    ASSERT_EQ(tether_decoder_feed(decoder, pings[i].frame, pings[i].length, &used), TETHER_OK);
    tether_frame frame;
    ASSERT_EQ(tether_decoder_next(decoder, &frame), TETHER_OK);
    EXPECT_EQ(frame.type, TETHER_MSG_PING);
    // The SDK echoes the PingMessage body as the PongMessage body.
    uint64_t rtt = i == 0 ? 2 * kMs : 300 * kMs;
    EXPECT_EQ(
        tether_prober_on_pong_message(prober, pings[i].stream, frame.payload, frame.length, rtt),
        TETHER_OK);
  }
  tether_decoder_free(decoder);

  tether_prober_stats stats{};
  stats.struct_size = sizeof stats;
  ASSERT_EQ(tether_prober_stats_get(prober, &stats), TETHER_OK);
  EXPECT_EQ(stats.pings_sent, 2u);
  EXPECT_EQ(stats.pongs_matched, 2u);
  EXPECT_EQ(stats.streams, 2u);
  EXPECT_EQ(stats.deployments, 1u);
  tether_rtt_summary summary{};
  summary.struct_size = sizeof summary;
  ASSERT_EQ(tether_prober_summary(prober, "dp_one", &summary), TETHER_OK);
  EXPECT_EQ(summary.count, 2u);
  EXPECT_EQ(summary.min_ns, 2 * kMs);
  EXPECT_EQ(summary.max_ns, 300 * kMs);
  tether_rtt_summary all{};
  all.struct_size = sizeof all;
  ASSERT_EQ(tether_prober_summary(prober, nullptr, &all), TETHER_OK);
  EXPECT_EQ(all.count, 2u);
  tether_deployment_state state;
  ASSERT_EQ(tether_prober_state(prober, "dp_one", &state), TETHER_OK);
  EXPECT_EQ(state, TETHER_DEPLOYMENT_DEGRADED);  // p90 of {2 ms, 300 ms} is 300 ms
  EXPECT_EQ(changes.seen, std::vector<std::string>{"dp_one:healthy->degraded"});

  const char *text = nullptr;
  size_t length = 0;
  ASSERT_EQ(tether_prober_prometheus(prober, &text, &length), TETHER_OK);
  std::string exposition(text, length);
  EXPECT_NE(exposition.find("tether_ping_rtt_seconds_count{deployment=\"dp_one\"} 2\n"),
            std::string::npos);
  EXPECT_NE(exposition.find("tether_deployment_state{deployment=\"dp_one\"} 1\n"),
            std::string::npos);
  EXPECT_GT(allocator.calls, 0u);
  tether_prober_free(prober);
  EXPECT_EQ(allocator.blocks, 0u);
}

TEST(ProberApi, NullsAndBadSizesAreInvalidArguments) {
  EXPECT_EQ(tether_prober_new(nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  tether_prober_free(nullptr);
  const tether_ping *pings;
  size_t count;
  uint8_t nonce[16] = {};
  tether_deployment_state state;
  tether_rtt_summary summary{};
  summary.struct_size = sizeof summary;
  tether_prober_stats stats{};
  stats.struct_size = sizeof stats;
  const char *text;
  size_t length;
  EXPECT_EQ(tether_prober_add_stream(nullptr, 1, "a", 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_remove_stream(nullptr, 1), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_poll(nullptr, 0, &pings, &count, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_on_pong(nullptr, 1, nonce, 16, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_on_pong_message(nullptr, 1, nonce, 16, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_state(nullptr, "a", &state), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_summary(nullptr, "a", &summary), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_stats_get(nullptr, &stats), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_prometheus(nullptr, &text, &length), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(tether_prober_last_error(nullptr), "prober is NULL");

  tether_prober *prober = nullptr;
  ASSERT_EQ(tether_prober_new(nullptr, &prober), TETHER_OK);
  EXPECT_EQ(tether_prober_add_stream(prober, 1, nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_poll(prober, 0, nullptr, &count, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_poll(prober, 0, &pings, nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_state(prober, nullptr, &state), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_state(prober, "a", nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_summary(prober, "", &summary), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_summary(prober, "a", nullptr), TETHER_INVALID_ARGUMENT);
  summary.struct_size = sizeof summary + 8;
  EXPECT_EQ(tether_prober_summary(prober, nullptr, &summary), TETHER_INVALID_ARGUMENT);
  stats.struct_size = 0;
  EXPECT_EQ(tether_prober_stats_get(prober, &stats), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_prometheus(prober, nullptr, &length), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_prober_add_stream(prober, 1, "a", 5), TETHER_OK);
  EXPECT_EQ(tether_prober_add_stream(prober, 1, "a", 5), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(tether_prober_last_error(prober), "stream 1 was already added");
  tether_prober_free(prober);

  tether_prober_options options;
  tether_prober_options_init(&options);
  options.struct_size = sizeof options + 1;
  EXPECT_EQ(tether_prober_new(&options, &prober), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(prober, nullptr);
  const char *problem = nullptr;
  EXPECT_EQ(tether_prober_options_check(&options, &problem), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(problem, "struct_size is not the size of a tether_prober_options");
  tether_prober_options_init(&options);
  EXPECT_EQ(tether_prober_options_check(&options, &problem), TETHER_OK);
  EXPECT_STREQ(problem, "");
  EXPECT_EQ(tether_prober_options_check(nullptr, nullptr), TETHER_OK);
  options.interval_ns = 0;
  EXPECT_EQ(tether_prober_options_check(&options, &problem), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(problem, "interval_ns is 0");
  EXPECT_EQ(tether_prober_new(&options, &prober), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(tether_deployment_state_name(static_cast<tether_deployment_state>(9)), "unknown");
}

TEST(ProberApi, OlderStructsGetDefaultsForTheFieldsTheyLack) {
  tether_prober_options options;
  tether_prober_options_init(&options);
  options.struct_size = offsetof(tether_prober_options, max_streams);
  options.max_streams = 0;  // past struct_size: ignored, the default applies
  tether_prober *prober = nullptr;
  ASSERT_EQ(tether_prober_new(&options, &prober), TETHER_OK);
  ASSERT_EQ(tether_prober_add_stream(prober, 1, "a", 0), TETHER_OK);
  const tether_ping *pings;
  size_t count;
  ASSERT_EQ(tether_prober_poll(prober, 0, &pings, &count, nullptr), TETHER_OK);
  ASSERT_EQ(count, 1u);
  ASSERT_EQ(tether_prober_on_pong(prober, 1, pings[0].frame + 10, 16, 5 * kMs), TETHER_OK);
  tether_rtt_summary summary;
  summary.struct_size = offsetof(tether_rtt_summary, sum_ns);  // count and timeouts only
  summary.sum_ns = 77;
  ASSERT_EQ(tether_prober_summary(prober, "a", &summary), TETHER_OK);
  EXPECT_EQ(summary.count, 1u);
  EXPECT_EQ(summary.sum_ns, 77u);  // not written
  tether_prober_free(prober);
}

// Every allocation failing in turn: each call returns OK or NO_MEMORY, nothing leaks.
TEST(ProberApi, SurvivesEveryAllocationFailure) {
  for (size_t fail_at = 0;; ++fail_at) {
    TrackingAllocator allocator;
    allocator.fail_at = fail_at;
    tether_prober_options options;
    tether_prober_options_init(&options);
    options.selection = TETHER_PROBE_ALL;
    options.allocator = allocator.hook();
    tether_prober *prober = nullptr;
    tether_status status = tether_prober_new(&options, &prober);
    bool failed = status == TETHER_NO_MEMORY;
    if (status == TETHER_OK) {
      auto check = [&](tether_status s) {
        EXPECT_TRUE(s == TETHER_OK || s == TETHER_NO_MEMORY) << tether_status_name(s);
        failed |= s == TETHER_NO_MEMORY;
      };
      check(tether_prober_add_stream(prober, 1, "a", 0));
      check(tether_prober_add_stream(prober, 2, "b", 0));
      const tether_ping *pings;
      size_t count = 0;
      check(tether_prober_poll(prober, 0, &pings, &count, nullptr));
      std::vector<std::vector<uint8_t>> frames;
      std::vector<uint64_t> streams;
      for (size_t i = 0; i < count; ++i) {
        frames.emplace_back(pings[i].frame, pings[i].frame + pings[i].length);
        streams.push_back(pings[i].stream);
      }
      for (size_t i = 0; i < frames.size(); ++i) {
        check(tether_prober_on_pong_message(prober, streams[i], frames[i].data() + 8,
                                            frames[i].size() - 8, 200 * kMs));
      }
      check(tether_prober_poll(prober, 6 * kS, &pings, &count, nullptr));
      tether_rtt_summary summary{};
      summary.struct_size = sizeof summary;
      check(tether_prober_summary(prober, nullptr, &summary));
      const char *text;
      size_t length;
      check(tether_prober_prometheus(prober, &text, &length));
      tether_prober_free(prober);
    } else {
      EXPECT_EQ(status, TETHER_NO_MEMORY);
    }
    EXPECT_EQ(allocator.blocks, 0u) << "fail_at " << fail_at;
    if (!failed) break;  // the failure point is past the last allocation
    ASSERT_LT(fail_at, 10000u);
  }
}

}  // namespace
