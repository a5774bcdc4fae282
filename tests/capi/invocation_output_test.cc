// Streamed output through tether.h: tether_invocation_output_begin / _write / _finish.
// The bytes on the wire equal what tether_invocation_complete writes for the same
// value (one frame without chunked/1, CONTINUED chunks with it), the limit is checked
// before anything is queued, queued output stays under the high watermark, and every
// misuse is refused with its status and a reason.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "frame_bytes.h"
#include "tether.h"
#include "tracking_allocator.h"

namespace {

using tether_test::Bytes;
using tether_test::concat;
using tether_test::frame;
using tether_test::TrackingAllocator;

const Bytes kStart = frame(TETHER_MSG_START, 0, std::string("\x18\x01", 2));
const Bytes kInput = frame(TETHER_MSG_INPUT_COMMAND, 0, "\x72\x04\x0a\x02hi");
const Bytes kPing = frame(TETHER_MSG_PING, 0, "\x0a\x05nonce");

struct Frame {
  uint16_t type;
  uint16_t flags;
  Bytes payload;
};

// Splits output into frames (the test's own reading of the 8-byte header).
std::vector<Frame> frames_of(const Bytes &out) {
  std::vector<Frame> frames;
  for (size_t at = 0; at + 8 <= out.size();) {
    uint16_t type = uint16_t(out[at] << 8 | out[at + 1]);
    uint16_t flags = uint16_t(out[at + 2] << 8 | out[at + 3]);
    uint32_t length = uint32_t(out[at + 4]) << 24 | uint32_t(out[at + 5]) << 16 |
                      uint32_t(out[at + 6]) << 8 | out[at + 7];
    frames.push_back(
        Frame{type, flags, Bytes(out.begin() + at + 8, out.begin() + at + 8 + length)});
    at += 8 + length;
  }
  return frames;
}

Bytes value_of(size_t length) {
  Bytes value(length);
  for (size_t i = 0; i < length; ++i) value[i] = uint8_t('a' + i % 26);
  return value;
}

class Output {
 public:
  explicit Output(uint32_t extensions = 0, uint64_t high = 0, uint64_t max_output = 0,
                  const tether_allocator *allocator = nullptr) {
    tether_session_options_init(&session_);
    session_.extensions = extensions;
    session_.max_frame_payload = 64;
    session_.outbound_high_watermark = high;
    session_.outbound_low_watermark = high / 4;
    if (allocator != nullptr) session_.allocator = *allocator;
    tether_invocation_options options;
    tether_invocation_options_init(&options);
    options.session = &session_;
    if (max_output != 0) options.max_output_size = max_output;
    status_ = tether_invocation_new(&options, &invocation_);
  }
  ~Output() { tether_invocation_free(invocation_); }

  tether_status status() const { return status_; }
  tether_invocation *get() { return invocation_; }
  const char *why() { return tether_invocation_last_error(invocation_); }

  tether_status feed(const Bytes &bytes) {
    size_t consumed = 0;
    return tether_invocation_feed(invocation_, bytes.data(), bytes.size(), &consumed);
  }
  // Feeds Start + Input and polls for RUN.
  tether_status run() {
    tether_status status = feed(concat({kStart, kInput}));
    if (status != TETHER_OK) return status;
    tether_invocation_event event{};
    status = tether_invocation_poll(invocation_, &event);
    if (status != TETHER_OK) return status;
    return event.kind == TETHER_INVOCATION_EVENT_RUN ? TETHER_OK : TETHER_INTERNAL;
  }
  Bytes take() {
    Bytes out;
    const uint8_t *data = nullptr;
    size_t length = 0;
    while (tether_invocation_pending_output(invocation_, &data, &length) == TETHER_OK && length) {
      out.insert(out.end(), data, data + length);
      tether_invocation_consume_output(invocation_, length);
    }
    taken_.insert(taken_.end(), out.begin(), out.end());
    return out;
  }
  const Bytes &taken() const { return taken_; }
  tether_status poll(tether_invocation_event *event) {
    return tether_invocation_poll(invocation_, event);
  }
  uint64_t peak_outbound() {
    tether_session_stats stats{};
    stats.struct_size = sizeof stats;
    tether_invocation_session_stats(invocation_, &stats);
    return stats.peak_outbound_buffered;
  }

