// Chunking both ways: outgoing messages split above max_frame_payload, incoming
// chunks reassembled with control messages between them, every malformed sequence
// failing the stream with its own status, and the memory held bounded by the limit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chunk/reassembler.h"
#include "chunk/splitter.h"
#include "session_support.h"

namespace {

using namespace session_test;

constexpr uint16_t kInput = TETHER_MSG_INPUT_COMMAND;
constexpr uint16_t kOutput = TETHER_MSG_OUTPUT_COMMAND;

Bytes chunk(uint16_t type, const std::string &part, bool more) {
  return frame(type, more ? TETHER_FLAG_CONTINUED : 0, part);
}

tether_session_options small_limits(uint32_t frame_payload, uint64_t message) {
  tether_session_options o = options();
  o.max_frame_payload = frame_payload;
  o.max_message_size = message;
  return o;
}

TEST(ChunkSplitter, CountsAndFlagsFrames) {
  EXPECT_EQ(tether::chunk_count(0, 10), 1u);
  EXPECT_EQ(tether::chunk_count(10, 10), 1u);
  EXPECT_EQ(tether::chunk_count(11, 10), 2u);
  tether::ByteBuffer out{tether::Allocator()};
  std::string payload = "0123456789abcdefghijk";  // 21 bytes
  ASSERT_EQ(tether::append_chunked(out, kOutput, 0, reinterpret_cast<const uint8_t *>(payload.data()),
                                   payload.size(), 10),
            TETHER_OK);
  ASSERT_EQ(out.size(), 3 * 8 + payload.size());
  tether::FrameHeader h = tether::decode_header(out.data());
  EXPECT_EQ(h.flags, TETHER_FLAG_CONTINUED);
  EXPECT_EQ(h.length, 10u);
  h = tether::decode_header(out.data() + 18);
  EXPECT_EQ(h.flags, TETHER_FLAG_CONTINUED);
  h = tether::decode_header(out.data() + 36);
  EXPECT_EQ(h.flags, 0);
  EXPECT_EQ(h.length, 1u);
}

TEST(ChunkSplitter, NothingIsAppendedWhenMemoryRunsOut) {
  TrackingAllocator tracking;
  tracking.fail_after = 0;
  tether::ByteBuffer out{tether::Allocator(tracking.hook())};
  std::string payload(100, 'p');
  EXPECT_EQ(tether::append_chunked(out, kOutput, 0, reinterpret_cast<const uint8_t *>(payload.data()),
                                   payload.size(), 10),
            TETHER_NO_MEMORY);
  EXPECT_EQ(out.size(), 0u);
}

TEST(ChunkSend, MessagesAboveMaxFramePayloadLeaveAsContinuedFrames) {
  Harness h(small_limits(1024, 1 << 20));
  std::string payload(5000, 'q');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 13);
  ASSERT_EQ(h->send(kOutput, reinterpret_cast<const uint8_t *>(payload.data()), payload.size()),
            TETHER_OK);
  std::vector<OutFrame> out = h.output();
  ASSERT_EQ(out.size(), 5u);
  std::string joined;
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].type, kOutput);
    EXPECT_EQ(out[i].flags, i + 1 < out.size() ? TETHER_FLAG_CONTINUED : 0);
    joined += out[i].payload;
  }
  EXPECT_EQ(joined, payload);
  tether_session_stats s = h.stats();
  EXPECT_EQ(s.frames_out, 5u);
  EXPECT_EQ(s.chunks_out, 5u);
  EXPECT_EQ(s.messages_out, 1u);
}

TEST(ChunkSend, WithoutChunkedAMessageIsOneFrameUpToMaxMessageSize) {
  tether_session_options o = small_limits(1024, 1 << 20);
  o.extensions = TETHER_EXT_PING;
  Harness h(o);
  std::string payload(5000, 'q');
  ASSERT_EQ(h->send(kOutput, reinterpret_cast<const uint8_t *>(payload.data()), payload.size()),
            TETHER_OK);
  std::vector<OutFrame> out = h.output();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, 0);
  EXPECT_EQ(out[0].payload, payload);
}

TEST(ChunkSend, OversizeMessagesAreRefusedBeforeAnythingIsQueued) {
  Harness h(small_limits(1024, 4096));
  std::string big(4097, 'b');
  EXPECT_EQ(h->send(kOutput, reinterpret_cast<const uint8_t *>(big.data()), big.size()),
            TETHER_MESSAGE_TOO_LARGE);
  EXPECT_NE(std::string(h->error().message()).find("4097"), std::string::npos);
  EXPECT_TRUE(h.output().empty());
  // Error and End cannot be chunked: one frame is their limit.
  EXPECT_EQ(h->send(TETHER_MSG_ERROR, reinterpret_cast<const uint8_t *>(big.data()), 1025),
            TETHER_MESSAGE_TOO_LARGE);
  EXPECT_TRUE(h.output().empty());
  // The session stays usable.
  ASSERT_EQ(h->send(kOutput, reinterpret_cast<const uint8_t *>(big.data()), 4096), TETHER_OK);
  EXPECT_EQ(h.output().size(), 4u);
}

