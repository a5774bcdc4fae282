#include "frame/decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "frame_bytes.h"

namespace tether {
namespace {

using tether_test::Bytes;
using tether_test::concat;
using tether_test::frame;
using tether_test::header_only;

struct Seen {
  uint16_t type;
  uint16_t flags;
  std::string payload;
  bool operator==(const Seen &) const = default;
};

std::vector<Seen> drain(FrameDecoder &decoder) {
  std::vector<Seen> out;
  DecodedFrame f;
  while (decoder.next(&f) == TETHER_OK) {
    out.push_back({f.header.type, f.header.flags,
                   std::string(reinterpret_cast<const char *>(f.payload), f.header.length)});
  }
  return out;
}

FrameLimits v8_limits() { return FrameLimits{1 << 16, true}; }

Bytes sample_stream() {
  return concat({frame(TETHER_MSG_START, 0, "start-body"), frame(TETHER_MSG_INPUT_COMMAND, 0, ""),
                 frame(TETHER_MSG_PING, 0, std::string(64, 'n')),
                 frame(0x0401, kFlagContinued, std::string(300, 'a')),
                 frame(0x0401, 0, std::string(5, 'b')), frame(0x8002, 0, "x"),
                 frame(0xFC07, kFlagRequestedAck, "custom"), frame(TETHER_MSG_END, 0, "")});
}

const std::vector<Seen> kSampleFrames = {
    {TETHER_MSG_START, 0, "start-body"},        {TETHER_MSG_INPUT_COMMAND, 0, ""},
    {TETHER_MSG_PING, 0, std::string(64, 'n')}, {0x0401, kFlagContinued, std::string(300, 'a')},
    {0x0401, 0, std::string(5, 'b')},           {0x8002, 0, "x"},
    {0xFC07, kFlagRequestedAck, "custom"},      {TETHER_MSG_END, 0, ""},
};

TEST(FrameDecoder, DecodesAWholeStream) {
  Bytes stream = sample_stream();
  FrameDecoder decoder(v8_limits(), 1 << 20, Allocator());
  size_t consumed = 0;
  ASSERT_EQ(decoder.feed(stream.data(), stream.size(), &consumed), TETHER_OK);
  EXPECT_EQ(consumed, stream.size());
  EXPECT_EQ(drain(decoder), kSampleFrames);
  EXPECT_EQ(decoder.finish(), TETHER_OK);
}

TEST(FrameDecoder, SameFramesWhenSplitAtEveryOffset) {
  Bytes stream = sample_stream();
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameDecoder decoder(v8_limits(), 1 << 20, Allocator());
    size_t first = 0, second = 0;
    ASSERT_EQ(decoder.feed(stream.data(), cut, &first), TETHER_OK);
    std::vector<Seen> seen = drain(decoder);
    ASSERT_EQ(decoder.feed(stream.data() + cut, stream.size() - cut, &second), TETHER_OK);
    EXPECT_EQ(first + second, stream.size());
    for (Seen &s : drain(decoder)) seen.push_back(s);
    ASSERT_EQ(seen, kSampleFrames) << "split at " << cut;
    EXPECT_EQ(decoder.finish(), TETHER_OK);
  }
}

TEST(FrameDecoder, SameFramesWhenFedOneByteAtATime) {
  Bytes stream = sample_stream();
  FrameDecoder decoder(v8_limits(), 1 << 20, Allocator());
  std::vector<Seen> seen;
  for (uint8_t byte : stream) {
    size_t consumed = 0;
    ASSERT_EQ(decoder.feed(&byte, 1, &consumed), TETHER_OK);
    ASSERT_EQ(consumed, 1u);
    for (Seen &s : drain(decoder)) seen.push_back(s);
  }
  EXPECT_EQ(seen, kSampleFrames);
}

TEST(FrameDecoder, WouldBlockWhenTheQueueIsFullAndResumesWithoutLoss) {
  Bytes stream = sample_stream();
  // Room for the largest frame (300 bytes + its 8-byte record header) and little more.
  FrameDecoder decoder(FrameLimits{400, true}, 408, Allocator());
  std::vector<Seen> seen;
  size_t offset = 0;
  int blocked = 0;
  while (offset < stream.size()) {
    size_t consumed = 0;
    Status status = decoder.feed(stream.data() + offset, stream.size() - offset, &consumed);
    offset += consumed;
    if (status == TETHER_WOULD_BLOCK)
      ++blocked;
    else
      ASSERT_EQ(status, TETHER_OK);
    for (Seen &s : drain(decoder)) seen.push_back(s);
  }
  EXPECT_GT(blocked, 0);
  EXPECT_EQ(seen, kSampleFrames);
}

struct Malformed {
  const char *name;
  Bytes bytes;
  Status status;
  const char *message_part;
};

class FrameDecoderMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(FrameDecoderMalformed, FailsWithItsOwnStatusAndKeepsTheGoodFramesBefore) {
  const Malformed &m = GetParam();
  Bytes stream = concat({frame(TETHER_MSG_START, 0, "ok"), m.bytes});
  FrameDecoder decoder(FrameLimits{1024, false}, 1 << 16, Allocator());
  size_t consumed = 0;
  Status status = decoder.feed(stream.data(), stream.size(), &consumed);
  if (status == TETHER_OK) status = decoder.finish();
  EXPECT_EQ(status, m.status);
  EXPECT_NE(std::string(decoder.error().message()).find(m.message_part), std::string::npos)
      << decoder.error().message();
  EXPECT_EQ(drain(decoder).size(), 1u);  // the good frame before the bad one
  // A frame after the failure is refused with a status of its own.
  Bytes more = frame(TETHER_MSG_END, 0, "");
  EXPECT_EQ(decoder.feed(more.data(), more.size(), &consumed), TETHER_STREAM_FAILED);
  EXPECT_EQ(consumed, 0u);
  EXPECT_NE(std::string(decoder.error().message()).find("stream already failed"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FrameDecoderMalformed,
    ::testing::Values(
        Malformed{"truncated_header", Bytes{0x00, 0x03, 0x00}, TETHER_TRUNCATED,
                  "3 of 8 header bytes"},
        Malformed{"truncated_payload", concat({header_only(0x0400, 0, 10), Bytes{1, 2, 3}}),
                  TETHER_TRUNCATED, "7 bytes short of a 10-byte"},
        Malformed{"length_over_limit", header_only(0x0400, 0, 1025), TETHER_FRAME_TOO_LARGE,
                  "1025"},
        Malformed{"unknown_control_type", frame(0x0123, 0, ""), TETHER_UNKNOWN_TYPE, "0x0123"},
        Malformed{"disallowed_flag", frame(TETHER_MSG_END, kFlagRequestedAck, ""), TETHER_BAD_FLAGS,
                  "End"},
        Malformed{"continued_not_negotiated", frame(0x0400, kFlagContinued, "x"), TETHER_BAD_FLAGS,
                  "chunked/1"}),
    [](const auto &info) { return std::string(info.param.name); });

TEST(FrameDecoder, AcceptsNoInputAsNullAndZero) {
  FrameDecoder decoder(v8_limits(), 1 << 20, Allocator());
  size_t consumed = 1;
  EXPECT_EQ(decoder.feed(nullptr, 0, &consumed), TETHER_OK);  // UBSan: no memcpy from NULL
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(decoder.finish(), TETHER_OK);
}

TEST(FrameDecoder, RejectsAnOversizeHeaderBeforeBufferingItsPayload) {
  // The header announces 1 GiB; the decoder must fail on the 8 header bytes alone.
  Bytes stream = header_only(0x0400, 0, 1u << 30);
  FrameDecoder decoder(FrameLimits{1024, false}, 1 << 16, Allocator());
  size_t consumed = 0;
  EXPECT_EQ(decoder.feed(stream.data(), stream.size(), &consumed), TETHER_FRAME_TOO_LARGE);
  EXPECT_EQ(consumed, 8u);
}

}  // namespace
}  // namespace tether
