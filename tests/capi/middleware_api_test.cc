// tether_middleware through tether.h only: the path an adapter puts between the HTTP/2
// stream and an upstream SDK's state machine (PROTOCOL.md, "tether in front of an
// upstream SDK"). Byte transparency, Pings answered in the SDK's loop, chunks in and
// out, the 413 rule, malformed input kept from the SDK, backpressure and misuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "frame_bytes.h"
#include "tether.h"
#include "tracking_allocator.h"

namespace {

using tether_test::Bytes;
using tether_test::concat;
using tether_test::frame;
using tether_test::header_only;
using tether_test::TrackingAllocator;

const Bytes kStart = frame(TETHER_MSG_START, 0, std::string("\x18\x02", 2));
const Bytes kInput = frame(TETHER_MSG_INPUT_COMMAND, 0, "\x72\x04\x0a\x02hi");
// A GetLazyState command asking for an ack, as an SDK might write it.
const Bytes kCommand = frame(0x0402, TETHER_FLAG_REQUESTED_ACK, "\x0a\x01k");
const Bytes kEnd = frame(TETHER_MSG_END, 0, "");

Bytes ping(const std::string &nonce) {
  return frame(TETHER_MSG_PING, 0, std::string("\x0a", 1) + char(nonce.size()) + nonce);
}
Bytes output(size_t n) {
  // OutputCommand{value{content: n bytes}} for n < 128 - 2.
  std::string body =
      "\x72" + std::string(1, char(n + 2)) + "\x0a" + std::string(1, char(n)) + std::string(n, 'o');
  return frame(TETHER_MSG_OUTPUT_COMMAND, 0, body);
}
std::string text(const Bytes &b) { return std::string(b.begin(), b.end()); }

class Middleware {
 public:
  explicit Middleware(uint32_t extensions = 0, uint32_t version = 6,
                      void (*adjust)(tether_session_options &) = nullptr,
                      uint64_t max_output_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE) {
    tether_session_options session;
    tether_session_options_init(&session);
    session.protocol_version = version;
    session.extensions = extensions;
    if (adjust) adjust(session);
    tether_middleware_options options;
    tether_middleware_options_init(&options);
    options.session = &session;
    options.max_output_size = max_output_size;
    EXPECT_EQ(tether_middleware_new(&options, &m), TETHER_OK);
  }
  ~Middleware() { tether_middleware_free(m); }

  tether_status feed(const Bytes &b) {
    size_t used = 0;
    tether_status s = tether_middleware_feed(m, b.data(), b.size(), &used);
    if (s == TETHER_OK) {
      EXPECT_EQ(used, b.size());
    }
    return s;
  }
  // What the SDK is handed by one dispatch step.
  Bytes sdk_input(tether_status expect = TETHER_OK) {
    const uint8_t *data = nullptr;
    size_t length = 0;
    EXPECT_EQ(tether_middleware_take_sdk_input(m, &data, &length), expect)
        << tether_middleware_last_error(m);
    return Bytes(data, data + length);
  }
  tether_status sdk(const Bytes &b, size_t *consumed = nullptr) {
    return tether_middleware_sdk_output(m, b.data(), b.size(), consumed);
  }
  Bytes wire() {
    Bytes out;
    const uint8_t *data = nullptr;
    size_t length = 0;
    while (tether_middleware_pending_output(m, &data, &length) == TETHER_OK && length) {
      out.insert(out.end(), data, data + length);
      tether_middleware_consume_output(m, length);
    }
    return out;
  }