 private:
  tether_session_options session_;
  tether_invocation *invocation_ = nullptr;
  tether_status status_;
  Bytes taken_;
};

// The bytes complete() writes for value, for comparison.
Bytes completed(const Bytes &value, uint32_t extensions) {
  Output o(extensions);
  EXPECT_EQ(o.run(), TETHER_OK);
  EXPECT_EQ(tether_invocation_complete(o.get(), value.data(), value.size()), TETHER_OK);
  tether_invocation_event event{};
  EXPECT_EQ(o.poll(&event), TETHER_OK);
  EXPECT_EQ(event.kind, TETHER_INVOCATION_EVENT_DONE);
  return o.take();
}

// Streams value in pieces of `piece` bytes, waiting for WRITABLE whenever refused;
// the first unexpected status, or TETHER_OK once DONE was polled.
tether_status stream(Output &o, const Bytes &value, size_t piece) {
  tether_status status = o.run();
  if (status != TETHER_OK) return status;
  status = tether_invocation_output_begin(o.get(), value.size());
  if (status != TETHER_OK) return status;
  tether_invocation_event event{};
  for (size_t at = 0; at < value.size();) {
    size_t written = 0;
    size_t n = std::min(piece, value.size() - at);
    status = tether_invocation_output_write(o.get(), value.data() + at, n, &written);
    at += written;
    if (status == TETHER_WOULD_BLOCK) {
      if (written != 0) return TETHER_INTERNAL;
      o.take();
      status = o.poll(&event);
      if (status != TETHER_OK || event.kind != TETHER_INVOCATION_EVENT_WRITABLE) {
        return TETHER_INTERNAL;
      }
    } else if (status != TETHER_OK) {
      return status;
    }
  }
  status = tether_invocation_output_finish(o.get());
  if (status != TETHER_OK) return status;
  status = o.poll(&event);
  if (status != TETHER_OK) return status;
  o.take();
  return event.kind == TETHER_INVOCATION_EVENT_DONE ? TETHER_OK : TETHER_INTERNAL;
}

TEST(InvocationOutput, WithoutChunkingThePiecesMakeTheOneFrameCompleteWrites) {
  const Bytes value = value_of(1000);  // over max_frame_payload: still one frame
  Output o;
  ASSERT_EQ(o.status(), TETHER_OK);
  ASSERT_EQ(stream(o, value, 77), TETHER_OK) << o.why();
  EXPECT_EQ(o.taken(), completed(value, 0));
  std::vector<Frame> frames = frames_of(o.taken());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].type, TETHER_MSG_OUTPUT_COMMAND);
  EXPECT_EQ(frames[1].type, TETHER_MSG_END);
}

TEST(InvocationOutput, WithChunkedThePiecesLeaveAsContinuedChunks) {
  const Bytes value = value_of(1000);
  Output o(TETHER_EXT_CHUNKED);
  ASSERT_EQ(stream(o, value, 100), TETHER_OK) << o.why();
  EXPECT_EQ(o.taken(), completed(value, TETHER_EXT_CHUNKED));
  std::vector<Frame> frames = frames_of(o.taken());
  ASSERT_GT(frames.size(), 2u);
  for (size_t i = 0; i + 2 < frames.size(); ++i) {
    EXPECT_EQ(frames[i].type, TETHER_MSG_OUTPUT_COMMAND);
    EXPECT_EQ(frames[i].payload.size(), 64u);
    EXPECT_NE(frames[i].flags & TETHER_FLAG_CONTINUED, 0);
  }
  EXPECT_EQ(frames[frames.size() - 2].flags & TETHER_FLAG_CONTINUED, 0);
}

TEST(InvocationOutput, AnEmptyValueIsOneEmptyOutput) {
  Output o(TETHER_EXT_CHUNKED);
  ASSERT_EQ(stream(o, Bytes(), 1), TETHER_OK) << o.why();
  EXPECT_EQ(o.taken(), completed(Bytes(), TETHER_EXT_CHUNKED));
}

TEST(InvocationOutput, OversizeFailsBeforeAnyValueByteIsQueued) {
  Output o(0, 0, 100);
  ASSERT_EQ(o.run(), TETHER_OK);
  EXPECT_EQ(tether_invocation_output_begin(o.get(), 101), TETHER_MESSAGE_TOO_LARGE);
  EXPECT_NE(std::string(o.why()).find("exceeds the message size limit of 100"), std::string::npos)
      << o.why();
  const uint8_t byte = 'x';
  size_t written = 1;
  EXPECT_EQ(tether_invocation_output_write(o.get(), &byte, 1, &written), TETHER_INVALID_STATE);
  EXPECT_EQ(written, 0u);
  tether_invocation_event event{};
  ASSERT_EQ(o.poll(&event), TETHER_OK);
  EXPECT_EQ(event.kind, TETHER_INVOCATION_EVENT_DONE);
  std::vector<Frame> frames = frames_of(o.take());
  ASSERT_EQ(frames.size(), 2u);  // the 413 Failure (within 100 bytes) and End
  EXPECT_EQ(frames[0].type, TETHER_MSG_OUTPUT_COMMAND);
  EXPECT_LE(frames[0].payload.size(), 100u);
  EXPECT_NE(std::string(frames[0].payload.begin(), frames[0].payload.end()).find("exceeds"),
            std::string::npos);
  // A length near 2^64 is refused the same way, not wrapped.
  Output huge;
  ASSERT_EQ(huge.run(), TETHER_OK);
  EXPECT_EQ(tether_invocation_output_begin(huge.get(), UINT64_MAX), TETHER_MESSAGE_TOO_LARGE);
}