TEST(ChunkReassembly, ChunksWithControlMessagesBetweenThemAreOneMessage) {
  Harness h(small_limits(1024, 1 << 20));
  std::string body(3000, 'z');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7);
  ASSERT_EQ(h.feed(concat({chunk(kInput, body.substr(0, 1000), true), ping_frame("between-1"),
                           chunk(kInput, body.substr(1000, 1000), true),
                           message_frame(TETHER_MSG_END, ""), ping_frame("between-2")})),
            TETHER_OK);
  // The Pings are answerable while the message is still incomplete.
  std::vector<Event> events = h.drain();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].data, "between-1");
  EXPECT_EQ(events[1].type, TETHER_MSG_END);
  EXPECT_EQ(events[2].data, "between-2");
  std::vector<OutFrame> out = h.output();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(pong_nonce(out[0]), "between-1");
  EXPECT_EQ(pong_nonce(out[1]), "between-2");

  ASSERT_EQ(h.feed(concat({chunk(kInput, body.substr(2000), false)})), TETHER_OK);
  events = h.drain();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, kInput);
  EXPECT_EQ(events[0].flags, 0);
  EXPECT_EQ(events[0].data, body);
  tether_session_stats s = h.stats();
  EXPECT_EQ(s.chunks_in, 3u);
  EXPECT_EQ(s.frames_in, 6u);
  EXPECT_EQ(s.messages_in, 4u);
  EXPECT_EQ(s.inbound_buffered, 0u);
}

TEST(ChunkReassembly, EmptyChunksAndRequestedAckFromTheFirstChunk) {
  Harness h;
  ASSERT_EQ(h.feed(concat({frame(kInput, TETHER_FLAG_CONTINUED | TETHER_FLAG_REQUESTED_ACK, ""),
                           chunk(kInput, "", true), chunk(kInput, "", false)})),
            TETHER_OK);
  std::vector<Event> events = h.drain();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "");
  EXPECT_EQ(events[0].flags, TETHER_FLAG_REQUESTED_ACK);
}

struct Malformed {
  const char *name;
  Bytes after_first_chunk;
  tether_status status;
  const char *says;
};

TEST(ChunkReassembly, EachMalformedSequenceFailsWithItsOwnStatus) {
  const Malformed cases[] = {
      {"a non-control message between chunks", message_frame(0x0402, "x"), TETHER_CHUNK_INTERLEAVED,
       "between the chunks"},
      {"Start between chunks", message_frame(TETHER_MSG_START, ""), TETHER_CHUNK_INTERLEAVED,
       "Start"},
      {"a chunk of another type", chunk(0x0402, "x", true), TETHER_CHUNK_TYPE_CHANGE,
       "continues a chunked"},
      {"CONTINUED on a Ping", frame(TETHER_MSG_PING, TETHER_FLAG_CONTINUED, "\x0a\x01n"),
       TETHER_BAD_FLAGS, "Ping"},
      {"a Pong between chunks", frame(TETHER_MSG_PONG, 0, "\x0a\x01n"), TETHER_PROTOCOL_VIOLATION,
       "Pong"},
  };
  for (const Malformed &c : cases) {
    Harness bad(small_limits(1024, 1 << 20));
    Harness good(small_limits(1024, 1 << 20));
    Bytes first = chunk(kInput, "part-1", true);
    ASSERT_EQ(bad.feed(first), TETHER_OK);
    ASSERT_EQ(good.feed(first), TETHER_OK);
    EXPECT_EQ(bad.feed(c.after_first_chunk), c.status) << c.name;
    EXPECT_NE(std::string(bad->error().message()).find(c.says), std::string::npos)
        << c.name << ": " << bad->error().message();
    tether_event event;
    EXPECT_EQ(bad->next_event(&event), c.status) << c.name;
    EXPECT_EQ(bad.feed(chunk(kInput, "part-2", false)), TETHER_STREAM_FAILED) << c.name;
    std::vector<OutFrame> out = bad.output();
    ASSERT_EQ(out.size(), 1u) << c.name;
    EXPECT_EQ(out[0].type, TETHER_MSG_ERROR);
    EXPECT_EQ(bad.stats().inbound_buffered, 0u);
    // Another session is unaffected.
    ASSERT_EQ(good.feed(chunk(kInput, "part-2", false)), TETHER_OK) << c.name;
    std::vector<Event> events = good.drain();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, "part-1part-2");
  }
}

TEST(ChunkReassembly, ContinuedWithoutChunkedIsBadFlagsNamingTheNegotiation) {
  for (uint32_t version = 5; version <= 8; ++version) {
    Harness h(options(version, TETHER_EXT_PING));
    EXPECT_EQ(h.feed(chunk(kInput, "x", true)), TETHER_BAD_FLAGS);
    EXPECT_NE(std::string(h->error().message()).find("chunked/1"), std::string::npos)
        << h->error().message();
    std::vector<OutFrame> out = h.output();
    ASSERT_EQ(out.size(), 1u);
    pb::ErrorMessage error;
    ASSERT_TRUE(error.ParseFromString(out[0].payload));
    EXPECT_EQ(error.code(), 571u);
  }
}