  tether_middleware *m = nullptr;
};

TEST(MiddlewareApi, WithoutTheExtensionBothDirectionsAreByteTransparent) {
  Middleware mw(0, 8);
  Bytes ephemeral = frame(0x0300, 0, "eph");
  Bytes request = concat({kStart, kInput, ephemeral, frame(0x8002, 0, "done")});
  ASSERT_EQ(mw.feed(request), TETHER_OK);
  EXPECT_EQ(mw.sdk_input(), request);
  EXPECT_EQ(mw.sdk_input(), Bytes());  // handed once
  Bytes reply = concat({kCommand, output(5), kEnd});
  ASSERT_EQ(mw.sdk(reply), TETHER_OK);
  EXPECT_EQ(mw.wire(), reply);
  EXPECT_EQ(tether_middleware_sdk_output_end(mw.m), TETHER_OK);
  EXPECT_EQ(tether_middleware_finish_input(mw.m), TETHER_OK);
  EXPECT_EQ(mw.sdk_input(TETHER_CLOSED), Bytes());
  EXPECT_EQ(tether_middleware_replaced(mw.m), 0);
}

TEST(MiddlewareApi, SdkOutputSplitAtEveryByteGivesTheSameWire) {
  Bytes reply = concat({kCommand, output(40), kEnd});
  for (size_t cut = 0; cut <= reply.size(); ++cut) {
    Middleware mw;
    size_t used = 0;
    ASSERT_EQ(tether_middleware_sdk_output(mw.m, reply.data(), cut, &used), TETHER_OK);
    ASSERT_EQ(used, cut);
    ASSERT_EQ(tether_middleware_sdk_output(mw.m, reply.data() + cut, reply.size() - cut, &used),
              TETHER_OK);
    EXPECT_EQ(mw.wire(), reply) << "cut at " << cut;
    EXPECT_EQ(tether_middleware_sdk_output_end(mw.m), TETHER_OK);
  }
}

TEST(MiddlewareApi, PingsAreAnsweredInTheSdkLoopAndNeverReachTheSdk) {
  Middleware mw(TETHER_EXT_PING);
  ASSERT_EQ(mw.feed(concat({kStart, ping("a"), kInput, ping("b")})), TETHER_OK);
  EXPECT_EQ(mw.wire(), Bytes()) << "no Pong before the SDK's loop ran";
  EXPECT_EQ(mw.sdk_input(), concat({kStart, kInput}));
  Bytes pongs = mw.wire();
  EXPECT_EQ(text(pongs),
            text(concat({frame(TETHER_MSG_PONG, 0, std::string("\x0a\x01", 2) + "a"),
                         frame(TETHER_MSG_PONG, 0, std::string("\x0a\x01", 2) + "b")})));
  tether_session_stats stats{};
  stats.struct_size = sizeof stats;
  ASSERT_EQ(tether_middleware_session_stats(mw.m, &stats), TETHER_OK);
  EXPECT_EQ(stats.pings_answered, 2u);
}

TEST(MiddlewareApi, ChunksAreReassembledForTheSdkAndLargeOutputIsChunked) {
  Middleware mw(TETHER_EXT_ALL, 6, [](tether_session_options &s) { s.max_frame_payload = 4; });
  std::string body = "\x72\x04\x0a\x02hi";  // 6 bytes in frames of 4 + 2
  ASSERT_EQ(mw.feed(concat(
                {kStart, frame(TETHER_MSG_INPUT_COMMAND, TETHER_FLAG_CONTINUED, body.substr(0, 4)),
                 ping("p"), frame(TETHER_MSG_INPUT_COMMAND, 0, body.substr(4))})),
            TETHER_OK);
  EXPECT_EQ(mw.sdk_input(), concat({kStart, kInput}));
  mw.wire();                                // the Pong
  ASSERT_EQ(mw.sdk(output(4)), TETHER_OK);  // 8 bytes of body: two chunks of 4
  Bytes wire = mw.wire();
  ASSERT_EQ(wire.size(), 2 * 8 + 8u);
  EXPECT_EQ(Bytes(wire.begin(), wire.begin() + 8),
            header_only(TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED, 4));
  EXPECT_EQ(Bytes(wire.begin() + 12, wire.begin() + 20),
            header_only(TETHER_MSG_OUTPUT_COMMAND, 0, 4));
}

// Plain messages are handed out in place from the session's queue, Pings and chunks
// through a copy: fed in two pieces cut at every byte, with a dispatch step after
// each, the SDK gets the same frames in the same order, and each Ping its Pong.
TEST(MiddlewareApi, InputCutAtEveryByteGivesTheSdkTheSameFrames) {
  std::string body = "\x72\x04\x0a\x02hi";
  Bytes chunked = concat({frame(TETHER_MSG_INPUT_COMMAND, TETHER_FLAG_CONTINUED, body.substr(0, 4)),
                          frame(TETHER_MSG_INPUT_COMMAND, 0, body.substr(4))});
  Bytes notification = frame(0x800D, 0, "\x08\x01");  // within the 4-byte frames
  Bytes request = concat(
      {kStart, notification, ping("a"), notification, chunked, notification, kCommand, ping("b")});
  Bytes plain = concat({kStart, notification, notification, kInput, notification, kCommand});
  for (size_t cut = 0; cut <= request.size(); ++cut) {
    Middleware mw(TETHER_EXT_ALL, 6, [](tether_session_options &s) { s.max_frame_payload = 4; });
    Bytes first(request.begin(), request.begin() + cut), rest(request.begin() + cut, request.end());
    ASSERT_EQ(mw.feed(first), TETHER_OK);
    Bytes sdk = mw.sdk_input();
    ASSERT_EQ(mw.feed(rest), TETHER_OK);
    Bytes more = mw.sdk_input();
    sdk.insert(sdk.end(), more.begin(), more.end());
    EXPECT_EQ(sdk, plain) << "cut at " << cut;
    EXPECT_EQ(mw.sdk_input(), Bytes()) << "handed once, cut at " << cut;
    EXPECT_EQ(mw.wire().size(), 2 * 11u) << "two Pongs, cut at " << cut;
  }
}

TEST(MiddlewareApi, TheFirstOversizeMessageBecomesA413FailureAndEnd) {
  Middleware mw(0, 6, nullptr, 1000);
  ASSERT_EQ(mw.sdk(kCommand), TETHER_OK);
  // Only the header of a 40 MiB output: refused before any payload byte is read.
  Bytes big = header_only(TETHER_MSG_OUTPUT_COMMAND, 0, 40u << 20);
  size_t used = 0;
  EXPECT_EQ(mw.sdk(concat({big, Bytes(100, 'x')}), &used), TETHER_MESSAGE_TOO_LARGE);
  EXPECT_EQ(used, big.size() + 100);
  EXPECT_NE(std::string(tether_middleware_last_error(mw.m)).find("41943040 bytes"),
            std::string::npos);
  EXPECT_EQ(tether_middleware_replaced(mw.m), 1);
  // The rest of the SDK's output is taken and dropped.
  EXPECT_EQ(mw.sdk(concat({Bytes(1000, 'y'), kEnd})), TETHER_OK);
  EXPECT_EQ(tether_middleware_sdk_output_end(mw.m), TETHER_OK);
  std::string wire = text(mw.wire());
  ASSERT_EQ(wire.substr(0, kCommand.size()), text(kCommand));
  std::string failure = wire.substr(kCommand.size());
  EXPECT_EQ(failure.substr(0, 2), "\x04\x01");  // OutputCommand
  EXPECT_NE(failure.find("output message of 41943040 bytes exceeds the message size limit of "
                         "1000 bytes"),
            std::string::npos);
  EXPECT_NE(failure.find(std::string("\x08\x9d\x03", 3)), std::string::npos);  // code 413
  EXPECT_EQ(failure.substr(failure.size() - 8), text(kEnd));
}

TEST(MiddlewareApi, TheLimitIsTheSmallerOfTheRuntimesAndTheSessions) {
  Middleware mw(0, 6, [](tether_session_options &s) { s.max_message_size = 20; });
  EXPECT_EQ(mw.sdk(output(12)), TETHER_OK);  // 16 bytes of body
  EXPECT_EQ(mw.sdk(output(20)), TETHER_MESSAGE_TOO_LARGE);
}

TEST(MiddlewareApi, MalformedInputIsKeptFromTheSdkAndAnswered571) {
  Middleware mw(0);  // no ping/1 negotiated
  ASSERT_EQ(mw.feed(kStart), TETHER_OK);
  EXPECT_EQ(mw.feed(ping("x")), TETHER_PROTOCOL_VIOLATION);
  EXPECT_EQ(mw.sdk_input(TETHER_PROTOCOL_VIOLATION), Bytes()) << "not even the Start before it";
  std::string wire = text(mw.wire());
  ASSERT_GE(wire.size(), 8u);
  EXPECT_EQ(wire.substr(0, 2), std::string("\x00\x02", 2));                 // ErrorMessage
  EXPECT_NE(wire.find(std::string("\x08\xbb\x04", 3)), std::string::npos);  // code 571
  EXPECT_NE(wire.find("ping/1"), std::string::npos);
  // The SDK's late output goes nowhere.
  EXPECT_EQ(mw.sdk(concat({output(3), kEnd})), TETHER_OK);
  EXPECT_EQ(mw.wire(), Bytes());
}

TEST(MiddlewareApi, SdkOutputWaitsAtTheHighWatermarkAndResumes) {
  Middleware mw(0, 6, [](tether_session_options &s) {
    s.outbound_high_watermark = 16;
    s.outbound_low_watermark = 4;
  });
  Bytes reply = concat({output(20), output(20), kEnd});
  size_t used = 0;
  ASSERT_EQ(mw.sdk(reply, &used), TETHER_WOULD_BLOCK);
  EXPECT_EQ(used, output(20).size() + 8) << "the first frame and the second's header";
  EXPECT_EQ(tether_middleware_sdk_output_end(mw.m), TETHER_TRUNCATED) << "the rest was not given";
  Middleware again(0, 6, [](tether_session_options &s) {
    s.outbound_high_watermark = 16;
    s.outbound_low_watermark = 4;
  });
  Bytes wire;
  size_t at = 0;
  // WOULD_BLOCK may come with every byte taken (a frame held whole): call again.
  for (tether_status s = TETHER_WOULD_BLOCK; at < reply.size() || s == TETHER_WOULD_BLOCK;) {
    s = tether_middleware_sdk_output(again.m, reply.data() + at, reply.size() - at, &used);
    at += used;
    ASSERT_TRUE(s == TETHER_OK || s == TETHER_WOULD_BLOCK) << tether_status_name(s);
    Bytes out = again.wire();
    wire.insert(wire.end(), out.begin(), out.end());
  }
  EXPECT_EQ(wire, reply);
}

TEST(MiddlewareApi, AFrameTakenWholeWaitsForRoomAndIsRetriedWithNoBytes) {
  Middleware mw(0, 6, [](tether_session_options &s) { s.outbound_high_watermark = 8; });
  ASSERT_EQ(mw.sdk(output(10)), TETHER_OK);
  // End arrives split, so it is held whole and refused while output is full.
  size_t used = 0;
  ASSERT_EQ(tether_middleware_sdk_output(mw.m, kEnd.data(), 4, &used), TETHER_OK);
  ASSERT_EQ(tether_middleware_sdk_output(mw.m, kEnd.data() + 4, 4, &used), TETHER_WOULD_BLOCK);
  EXPECT_EQ(tether_middleware_sdk_output_end(mw.m), TETHER_WOULD_BLOCK);
  Bytes first = mw.wire();
  ASSERT_EQ(tether_middleware_sdk_output(mw.m, nullptr, 0, &used), TETHER_OK);
  EXPECT_EQ(tether_middleware_sdk_output_end(mw.m), TETHER_OK);
  EXPECT_EQ(concat({first, mw.wire()}), concat({output(10), kEnd}));
}

// Feeds the SDK's bytes in slices of `slice`, taking output whenever the middleware
// blocks; returns the wire and the session's peak of queued output.
std::pair<Bytes, uint64_t> pass_through(Middleware &mw, const Bytes &sdk, size_t slice) {
  Bytes wire;
  for (size_t at = 0; at < sdk.size();) {
    size_t n = std::min(slice, sdk.size() - at), used = 0;
    tether_status s = tether_middleware_sdk_output(mw.m, sdk.data() + at, n, &used);
    EXPECT_TRUE(s == TETHER_OK || s == TETHER_WOULD_BLOCK) << tether_status_name(s);
    if (s != TETHER_OK && s != TETHER_WOULD_BLOCK) break;
    at += used;
    Bytes out = mw.wire();
    wire.insert(wire.end(), out.begin(), out.end());
  }
  EXPECT_EQ(tether_middleware_sdk_output_end(mw.m), TETHER_OK);
  tether_session_stats stats{};
  stats.struct_size = sizeof stats;
  EXPECT_EQ(tether_middleware_session_stats(mw.m, &stats), TETHER_OK);
  return {wire, stats.peak_outbound_buffered};
}

void small_watermark(tether_session_options &s) {
  s.outbound_high_watermark = 256 << 10;
  s.outbound_low_watermark = 64 << 10;
}

TEST(MiddlewareApi, ALargeSdkFrameIsPassedOnInPiecesNeverQueuedWhole) {
  Bytes big = frame(TETHER_MSG_OUTPUT_COMMAND, 0, std::string(3u << 20, 'x'));
  Bytes reply = concat({kCommand, big, kEnd});
  for (size_t slice : {reply.size(), size_t{100000}, size_t{7}}) {
    Middleware mw(0, 6, small_watermark);
    auto [wire, peak] = pass_through(mw, reply, slice);
    EXPECT_EQ(wire, reply) << "slices of " << slice;
    EXPECT_LE(peak, (256u << 10) + kCommand.size() + 8) << "slices of " << slice;
  }
}

TEST(MiddlewareApi, ALargeSdkFrameIsChunkedAsItComesWithChunked) {
  Middleware mw(TETHER_EXT_CHUNKED, 6, [](tether_session_options &s) {
    small_watermark(s);
    s.max_frame_payload = 1 << 20;
  });
  std::string payload(2u << 20 | 5, 'y');
  auto [wire, peak] =
      pass_through(mw, concat({frame(TETHER_MSG_OUTPUT_COMMAND, 0, payload), kEnd}), 300000);
  EXPECT_EQ(
      wire,
      concat({frame(TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED, payload.substr(0, 1 << 20)),
              frame(TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED,
                    payload.substr(1 << 20, 1 << 20)),
              frame(TETHER_MSG_OUTPUT_COMMAND, 0, payload.substr(2 << 20)), kEnd}));
  EXPECT_LE(peak, (256u << 10) + 8);
}

TEST(MiddlewareApi, APingDuringALargeFrameIsAnsweredAtTheNextDispatchAfterIt) {
  Middleware mw(TETHER_EXT_PING, 6, small_watermark);
  std::string payload(2u << 20, 'z');
  Bytes big = frame(TETHER_MSG_OUTPUT_COMMAND, 0, payload);
  size_t used = 0;
  ASSERT_EQ(tether_middleware_sdk_output(mw.m, big.data(), 1000, &used), TETHER_OK);
  ASSERT_EQ(mw.feed(ping("a")), TETHER_OK);
  EXPECT_EQ(mw.sdk_input(), Bytes()) << "the Ping is answered, not handed to the SDK";
  Bytes wire = mw.wire();
  EXPECT_EQ(wire, Bytes(big.begin(), big.begin() + 1000)) << "no Pong inside the frame";
  auto [rest, peak] = pass_through(mw, Bytes(big.begin() + 1000, big.end()), big.size());
  wire.insert(wire.end(), rest.begin(), rest.end());
  EXPECT_EQ(wire, big) << "the Ping waits while the frame is open";
  EXPECT_EQ(mw.sdk_input(), Bytes());
  EXPECT_EQ(mw.wire(), frame(TETHER_MSG_PONG, 0, std::string("\x0a\x01", 2) + "a"));
}

TEST(MiddlewareApi, MalformedInputDuringALargeFrameEndsTheOutputThere) {
  Middleware mw(0, 6, small_watermark);
  Bytes big = frame(TETHER_MSG_OUTPUT_COMMAND, 0, std::string(2u << 20, 'w'));
  size_t used = 0;
  ASSERT_EQ(tether_middleware_sdk_output(mw.m, big.data(), 1000, &used), TETHER_OK);
  Bytes sent = mw.wire();
  // A Ping without ping/1 negotiated is malformed input.
  EXPECT_NE(mw.feed(ping("p")), TETHER_OK);
  mw.sdk_input(TETHER_PROTOCOL_VIOLATION);
  EXPECT_EQ(mw.wire(), Bytes()) << "no ErrorMessage can go inside the open frame";
  ASSERT_EQ(tether_middleware_sdk_output(mw.m, big.data() + 1000, big.size() - 1000, &used),
            TETHER_OK);
  EXPECT_EQ(used, big.size() - 1000) << "the rest is taken and dropped";
  EXPECT_EQ(mw.wire(), Bytes());
  EXPECT_EQ(sent.size(), 1000u);
}

TEST(MiddlewareApi, OutputEndingInsideAFrameIsTruncated) {
  Middleware mw;
  Bytes whole = output(10);
  Bytes half(whole.begin(), whole.begin() + 12);
  ASSERT_EQ(mw.sdk(half), TETHER_OK);
  EXPECT_EQ(tether_middleware_sdk_output_end(mw.m), TETHER_TRUNCATED);
  EXPECT_NE(std::string(tether_middleware_last_error(mw.m)).find("OutputCommand"),
            std::string::npos);
  EXPECT_EQ(mw.sdk(kEnd), TETHER_CLOSED);
}

TEST(MiddlewareApi, AnSdkThatSendsAPingOrAnUnknownTypeIsRefused) {
  Middleware mw(TETHER_EXT_PING);
  EXPECT_EQ(mw.sdk(ping("z")), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tether_middleware_last_error(mw.m)).find("Ping"), std::string::npos);
  EXPECT_EQ(mw.sdk(kEnd), TETHER_OK) << "output stopped there";
  EXPECT_EQ(mw.wire(), Bytes());
  Middleware v7(0, 7);
  EXPECT_EQ(v7.sdk(frame(0x0200, 0, "")), TETHER_INVALID_ARGUMENT);
}

