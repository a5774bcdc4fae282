// The claim the project exists for, as behaviour: a Pong is produced by the dispatch
// loop, so a blocked loop delays it by at least the block, while an HTTP/2 PING on
// the same connection is answered by the I/O thread before the block ends.
#include "h2_harness.h"
#include "prober/ping_codec.h"

namespace tether_test {
namespace {

// The nonces of the Pongs in a body so far.
std::vector<std::string> pongs(const Response &r) {
  std::vector<std::string> out;
  for (const Frame &f : r.frames()) {
    if (f.type != TETHER_MSG_PONG) continue;
    const uint8_t *nonce = nullptr;
    size_t length = 0;
    tether::ErrorSlot error;
    EXPECT_EQ(tether::parse_pong(reinterpret_cast<const uint8_t *>(f.payload.data()),
                                 f.payload.size(), &nonce, &length, error),
              TETHER_OK);
    out.emplace_back(reinterpret_cast<const char *>(nonce), length);
  }
  return out;
}

TEST(H2Ping, PingBeforeInputIsAnsweredByTheDispatchLoop) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  int32_t id = conn.post("/invoke/Echo/echo", kV8, tether::h2::start_frame("p", "probe", 1), false);
  conn.send(id, ping_frame("nonce-1"));
  ASSERT_TRUE(conn.run_until([&] { return pongs(conn.responses[id]).size() == 1; }));
  EXPECT_EQ(pongs(conn.responses[id])[0], "nonce-1");
  // The stream is still usable: Input, then Output + End.
  conn.send(id, tether::h2::input_frame("after ping"));
  conn.client->end(id);
  ASSERT_TRUE(conn.wait_closed(id));
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].type, TETHER_MSG_PONG);
  EXPECT_EQ(output_value(frames[1]), "after ping");
  EXPECT_EQ(frames[2].type, TETHER_MSG_END);
}

TEST(H2Ping, BlockedDispatchLoopDelaysPongsButNotHttp2Pings) {
  Endpoint endpoint;  // one dispatch thread
  Conn conn(endpoint.port());
  int32_t probe =
      conn.post("/invoke/Echo/echo", kV8, tether::h2::start_frame("p", "probe", 1), false);
  conn.send(probe, ping_frame("warm"));
  ASSERT_TRUE(conn.run_until([&] { return pongs(conn.responses[probe]).size() == 1; }));

  // The block call goes out first; the Ping and the HTTP/2 PING right behind it. The
  // one dispatch thread takes the block first, so the Pong waits for it.
  const uint64_t block_ns = 300'000'000;
  uint64_t block_sent = tether::h2::monotonic_ns();
  int32_t block = conn.invoke("block", "300");
  ASSERT_EQ(conn.client->run(0), TETHER_OK);
  conn.send(probe, ping_frame("blocked"));
  ASSERT_EQ(conn.client->ping(), TETHER_OK);
  uint64_t pong_at = 0;
  ASSERT_TRUE(conn.run_until([&] {
    if (pong_at == 0 && pongs(conn.responses[probe]).size() == 2) {
      pong_at = tether::h2::monotonic_ns();
    }
    return pong_at != 0 && conn.responses[block].closed;
  }));
  EXPECT_EQ(pongs(conn.responses[probe])[1], "blocked");
  EXPECT_GE(pong_at - block_sent, block_ns);
  // The HTTP/2 PING came back before the block ended.
  ASSERT_EQ(conn.ping_acks_ns.size(), 1u);
  EXPECT_LT(conn.ping_acks_ns[0], conn.responses[block].closed_ns);
  EXPECT_LT(conn.ping_acks_ns[0], pong_at);
}

// With two dispatch threads a blocked handler holds only its own thread: Pings on
// other streams are answered by the other one, before the block ends.
TEST(H2Ping, ASecondDispatchThreadAnswersWhileOneIsBlocked) {
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.dispatch_threads = 2;
  Endpoint endpoint(&options);
  Conn conn(endpoint.port());
  int32_t probe =
      conn.post("/invoke/Echo/echo", kV8, tether::h2::start_frame("p", "probe", 1), false);
  int32_t block = conn.invoke("block", "300");
  ASSERT_EQ(conn.client->run(0), TETHER_OK);
  conn.send(probe, ping_frame("free thread"));
  uint64_t pong_at = 0;
  ASSERT_TRUE(conn.run_until([&] {
    if (pong_at == 0 && pongs(conn.responses[probe]).size() == 1) {
      pong_at = tether::h2::monotonic_ns();
    }
    return pong_at != 0 && conn.responses[block].closed;
  }));
  EXPECT_LT(pong_at, conn.responses[block].closed_ns);
}

}  // namespace
}  // namespace tether_test