TEST(ChunkReassembly, WithoutChunkedAFrameOverTheMessageLimitNamesThatLimit) {
  tether_session_options o = small_limits(16, 100);
  o.extensions = 0;
  Harness h(o);
  ASSERT_EQ(h.feed(message_frame(kInput, std::string(100, 'x'))), TETHER_OK);  // > frame, = limit
  EXPECT_EQ(h.feed(tether_test::header_only(kInput, 0, 101)), TETHER_FRAME_TOO_LARGE);
  EXPECT_NE(std::string(h->error().message()).find("101 bytes is over max_message_size 100"),
            std::string::npos)
      << h->error().message();
}

TEST(ChunkReassembly, InputEndingInsideAChunkedMessageIsTruncated) {
  Harness h;
  ASSERT_EQ(h.feed(chunk(kInput, "abc", true)), TETHER_OK);
  EXPECT_EQ(h->finish_input(), TETHER_TRUNCATED);
  EXPECT_NE(std::string(h->error().message()).find("chunked InputCommand message after 3 bytes"),
            std::string::npos)
      << h->error().message();
}

TEST(ChunkReassembly, OverTheLimitFailsAtTheCrossingChunkHavingBufferedNoMore) {
  constexpr uint32_t kFrame = 4096;
  constexpr uint64_t kLimit = 64 * 1024;
  TrackingAllocator tracking;
  tether_session_options o = small_limits(kFrame, kLimit);
  o.allocator = tracking.hook();
  {
    Harness h(o);
    size_t base = tracking.live;  // the session itself
    std::string part(kFrame, 'L');
    uint64_t sent = 0;
    tether_status status = TETHER_OK;
    while (status == TETHER_OK) {
      status = h.feed(chunk(kInput, part, true));
      if (status == TETHER_OK) sent += kFrame;
      if (sent % (4 * kFrame) == 0) h.drain();  // Pings could be anywhere; none here
    }
    EXPECT_EQ(status, TETHER_REASSEMBLY_TOO_LARGE);
    EXPECT_EQ(sent, kLimit) << "a message of exactly the limit is allowed";
    EXPECT_NE(std::string(h->error().message()).find("over max_message_size 65536"),
              std::string::npos)
        << h->error().message();
    EXPECT_LE(tracking.peak - base, kLimit + kFrame);
    EXPECT_LE(h.stats().peak_inbound_buffered, kLimit + kFrame);
    pb::ErrorMessage error;
    std::vector<OutFrame> out = h.output();
    ASSERT_EQ(out.size(), 1u);
    ASSERT_TRUE(error.ParseFromString(out[0].payload));
    EXPECT_EQ(error.code(), 571u);
  }
  EXPECT_EQ(tracking.live, 0u);
  EXPECT_EQ(tracking.blocks, 0u);
}

TEST(ChunkReassembly, AGibibyteMessageWithPeakAllocationWithinTwoFramesOfIt) {
  constexpr uint32_t kFrame = 1 << 20;
  constexpr uint64_t kSize = uint64_t{1} << 30;
  TrackingAllocator tracking;
  tether_session_options o = small_limits(kFrame, kSize);
  o.allocator = tracking.hook();
  {
    Harness h(o);
    std::vector<uint8_t> part(kFrame);
    uint64_t expected_sum = 0;
    for (uint64_t offset = 0; offset < kSize; offset += kFrame) {
      uint8_t mark = static_cast<uint8_t>(offset / kFrame * 31 + 1);
      std::fill(part.begin(), part.end(), mark);
      expected_sum += uint64_t{mark} * kFrame;
      bool more = offset + kFrame < kSize;
      ASSERT_EQ(h.feed(tether_test::header_only(kInput, more ? TETHER_FLAG_CONTINUED : 0, kFrame)),
                TETHER_OK);
      ASSERT_EQ(h.feed(part), TETHER_OK);
    }
    tether_event event;
    ASSERT_EQ(h->next_event(&event), TETHER_OK);
    ASSERT_EQ(event.length, kSize);
    uint64_t sum = 0;
    for (uint64_t i = 0; i < kSize; i += 4096) sum += uint64_t{event.data[i]} * 4096;
    EXPECT_EQ(sum, expected_sum);
    EXPECT_EQ(event.data[kSize - 1], static_cast<uint8_t>((kSize / kFrame - 1) * 31 + 1));
    EXPECT_LE(tracking.peak, kSize + 2 * kFrame);
    EXPECT_LE(h.stats().peak_inbound_buffered, kSize + 2 * kFrame);
  }
  EXPECT_EQ(tracking.live, 0u);
}

}  // namespace
