// The runner reads responses as a runtime would: whole and chunked messages in
// order, and anything a conforming endpoint may not send is reported, not skipped.
#include <gtest/gtest.h>

#include "frame_bytes.h"
#include "response.h"

namespace tether::conformance {
namespace {

using tether_test::Bytes;
using tether_test::concat;
using tether_test::frame;

FrameLimits v8(uint32_t max_frame = 4) { return FrameLimits{max_frame, true}; }

void feed(ResponseParser &p, const Bytes &bytes) { p.feed(bytes.data(), bytes.size(), 1); }

TEST(ResponseParser, WholeMessagesInOrder) {
  ResponseParser p(v8(16), 64);
  feed(p, concat({frame(TETHER_MSG_PONG, 0, "abc"), frame(TETHER_MSG_END, 0, "")}));
  p.finish();
  EXPECT_EQ(p.error(), "");
  ASSERT_EQ(p.messages().size(), 2u);
  EXPECT_EQ(p.messages()[0].type, TETHER_MSG_PONG);
  EXPECT_EQ(p.messages()[0].payload, "abc");
  EXPECT_EQ(p.messages()[1].type, TETHER_MSG_END);
}

TEST(ResponseParser, ChunksJoinedWithPongsBetweenKeptInArrivalOrder) {
  Bytes bytes = concat({frame(TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED, "0123"),
                        frame(TETHER_MSG_PONG, 0, "n"),
                        frame(TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED, "4567"),
                        frame(TETHER_MSG_OUTPUT_COMMAND, 0, "89")});
  ResponseParser p(v8(), 64);
  for (uint8_t b : bytes) p.feed(&b, 1, 1);  // split at every byte
  p.finish();
  EXPECT_EQ(p.error(), "");
  ASSERT_EQ(p.messages().size(), 2u);
  EXPECT_EQ(p.messages()[0].type, TETHER_MSG_PONG);
  EXPECT_EQ(p.messages()[1].payload, "0123456789");
  EXPECT_EQ(p.messages()[1].frames, 3u);
  EXPECT_EQ(p.continued_frames(), 2u);
}

TEST(ResponseParser, ContinuedWithoutV8IsAnError) {
  ResponseParser p(FrameLimits{64, false}, 64);
  feed(p, frame(TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED, "ab"));
  EXPECT_NE(p.error(), "");
  EXPECT_TRUE(p.messages().empty());
}

TEST(ResponseParser, FrameOverTheChunkBoundIsAnError) {
  ResponseParser p(v8(4), 64);
  feed(p, frame(TETHER_MSG_OUTPUT_COMMAND, 0, "12345"));
  EXPECT_NE(p.error(), "");
}

TEST(ResponseParser, ChunkedMessageOverTheLimitIsAnError) {
  ResponseParser p(v8(4), 6);
  feed(p, concat({frame(TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED, "1234"),
                  frame(TETHER_MSG_OUTPUT_COMMAND, 0, "567")}));
  EXPECT_NE(p.error().find("max_message_size"), std::string::npos) << p.error();
}

TEST(ResponseParser, AnotherMessageBetweenChunksIsAnError) {
  ResponseParser p(v8(), 64);
  feed(p, concat({frame(TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED, "12"),
                  frame(0x0402, 0, "")}));
  EXPECT_NE(p.error(), "");
}

TEST(ResponseParser, UnknownControlTypeIsAnError) {
  ResponseParser p(v8(), 64);
  feed(p, frame(0x00ff, 0, ""));
  EXPECT_NE(p.error(), "");
}

TEST(ResponseParser, EndingInsideAFrameOrAChunkedMessageIsAnError) {
  ResponseParser cut(v8(), 64);
  Bytes half = frame(TETHER_MSG_END, 0, "");
  cut.feed(half.data(), 5, 1);
  cut.finish();
  EXPECT_NE(cut.error(), "");

  ResponseParser open(v8(), 64);
  feed(open, frame(TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED, "12"));
  open.finish();
  EXPECT_NE(open.error().find("chunked"), std::string::npos) << open.error();
}

TEST(ResponseParser, NothingIsParsedAfterAnError) {
  ResponseParser p(v8(), 64);
  feed(p, concat({frame(0x00ff, 0, ""), frame(TETHER_MSG_END, 0, "")}));
  std::string first = p.error();
  feed(p, frame(TETHER_MSG_END, 0, ""));
  EXPECT_EQ(p.error(), first);
  EXPECT_TRUE(p.messages().empty());
}

}  // namespace
}  // namespace tether::conformance
