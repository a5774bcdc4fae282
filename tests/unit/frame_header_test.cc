#include "frame/header.h"

#include <gtest/gtest.h>

#include "frame_bytes.h"

namespace tether {
namespace {

TEST(FrameHeader, EncodesBigEndianTypeFlagsLength) {
  uint8_t out[kFrameHeaderSize];
  encode_header(FrameHeader{0x0401, 0x8000, 0x01020304}, out);
  EXPECT_EQ(tether_test::Bytes(out, out + 8), tether_test::header_only(0x0401, 0x8000, 0x01020304));
}

TEST(FrameHeader, RoundTripsExtremes) {
  for (FrameHeader h : {FrameHeader{0, 0, 0}, FrameHeader{0xFFFF, 0xFFFF, 0xFFFFFFFF},
                        FrameHeader{0x0008, 0x4000, 17}}) {
    uint8_t out[kFrameHeaderSize];
    encode_header(h, out);
    FrameHeader back = decode_header(out);
    EXPECT_EQ(back.type, h.type);
    EXPECT_EQ(back.flags, h.flags);
    EXPECT_EQ(back.length, h.length);
  }
}

TEST(FrameHeader, ClassifiesTypes) {
  EXPECT_EQ(classify_type(TETHER_MSG_START), TypeClass::kControl);
  EXPECT_EQ(classify_type(TETHER_MSG_PONG), TypeClass::kControl);
  EXPECT_EQ(classify_type(0x000A), TypeClass::kUnknown);
  EXPECT_EQ(classify_type(0x01FF), TypeClass::kUnknown);
  // Each version's own table: V7 adds AwaitingOn and its ack, V8 the ephemeral ranges.
  EXPECT_EQ(classify_type(TETHER_MSG_AWAITING_ON, 6), TypeClass::kUnknown);
  EXPECT_EQ(classify_type(TETHER_MSG_PROPOSE_RUN_COMPLETION_ACK, 7), TypeClass::kControl);
  EXPECT_EQ(classify_type(0x0200, 7), TypeClass::kUnknown);
  EXPECT_EQ(classify_type(0x03FF, 7), TypeClass::kUnknown);
  EXPECT_EQ(classify_type(0x0200, 8), TypeClass::kEphemeral);
  EXPECT_EQ(classify_type(0x03FF, 8), TypeClass::kEphemeral);
  EXPECT_STREQ(type_name(0x0300), "ephemeral notification");
  EXPECT_EQ(classify_type(0x0400), TypeClass::kCommand);
  EXPECT_EQ(classify_type(0x8002), TypeClass::kNotification);
  EXPECT_EQ(classify_type(0xFBFF), TypeClass::kNotification);
  EXPECT_EQ(classify_type(0xFC00), TypeClass::kCustom);
  EXPECT_STREQ(type_name(TETHER_MSG_PING), "Ping");
  EXPECT_STREQ(type_name(TETHER_MSG_OUTPUT_COMMAND), "OutputCommand");
}

struct Case {
  FrameHeader header;
  bool allow_continued;
  Status expected;
  const char *message_part;
};

class ValidateHeader : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateHeader, GivesItsOwnStatusAndNamesTheProblem) {
  const Case &c = GetParam();
  ErrorSlot error;
  FrameLimits limits{1024, c.allow_continued};
  EXPECT_EQ(validate_header(c.header, limits, error), c.expected);
  EXPECT_NE(std::string(error.message()).find(c.message_part), std::string::npos)
      << error.message();
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidateHeader,
    ::testing::Values(
        Case{{TETHER_MSG_START, 0, 1024}, false, TETHER_OK, ""},
        Case{{0x0401, kFlagRequestedAck, 0}, false, TETHER_OK, ""},
        Case{{0xFC01, kFlagRequestedAck, 0}, false, TETHER_OK, ""},
        Case{{0x0401, kFlagContinued, 1}, true, TETHER_OK, ""},
        Case{{TETHER_MSG_START, 0, 1025}, false, TETHER_FRAME_TOO_LARGE, "over max_frame_payload"},
        Case{{0x0042, 0, 0}, false, TETHER_UNKNOWN_TYPE, "0x0042"},
        Case{{TETHER_MSG_END, kFlagRequestedAck, 0}, false, TETHER_BAD_FLAGS, "End"},
        Case{{0x8002, kFlagRequestedAck, 0}, false, TETHER_BAD_FLAGS, "notification"},
        Case{{0x0401, 0x0001, 0}, false, TETHER_BAD_FLAGS, "0x0001"},
        Case{{0x0401, kFlagContinued, 0}, false, TETHER_BAD_FLAGS, "needs the chunked/1 extension"},
        Case{{TETHER_MSG_PING, kFlagContinued, 0}, true, TETHER_BAD_FLAGS, "Ping"}));

}  // namespace
}  // namespace tether
