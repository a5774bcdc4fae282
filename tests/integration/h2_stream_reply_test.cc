// tether_reply_stream through the endpoint: a value produced piecewise after the
// handler returned arrives whole, the session's queued output stays near its high
// watermark instead of holding the whole value, an oversize length becomes the 413
// Failure before any byte is produced, and the producer is released exactly once
// however the stream ends.
#include <algorithm>
#include <atomic>

#include "h2_harness.h"

namespace tether_test {
namespace {

constexpr uint64_t kValue = 12u << 20;  // three times the default 4 MiB high watermark
// The watermark test's: its value fits one frame of the client's 1 MiB decoder.
constexpr uint64_t kHigh = 256u << 10, kSmallValue = 900u << 10;

struct Counting {
  uint64_t offset = 0;
  uint64_t stop_at = UINT64_MAX;  // produce 0 from here on (a producer that fails)
  std::atomic<int> *released;
};

size_t produce(void *state, uint8_t *buf, size_t capacity) {
  auto &c = *static_cast<Counting *>(state);
  if (c.offset >= c.stop_at) return 0;
  size_t n = static_cast<size_t>(std::min<uint64_t>(capacity, c.stop_at - c.offset));
  for (size_t i = 0; i < n; ++i) buf[i] = uint8_t('a' + (c.offset + i) % 26);
  c.offset += n;
  return n;
}

void release(void *state) {
  auto *c = static_cast<Counting *>(state);
  c->released->fetch_add(1);
  delete c;
}

struct Fixture {
  std::atomic<int> released{0};
  uint64_t stop_at = UINT64_MAX;
};

// Echo/stream N: N bytes of the alphabet through tether_reply_stream.
void stream_handler(const tether_invocation_input *input, tether_reply *reply, void *p) {
  auto &f = *static_cast<Fixture *>(p);
  uint64_t n =
      std::stoull(std::string(reinterpret_cast<const char *>(input->value), input->value_length));
  auto *state = new Counting{0, f.stop_at, &f.released};
  EXPECT_EQ(tether_reply_stream(reply, n, produce, release, state), TETHER_OK);
}

std::unique_ptr<Endpoint> endpoint_with(Fixture &f, tether_endpoint_options *options = nullptr) {
  return std::make_unique<Endpoint>(options, [&](tether_endpoint *e) {
    tether_endpoint_add_handler(e, "Echo", "stream", stream_handler, &f);
  });
}

TEST(H2StreamReply, AStreamedValueArrivesWholeAndQueuesAboutTheWatermark) {
  for (const char *offer : {"ping/1, chunked/1", "ping/1"}) {
    Fixture f;
    tether_session_options session;
    tether_session_options_init(&session);
    session.max_frame_payload = 64u << 10;
    session.outbound_high_watermark = kHigh;
    tether_endpoint_options options;
    tether_endpoint_options_init(&options);
    options.session = &session;
    auto endpoint = endpoint_with(f, &options);
    Conn conn(endpoint->port());
    int32_t id = conn.post("/invoke/Echo/stream", kV8,
                           tether::h2::start_frame("inv-1", "inv_test", 1) +
                               tether::h2::input_frame(std::to_string(kSmallValue)),
                           true, offer);
    ASSERT_TRUE(conn.run_until([&] { return conn.responses[id].closed; }, 30000)) << offer;
    std::vector<Frame> frames = conn.responses[id].frames();
    ASSERT_EQ(frames.size(), 2u) << offer;
    std::string value = output_value(frames[0]);
    ASSERT_EQ(value.size(), kSmallValue) << offer;
    for (size_t i = 0; i < value.size(); i += 4099) ASSERT_EQ(value[i], char('a' + i % 26)) << i;
    EXPECT_EQ(frames[1].type, TETHER_MSG_END);
    EXPECT_EQ(conn.responses[id].continued_frames() > 0,
              std::string(offer).find("chunked") != std::string::npos);
    // The watermark and a few frame and field headers: never the whole value.
    EXPECT_LE(endpoint->stats().peak_session_outbound, kHigh + 1024) << offer;
    ASSERT_TRUE(conn.run_until([&] { return f.released.load() == 1; }));
    expect_echo(conn);
  }
}

TEST(H2StreamReply, AnOversizeLengthIsThe413FailureAndNothingIsProduced) {
  Fixture f;
  f.stop_at = 0;  // a byte produced would end the stream with a 500 instead
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.max_output_size = 1000;
  auto endpoint = endpoint_with(f, &options);
  Conn conn(endpoint->port());
  int32_t id = conn.invoke("stream", "1001");
  ASSERT_TRUE(conn.wait_closed(id));
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 2u);
  pb::OutputCommandMessage output;
  ASSERT_TRUE(output.ParseFromString(frames[0].payload));
  EXPECT_EQ(output.failure().code(), 413u);
  EXPECT_EQ(frames[1].type, TETHER_MSG_END);
  ASSERT_TRUE(conn.run_until([&] { return f.released.load() == 1; }));
}

// A producer that stops short: with chunked/1, here at the end of the first chunk,
// the stream ends between chunks with a retryable ErrorMessage 500; without, its one
// frame is cut, so the stream is reset.
TEST(H2StreamReply, AProducerThatStopsShortEndsTheStream) {
  // The first 1 MiB chunk holds the value's 10 bytes of field headers, then its bytes.
  constexpr uint64_t kFirstChunkValue = (1u << 20) - 10;
  for (const char *offer : {"ping/1, chunked/1", "ping/1"}) {
    Fixture f;
    f.stop_at = kFirstChunkValue;
    auto endpoint = endpoint_with(f);
    Conn conn(endpoint->port());
    int32_t id = conn.post("/invoke/Echo/stream", kV8,
                           tether::h2::start_frame("inv-1", "inv_test", 1) +
                               tether::h2::input_frame(std::to_string(kValue)),
                           true, offer);
    ASSERT_TRUE(conn.run_until([&] { return conn.responses[id].closed; }, 30000)) << offer;
    if (std::string(offer).find("chunked") != std::string::npos) {
      // The frames as sent (frames() would join the ErrorMessage to the open chunks).
      const std::string &body = conn.responses[id].body;
      std::vector<std::pair<tether::FrameHeader, std::string>> sent;
      for (size_t at = 0; at + tether::kFrameHeaderSize <= body.size();) {
        tether::FrameHeader h =
            tether::decode_header(reinterpret_cast<const uint8_t *>(body.data() + at));
        sent.emplace_back(h, body.substr(at + tether::kFrameHeaderSize, h.length));
        at += tether::kFrameHeaderSize + h.length;
      }
      ASSERT_EQ(sent.size(), 2u);  // the first chunk, then the ErrorMessage
      EXPECT_NE(sent[0].first.flags & TETHER_FLAG_CONTINUED, 0);
      ASSERT_EQ(sent[1].first.type, TETHER_MSG_ERROR);
      pb::ErrorMessage error;
      ASSERT_TRUE(error.ParseFromString(sent[1].second));
      EXPECT_EQ(error.code(), 500u);
      EXPECT_NE(error.message().find("stopped short"), std::string::npos) << error.message();
    } else {
      EXPECT_NE(conn.responses[id].error_code, 0u) << "the cut frame must end in a reset";
    }
    ASSERT_TRUE(conn.run_until([&] { return f.released.load() == 1; }));
    expect_echo(conn);  // the endpoint serves on
  }
}

// The peer resets the stream while the value is being produced: the producer is
// released, and nothing else is disturbed.
TEST(H2StreamReply, AResetStreamReleasesItsProducer) {
  Fixture f;
  auto endpoint = endpoint_with(f);
  Conn conn(endpoint->port());
  int32_t id = conn.invoke("stream", std::to_string(kValue));
  ASSERT_TRUE(conn.run_until([&] { return conn.responses[id].body.size() > (1u << 20); }));
  conn.client->cancel(id);
  ASSERT_TRUE(conn.run_until([&] { return f.released.load() == 1; }));
  ASSERT_TRUE(conn.run_until([&] { return endpoint->stats().open_invocations == 0; }));
  expect_echo(conn);
}

}  // namespace
}  // namespace tether_test