TEST(MiddlewareApi, NullsAndBadOptionsAreRefused) {
  EXPECT_EQ(tether_middleware_new(nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  tether_middleware_free(nullptr);
  EXPECT_EQ(tether_middleware_feed(nullptr, nullptr, 0, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_middleware_sdk_output(nullptr, nullptr, 0, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_middleware_replaced(nullptr), 0);
  EXPECT_STREQ(tether_middleware_last_error(nullptr), "middleware is NULL");
  tether_middleware_options options;
  tether_middleware_options_init(&options);
  options.max_output_size = 0;
  tether_middleware *m = nullptr;
  EXPECT_EQ(tether_middleware_new(&options, &m), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(m, nullptr);
  ASSERT_EQ(tether_middleware_new(nullptr, &m), TETHER_OK);
  EXPECT_EQ(tether_middleware_take_sdk_input(m, nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_middleware_sdk_output(m, nullptr, 3, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tether_middleware_last_error(m)).find("NULL"), std::string::npos);
  tether_session_stats stats{};
  EXPECT_EQ(tether_middleware_session_stats(m, &stats), TETHER_INVALID_ARGUMENT);
  tether_middleware_free(m);
}

TEST(MiddlewareApi, EveryAllocationFailingIsReportedWithoutALeak) {
  Bytes request = concat({kStart, ping("n"), kInput});
  Bytes reply = concat({output(30), kEnd});
  for (size_t fail_after = 0; fail_after < 40; ++fail_after) {
    TrackingAllocator counting;
    counting.fail_after = fail_after;
    tether_session_options session;
    tether_session_options_init(&session);
    session.extensions = TETHER_EXT_ALL;
    session.allocator = counting.hook();
    tether_middleware_options options;
    tether_middleware_options_init(&options);
    options.session = &session;
    tether_middleware *m = nullptr;
    if (tether_middleware_new(&options, &m) == TETHER_OK) {
      tether_middleware_feed(m, request.data(), request.size(), nullptr);
      const uint8_t *data;
      size_t length;
      tether_middleware_take_sdk_input(m, &data, &length);
      tether_middleware_sdk_output(m, reply.data(), 20, nullptr);
      tether_middleware_free(m);
    }
    EXPECT_EQ(counting.blocks, 0u) << "fail_after " << fail_after;
  }
}

}  // namespace