TEST(InvocationOutput, MisuseIsRefusedWithItsReason) {
  const uint8_t bytes[4] = {'a', 'b', 'c', 'd'};
  size_t written = 0;
  EXPECT_EQ(tether_invocation_output_begin(nullptr, 1), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_output_write(nullptr, bytes, 1, &written), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_output_finish(nullptr), TETHER_INVALID_ARGUMENT);

  Output o;
  EXPECT_EQ(tether_invocation_output_begin(o.get(), 4), TETHER_INVALID_STATE);  // before RUN
  EXPECT_NE(std::string(o.why()).find("no handler is running"), std::string::npos) << o.why();
  ASSERT_EQ(o.run(), TETHER_OK);
  EXPECT_EQ(tether_invocation_output_write(o.get(), bytes, 1, &written), TETHER_INVALID_STATE);
  EXPECT_EQ(tether_invocation_output_finish(o.get()), TETHER_INVALID_STATE);
  ASSERT_EQ(tether_invocation_output_begin(o.get(), 4), TETHER_OK) << o.why();
  // Two outputs at once, or a whole result while one is open.
  EXPECT_EQ(tether_invocation_output_begin(o.get(), 4), TETHER_INVALID_STATE);
  EXPECT_NE(std::string(o.why()).find("a streamed output is open"), std::string::npos) << o.why();
  EXPECT_EQ(tether_invocation_complete(o.get(), bytes, 4), TETHER_INVALID_STATE);
  EXPECT_EQ(tether_invocation_fail_terminal(o.get(), 500, "x", 1), TETHER_INVALID_STATE);
  EXPECT_EQ(tether_invocation_output_write(o.get(), nullptr, 2, &written), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_output_write(o.get(), bytes, 5, &written), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(std::string(o.why()).find("past the declared length"), std::string::npos) << o.why();
  EXPECT_EQ(written, 0u);
  ASSERT_EQ(tether_invocation_output_write(o.get(), bytes, 2, &written), TETHER_OK);
  EXPECT_EQ(written, 2u);
  // Finish short of the length: refused, the output stays open.
  EXPECT_EQ(tether_invocation_output_finish(o.get()), TETHER_INVALID_STATE);
  EXPECT_NE(std::string(o.why()).find("2 value bytes short"), std::string::npos) << o.why();
  ASSERT_EQ(tether_invocation_output_write(o.get(), bytes + 2, 2, nullptr), TETHER_OK);
  EXPECT_EQ(tether_invocation_output_write(o.get(), bytes, 1, &written), TETHER_INVALID_ARGUMENT);
  ASSERT_EQ(tether_invocation_output_finish(o.get()), TETHER_OK);
  // After finish: nothing more of it.
  EXPECT_EQ(tether_invocation_output_write(o.get(), bytes, 1, &written), TETHER_INVALID_STATE);
  EXPECT_EQ(tether_invocation_output_finish(o.get()), TETHER_INVALID_STATE);
  EXPECT_EQ(tether_invocation_output_begin(o.get(), 1), TETHER_INVALID_STATE);
  tether_invocation_event event{};
  ASSERT_EQ(o.poll(&event), TETHER_OK);
  EXPECT_EQ(event.kind, TETHER_INVOCATION_EVENT_DONE);
  Bytes value(bytes, bytes + 4);
  EXPECT_EQ(o.take(), completed(value, 0));
}

// A stream that fails while a frame of the output is open (here: a malformed frame
// fed meanwhile) cannot say why inside that frame: it ends, and writes are refused.
TEST(InvocationOutput, AFailedStreamRefusesTheRestOfTheOutput) {
  Output o;
  ASSERT_EQ(o.run(), TETHER_OK);
  ASSERT_EQ(tether_invocation_output_begin(o.get(), 10), TETHER_OK);
  const uint8_t bytes[10] = {};
  ASSERT_EQ(tether_invocation_output_write(o.get(), bytes, 3, nullptr), TETHER_OK);
  const Bytes bad = tether_test::header_only(0x0000, 0, 0xFFFFFFFF);  // over every limit
  o.feed(bad);
  tether_invocation_event event{};
  EXPECT_NE(o.poll(&event), TETHER_OK);
  EXPECT_EQ(tether_invocation_state_get(o.get()), TETHER_INVOCATION_DONE);
  size_t written = 1;
  EXPECT_EQ(tether_invocation_output_write(o.get(), bytes, 7, &written), TETHER_CLOSED);
  EXPECT_EQ(written, 0u);
  EXPECT_EQ(tether_invocation_output_finish(o.get()), TETHER_CLOSED);
  // No ErrorMessage went inside the open frame: the output is its first bytes only.
  Bytes out = o.take();
  EXPECT_EQ(out.size(), 8u + 4u + 3u);  // header, field headers (two keys, two lengths), 3 bytes
}

TEST(InvocationOutput, QueuedOutputStaysUnderTheHighWatermark) {
  constexpr uint64_t kHigh = 256;
  const Bytes value = value_of(5000);  // twenty times the watermark, one message
  for (uint32_t extensions : {0u, uint32_t{TETHER_EXT_CHUNKED}}) {
    Output o(extensions, kHigh);
    ASSERT_EQ(stream(o, value, 1000), TETHER_OK) << o.why();
    EXPECT_EQ(o.taken(), completed(value, extensions));
    // The watermark, the field headers written past it at begin, and the headers of
    // the frames begun by the last write (a piece is at most the room under the mark).
    EXPECT_LE(o.peak_outbound(), kHigh + 8 + 22 + 5 * 8) << "extensions " << extensions;
  }
}

// Without chunked/1 the message is one frame: a Ping read meanwhile is answered after
// the frame's last byte (poll says WOULD_BLOCK until then); with chunked/1, at the
// next chunk boundary (here: right away, the first chunk is complete).
TEST(InvocationOutput, APongWaitsForTheFrameInProgress) {
  const Bytes value = value_of(200);
  // The first 64-byte chunk: 6 bytes of field headers (a 200-byte value), 58 of value.
  constexpr size_t kFirstChunk = 58;
  for (uint32_t extensions : {uint32_t{TETHER_EXT_PING}, TETHER_EXT_PING | TETHER_EXT_CHUNKED}) {
    Output o(extensions);
    ASSERT_EQ(o.run(), TETHER_OK);
    ASSERT_EQ(tether_invocation_output_begin(o.get(), value.size()), TETHER_OK);
    ASSERT_EQ(tether_invocation_output_write(o.get(), value.data(), kFirstChunk, nullptr),
              TETHER_OK);
    ASSERT_EQ(o.feed(kPing), TETHER_OK);
    tether_invocation_event event{};
    bool chunked = extensions & TETHER_EXT_CHUNKED;
    if (chunked) {
      EXPECT_EQ(o.poll(&event), TETHER_EMPTY) << o.why();  // the Pong is queued
    } else {
      EXPECT_EQ(o.poll(&event), TETHER_WOULD_BLOCK);
      EXPECT_NE(std::string(o.why()).find("frame in progress"), std::string::npos) << o.why();
    }
    ASSERT_EQ(tether_invocation_output_write(o.get(), value.data() + kFirstChunk,
                                             value.size() - kFirstChunk, nullptr),
              TETHER_OK);
    ASSERT_EQ(tether_invocation_output_finish(o.get()), TETHER_OK);
    ASSERT_EQ(o.poll(&event), TETHER_OK);
    EXPECT_EQ(event.kind, TETHER_INVOCATION_EVENT_DONE);
    std::vector<Frame> frames = frames_of(o.take());
    size_t pong = 0, last_output = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
      if (frames[i].type == TETHER_MSG_PONG) pong = i;
      if (frames[i].type == TETHER_MSG_OUTPUT_COMMAND) last_output = i;
    }
    ASSERT_NE(pong, 0u) << "no Pong";
    EXPECT_EQ(pong > last_output, !chunked) << "extensions " << extensions;
  }
}

TEST(InvocationOutput, EveryAllocationFailureIsNoMemoryAndLeaksNothing) {
  const Bytes value = value_of(3000);
  TrackingAllocator counting;
  tether_allocator hook = counting.hook();
  size_t needed = 0;
  {
    Output o(TETHER_EXT_CHUNKED, 1024, 0, &hook);
    ASSERT_EQ(stream(o, value, 500), TETHER_OK) << o.why();
  }
  needed = counting.calls;
  EXPECT_EQ(counting.blocks, 0u);
  for (size_t fail_after = 0; fail_after < needed; ++fail_after) {
    TrackingAllocator failing;
    failing.fail_after = fail_after;
    tether_allocator failing_hook = failing.hook();
    {
      Output o(TETHER_EXT_CHUNKED, 1024, 0, &failing_hook);
      tether_status status = o.status() == TETHER_OK ? stream(o, value, 500) : o.status();
      EXPECT_EQ(status, TETHER_NO_MEMORY) << "failing after " << fail_after << " allocations";
    }
    EXPECT_EQ(failing.blocks, 0u) << "failing after " << fail_after << " allocations";
  }
}

}  // namespace
