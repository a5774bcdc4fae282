// The Session through tether.h and libtether.so only: handles, NULLs, options
// structs of older callers, the allocator hook, stats, last_error.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "frame_bytes.h"
#include "tether.h"
#include "tracking_allocator.h"

namespace {

using tether_test::Bytes;
using tether_test::concat;
using tether_test::frame;
using tether_test::TrackingAllocator;

const Bytes kPing = frame(TETHER_MSG_PING, 0, "\x0a\x05nonce");

// One full exchange: Start, a Ping, a chunked input, output, End. Returns the first
// status that is not OK (or OK).
tether_status exchange(tether_session *s) {
  Bytes in = concat({frame(TETHER_MSG_START, 0, "start"), kPing,
                     frame(0x0400, TETHER_FLAG_CONTINUED, std::string(50, 'a')), kPing,
                     frame(0x0400, 0, std::string(50, 'b'))});
  size_t consumed = 0;
  tether_status status = tether_session_feed(s, in.data(), in.size(), &consumed);
  if (status != TETHER_OK) return status;
  tether_event event;
  while ((status = tether_session_next_event(s, &event)) == TETHER_OK) {
  }
  if (status != TETHER_EMPTY) return status;
  std::string out(300, 'o');
  status =
      tether_session_send(s, 0x0401, reinterpret_cast<const uint8_t *>(out.data()), out.size());
  if (status != TETHER_OK) return status;
  status = tether_session_send(s, TETHER_MSG_END, nullptr, 0);
  if (status != TETHER_OK) return status;
  const uint8_t *data;
  size_t length;
  status = tether_session_pending_output(s, &data, &length);
  if (status != TETHER_OK) return status;
  return tether_session_consume_output(s, length);
}

// A stream whose runtime offered the whole extension and had it accepted.
tether_session_options negotiated() {
  tether_session_options options;
  tether_session_options_init(&options);
  options.extensions = TETHER_EXT_ALL;
  return options;
}

tether_session_options small_options() {
  tether_session_options options = negotiated();
  options.max_frame_payload = 64;
  options.max_message_size = 1024;
  return options;
}

TEST(SessionApi, AFullExchangeAllocatesOnlyThroughTheHook) {
  TrackingAllocator counting;
  tether_session_options options = small_options();
  options.allocator = counting.hook();
  tether_session *s = nullptr;
  ASSERT_EQ(tether_session_new(&options, &s), TETHER_OK);
  ASSERT_EQ(exchange(s), TETHER_OK) << tether_session_last_error(s);
  tether_session_stats stats;
  stats.struct_size = sizeof stats;
  ASSERT_EQ(tether_session_stats_get(s, &stats), TETHER_OK);
  EXPECT_EQ(stats.pings_answered, 2u);
  EXPECT_EQ(stats.messages_in, 4u);
  EXPECT_EQ(stats.chunks_in, 2u);
  EXPECT_EQ(stats.chunks_out, 5u);  // 300 bytes in 64-byte frames
  EXPECT_EQ(stats.outbound_buffered, 0u);
  EXPECT_EQ(stats.bytes_out, 2 * 15u + 5 * 8 + 300 + 8);  // Pongs, output chunks, End
  tether_session_free(s);
  EXPECT_GE(counting.calls, 4u);  // session, queues, reassembly buffer
  EXPECT_EQ(counting.blocks, 0u);
}

TEST(SessionApi, EveryAllocationFailingIsReportedWithoutALeak) {
  for (size_t fail_after = 0; fail_after < 64; ++fail_after) {
    TrackingAllocator counting;
    counting.fail_after = fail_after;
    tether_session_options options = small_options();
    options.allocator = counting.hook();
    tether_session *s = nullptr;
    tether_status status = tether_session_new(&options, &s);
    if (status == TETHER_OK) {
      status = exchange(s);
      if (status != TETHER_OK) {
        EXPECT_EQ(status, TETHER_NO_MEMORY) << "fail_after " << fail_after;
        EXPECT_NE(std::string(tether_session_last_error(s)).find("memory"), std::string::npos);
      }
      tether_session_free(s);
    } else {
      EXPECT_EQ(status, TETHER_NO_MEMORY);
      EXPECT_EQ(s, nullptr);
    }
    EXPECT_EQ(counting.blocks, 0u) << "fail_after " << fail_after;
  }
}

TEST(SessionApi, NullsAreRefused) {
  EXPECT_EQ(tether_session_new(nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  tether_session_free(nullptr);
  size_t consumed = 9;
  EXPECT_EQ(tether_session_feed(nullptr, nullptr, 0, &consumed), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(consumed, 0u);
  tether_event event;
  EXPECT_EQ(tether_session_next_event(nullptr, &event), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_session_send(nullptr, 0x0400, nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_session_finish_input(nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_session_consume_output(nullptr, 0), TETHER_INVALID_ARGUMENT);
  const uint8_t *data;
  size_t length;
  EXPECT_EQ(tether_session_pending_output(nullptr, &data, &length), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_session_stats_get(nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(tether_session_last_error(nullptr), "session is NULL");

  tether_session *s = nullptr;
  tether_session_options options = negotiated();
  ASSERT_EQ(tether_session_new(&options, &s), TETHER_OK);
  EXPECT_STREQ(tether_session_last_error(s), "");
  EXPECT_EQ(tether_session_feed(s, kPing.data(), kPing.size(), nullptr), TETHER_OK);
  EXPECT_EQ(tether_session_next_event(s, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_session_pending_output(s, nullptr, &length), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_session_stats_get(s, nullptr), TETHER_INVALID_ARGUMENT);
  tether_session_stats stats{};
  EXPECT_EQ(tether_session_stats_get(s, &stats), TETHER_INVALID_ARGUMENT);  // struct_size 0
  EXPECT_NE(std::string(tether_session_last_error(s)).find("NULL"), std::string::npos);
  tether_session_free(s);
}

TEST(SessionApi, OptionsOfAnOlderCallerKeepTheDefaultsBeyondTheirSize) {
  tether_session_options options;
  tether_session_options_init(&options);
  EXPECT_EQ(options.struct_size, sizeof options);
  EXPECT_EQ(options.protocol_version, 8u);
  EXPECT_EQ(options.max_frame_payload, TETHER_DEFAULT_MAX_FRAME_PAYLOAD);
  EXPECT_EQ(options.max_message_size, TETHER_DEFAULT_MAX_MESSAGE_SIZE);
  options.protocol_version = 7;
  options.extensions = TETHER_EXT_ALL;  // beyond the older caller's size: not read
  options.struct_size = offsetof(tether_session_options, max_frame_payload);
  std::memset(&options.max_frame_payload, 0xFF,
              sizeof options - offsetof(tether_session_options, max_frame_payload));
  tether_session *s = nullptr;
  ASSERT_EQ(tether_session_new(&options, &s), TETHER_OK);
  // An older caller negotiated nothing: a Ping is refused.
  EXPECT_EQ(tether_session_feed(s, kPing.data(), kPing.size(), nullptr), TETHER_PROTOCOL_VIOLATION);
  tether_session_free(s);

  options.struct_size = sizeof options + 8;
  EXPECT_EQ(tether_session_new(&options, &s), TETHER_INVALID_ARGUMENT);
  options.struct_size = 0;
  EXPECT_EQ(tether_session_new(&options, &s), TETHER_INVALID_ARGUMENT);
}

TEST(SessionApi, StatsOfAnOlderCallerAreFilledOnlyUpToItsSize) {
  tether_session *s = nullptr;
  tether_session_options options = negotiated();
  ASSERT_EQ(tether_session_new(&options, &s), TETHER_OK);
  ASSERT_EQ(tether_session_feed(s, kPing.data(), kPing.size(), nullptr), TETHER_OK);
  struct {
    tether_session_stats stats;
    uint64_t guard;
  } old;
  std::memset(&old, 0xAB, sizeof old);
  old.stats.struct_size = offsetof(tether_session_stats, frames_in);
  ASSERT_EQ(tether_session_stats_get(s, &old.stats), TETHER_OK);
  EXPECT_EQ(old.stats.bytes_in, kPing.size());
  EXPECT_EQ(old.stats.frames_in, 0xABABABABABABABABull);
  EXPECT_EQ(old.guard, 0xABABABABABABABABull);
  tether_session_free(s);
}

TEST(SessionApi, PingTurnaroundThroughTheHandle) {
  tether_session *s = nullptr;
  tether_session_options options = negotiated();
  ASSERT_EQ(tether_session_new(&options, &s), TETHER_OK);
  ASSERT_EQ(tether_session_feed(s, kPing.data(), kPing.size(), nullptr), TETHER_OK);
  const uint8_t *data;
  size_t length;
  ASSERT_EQ(tether_session_pending_output(s, &data, &length), TETHER_OK);
  EXPECT_EQ(length, 0u);
  tether_event event;
  ASSERT_EQ(tether_session_next_event(s, &event), TETHER_OK);
  EXPECT_EQ(event.kind, TETHER_EVENT_PING);
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(event.data), event.length), "nonce");
  EXPECT_EQ(event.answered, 1);
  ASSERT_EQ(tether_session_pending_output(s, &data, &length), TETHER_OK);
  Bytes pong = frame(TETHER_MSG_PONG, 0, "\x0a\x05nonce");
  ASSERT_EQ(length, pong.size());
  EXPECT_EQ(Bytes(data, data + length), pong);
  EXPECT_EQ(tether_session_consume_output(s, length + 1), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_session_consume_output(s, length), TETHER_OK);
  EXPECT_EQ(tether_session_next_event(s, &event), TETHER_EMPTY);
  tether_session_free(s);
}

TEST(SessionApi, MessageTooLargeLeavesTheSessionUsable) {
  tether_session_options options = small_options();
  tether_session *s = nullptr;
  ASSERT_EQ(tether_session_new(&options, &s), TETHER_OK);
  std::string big(1025, 'x');
  EXPECT_EQ(
      tether_session_send(s, 0x0401, reinterpret_cast<const uint8_t *>(big.data()), big.size()),
      TETHER_MESSAGE_TOO_LARGE);
  EXPECT_NE(std::string(tether_session_last_error(s)).find("max_message_size 1024"),
            std::string::npos);
  const uint8_t *data;
  size_t length;
  ASSERT_EQ(tether_session_pending_output(s, &data, &length), TETHER_OK);
  EXPECT_EQ(length, 0u);
  EXPECT_EQ(tether_session_send(s, 0x0401, reinterpret_cast<const uint8_t *>(big.data()), 1024),
            TETHER_OK);
  tether_session_free(s);
}

// The Pong ceiling (high watermark + 64 KiB) saturates: a watermark near UINT64_MAX
// must not wrap it to a few KiB, after which Pings would wait for output for nothing.
TEST(SessionApi, APongCeilingNearTheTopOfTheRangeDoesNotWrap) {
  tether_session_options options;
  tether_session_options_init(&options);
  options.outbound_high_watermark = UINT64_MAX - 10;
  options.extensions = TETHER_EXT_PING;
  tether_session *s = nullptr;
  ASSERT_EQ(tether_session_new(&options, &s), TETHER_OK);
  for (int round = 0; round < 2; ++round) {  // before and after a send()
    for (int i = 0; i < 5000; ++i) {         // 75 KB of Pongs each round, never taken
      ASSERT_EQ(tether_session_feed(s, kPing.data(), kPing.size(), nullptr), TETHER_OK);
      tether_event event;
      ASSERT_EQ(tether_session_next_event(s, &event), TETHER_OK)
          << "Ping " << i << ": " << tether_session_last_error(s);
      ASSERT_EQ(event.answered, 1);
    }
    ASSERT_EQ(tether_session_send(s, 0x0401, nullptr, 0), TETHER_OK);
  }
  tether_session_free(s);
}

}  // namespace
