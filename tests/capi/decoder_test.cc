#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "frame_bytes.h"
#include "tether.h"
#include "tracking_allocator.h"

namespace {

using tether_test::Bytes;
using tether_test::concat;
using tether_test::frame;
using tether_test::TrackingAllocator;

TEST(DecoderApi, DecodesThroughTheHandleAndUsesTheAllocatorHook) {
  TrackingAllocator counting;
  tether_decoder_options options;
  tether_decoder_options_init(&options);
  options.allocator = counting.hook();
  tether_decoder *decoder = nullptr;
  ASSERT_EQ(tether_decoder_new(&options, &decoder), TETHER_OK);

  Bytes stream = concat({frame(TETHER_MSG_START, 0, "abc"), frame(0x0401, 0, "out")});
  size_t consumed = 0;
  ASSERT_EQ(tether_decoder_feed(decoder, stream.data(), stream.size(), &consumed), TETHER_OK);
  EXPECT_EQ(consumed, stream.size());
  tether_frame f;
  ASSERT_EQ(tether_decoder_next(decoder, &f), TETHER_OK);
  EXPECT_EQ(f.type, TETHER_MSG_START);
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(f.payload), f.length), "abc");
  ASSERT_EQ(tether_decoder_next(decoder, &f), TETHER_OK);
  EXPECT_EQ(f.type, 0x0401);
  EXPECT_EQ(tether_decoder_next(decoder, &f), TETHER_EMPTY);
  EXPECT_EQ(tether_decoder_finish(decoder), TETHER_OK);
  EXPECT_STREQ(tether_decoder_last_error(decoder), "");
  tether_decoder_free(decoder);
  EXPECT_GE(counting.calls, 2u);  // the handle and its queue
  EXPECT_EQ(counting.blocks, 0u);
}

TEST(DecoderApi, ReportsMalformedInputWithAMessage) {
  tether_decoder *decoder = nullptr;
  ASSERT_EQ(tether_decoder_new(nullptr, &decoder), TETHER_OK);
  Bytes bad = frame(0x0077, 0, "");
  size_t consumed = 0;
  EXPECT_EQ(tether_decoder_feed(decoder, bad.data(), bad.size(), &consumed), TETHER_UNKNOWN_TYPE);
  EXPECT_NE(std::string(tether_decoder_last_error(decoder)).find("0x0077"), std::string::npos);
  EXPECT_EQ(tether_decoder_feed(decoder, bad.data(), bad.size(), &consumed), TETHER_STREAM_FAILED);
  tether_decoder_free(decoder);
}

TEST(DecoderApi, TruncatedAtEndOfStream) {
  tether_decoder *decoder = nullptr;
  ASSERT_EQ(tether_decoder_new(nullptr, &decoder), TETHER_OK);
  Bytes partial = frame(TETHER_MSG_START, 0, "abcdef");
  partial.resize(10);
  size_t consumed = 0;
  EXPECT_EQ(tether_decoder_feed(decoder, partial.data(), partial.size(), &consumed), TETHER_OK);
  EXPECT_EQ(tether_decoder_finish(decoder), TETHER_TRUNCATED);
  EXPECT_NE(std::string(tether_decoder_last_error(decoder)).find("4 bytes short"),
            std::string::npos);
  tether_decoder_free(decoder);
}

TEST(DecoderApi, RejectsMisuse) {
  tether_decoder *decoder = nullptr;
  EXPECT_EQ(tether_decoder_new(nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  tether_decoder_options options;
  tether_decoder_options_init(&options);
  options.max_frame_payload = 0;
  EXPECT_EQ(tether_decoder_new(&options, &decoder), TETHER_INVALID_ARGUMENT);
  tether_decoder_options_init(&options);
  options.max_buffered = 16;  // smaller than one frame
  EXPECT_EQ(tether_decoder_new(&options, &decoder), TETHER_INVALID_ARGUMENT);
  tether_decoder_options_init(&options);
  options.allocator.malloc_fn = [](size_t n, void *) { return std::malloc(n); };  // incomplete
  EXPECT_EQ(tether_decoder_new(&options, &decoder), TETHER_INVALID_ARGUMENT);
  tether_decoder_options_init(&options);
  options.struct_size = sizeof options + 8;  // from a newer header than the library
  EXPECT_EQ(tether_decoder_new(&options, &decoder), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(decoder, nullptr);

  ASSERT_EQ(tether_decoder_new(nullptr, &decoder), TETHER_OK);
  size_t consumed = 7;
  EXPECT_EQ(tether_decoder_feed(decoder, nullptr, 5, &consumed), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(consumed, 0u);
  EXPECT_NE(std::string(tether_decoder_last_error(decoder)).find("NULL"), std::string::npos);
  EXPECT_EQ(tether_decoder_next(decoder, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_decoder_feed(nullptr, nullptr, 0, nullptr), TETHER_INVALID_ARGUMENT);
  tether_decoder_free(decoder);
  tether_decoder_free(nullptr);
}

TEST(DecoderApi, AcceptsAnOlderShorterOptionsStruct) {
  // A caller built against a header whose options ended after max_frame_payload.
  tether_decoder_options options;
  tether_decoder_options_init(&options);
  options.max_frame_payload = 64;
  options.allow_continued = 1;  // past the old struct's end: must be ignored
  options.struct_size = offsetof(tether_decoder_options, max_buffered);
  tether_decoder *decoder = nullptr;
  ASSERT_EQ(tether_decoder_new(&options, &decoder), TETHER_OK);
  Bytes chunk = frame(0x0401, TETHER_FLAG_CONTINUED, "x");
  size_t consumed = 0;
  EXPECT_EQ(tether_decoder_feed(decoder, chunk.data(), chunk.size(), &consumed), TETHER_BAD_FLAGS);
  tether_decoder_free(decoder);
}

}  // namespace
