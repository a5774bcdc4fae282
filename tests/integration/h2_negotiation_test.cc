// The tether extension is negotiated per stream with the tether-extensions header
// (PROTOCOL.md section 2), independently of the protocol version: these tests speak
// to the reference endpoint as a runtime would, with and without an offer.
#include "h2_harness.h"

namespace tether_test {
namespace {

std::string content_type(uint32_t version) {
  return "application/vnd.restate.invocation.v" + std::to_string(version);
}

TEST(H2Negotiation, TheAcceptedSetIsEchoedInTheResponseHeaders) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  const std::pair<const char *, uint32_t> offers[] = {
      {"ping/1, chunked/1", TETHER_EXT_ALL},
      {"PING/1", TETHER_EXT_PING},
      {"chunked/1 ,, ping/9, x-other/2", TETHER_EXT_CHUNKED},
      {nullptr, 0},
  };
  for (const auto &[offer, accepted] : offers) {
    int32_t id = conn.post("/invoke/Echo/echo", content_type(6),
                           tether::h2::start_frame("n", "n", 1) + tether::h2::input_frame("hi"),
                           true, offer);
    ASSERT_TRUE(conn.wait_closed(id));
    EXPECT_EQ(conn.responses[id].status, 200);
    EXPECT_EQ(conn.responses[id].extensions, accepted) << (offer ? offer : "(no offer)");
    ASSERT_EQ(conn.responses[id].frames().size(), 2u);
  }
}

TEST(H2Negotiation, AnEndpointAcceptsOnlyWhatItsOptionsAllow) {
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.extensions = TETHER_EXT_PING;
  Endpoint endpoint(&options);
  Conn conn(endpoint.port());
  int32_t id = conn.invoke("echo", "hi");
  ASSERT_TRUE(conn.wait_closed(id));
  EXPECT_EQ(conn.responses[id].extensions, TETHER_EXT_PING);
}

TEST(H2Negotiation, APingOnAStreamThatDidNotNegotiateItGets571NamingTheNegotiation) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  for (uint32_t version = 5; version <= 8; ++version) {
    int32_t id = conn.post("/invoke/Echo/echo", content_type(version),
                           tether::h2::start_frame("p", "p", 1) + ping_frame("n"), true, nullptr);
    ASSERT_TRUE(conn.wait_closed(id));
    std::vector<Frame> frames = conn.responses[id].frames();
    ASSERT_EQ(frames.size(), 1u) << "no Pong on a stream without ping/1";
    ASSERT_EQ(frames[0].type, TETHER_MSG_ERROR);
    pb::ErrorMessage error;
    ASSERT_TRUE(error.ParseFromString(frames[0].payload));
    EXPECT_EQ(error.code(), 571u);
    EXPECT_NE(error.message().find("ping/1"), std::string::npos) << error.message();
  }
  expect_echo(conn);
}

TEST(H2Negotiation, AContinuedFlagWithoutChunkedGets571) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  int32_t id = conn.post("/invoke/Echo/echo", content_type(8),
                         tether::h2::start_frame("c", "c", 1) +
                             raw_frame(TETHER_MSG_INPUT_COMMAND, TETHER_FLAG_CONTINUED, "x"),
                         true, "ping/1");
  ASSERT_TRUE(conn.wait_closed(id));
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 1u);
  pb::ErrorMessage error;
  ASSERT_TRUE(error.ParseFromString(frames[0].payload));
  EXPECT_EQ(error.code(), 571u);
  EXPECT_NE(error.message().find("chunked/1"), std::string::npos) << error.message();
}

TEST(H2Negotiation, AMalformedOfferIsRefusedWith400) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  int32_t id = conn.post("/invoke/Echo/echo", content_type(6), "", true, "ping/1;q=0.5");
  ASSERT_TRUE(conn.wait_closed(id));
  EXPECT_EQ(conn.responses[id].status, 400);
  EXPECT_NE(conn.responses[id].body.find("tether-extensions"), std::string::npos);
  expect_echo(conn);
}

// The report that started it all: an upstream-V8 runtime's ephemeral notification
// before the input. The endpoint ignores it, as upstream SDKs ignore notifications
// they did not ask for, and answers the call.
TEST(H2Negotiation, AnUpstreamV8EphemeralNotificationPassesThrough) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  int32_t id =
      conn.post("/invoke/Echo/echo", content_type(8),
                tether::h2::start_frame("e", "e", 1) + raw_frame(0x0300, 0, "eph") +
                    tether::h2::input_frame("after the notification") + raw_frame(0x03FF, 0, ""),
                true, nullptr);
  ASSERT_TRUE(conn.wait_closed(id));
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(output_value(frames[0]), "after the notification");
  EXPECT_EQ(frames[1].type, TETHER_MSG_END);
}

TEST(H2Negotiation, EveryUpstreamVersionEchoesWithAndWithoutTheExtension) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  for (uint32_t version = 5; version <= 8; ++version) {
    for (const char *offer : {static_cast<const char *>(nullptr), "ping/1, chunked/1"}) {
      int32_t id = conn.post("/invoke/Echo/echo", content_type(version),
                             tether::h2::start_frame("v", "v", 1) + tether::h2::input_frame("v"),
                             true, offer);
      ASSERT_TRUE(conn.wait_closed(id));
      EXPECT_EQ(conn.responses[id].content_type, content_type(version));
      std::vector<Frame> frames = conn.responses[id].frames();
      ASSERT_EQ(frames.size(), 2u) << "V" << version;
      EXPECT_EQ(output_value(frames[0]), "v");
    }
  }
}

}  // namespace
}  // namespace tether_test
