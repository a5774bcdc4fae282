// The reference endpoint over real HTTP/2 on loopback: discovery and the Echo handlers.
#include "h2_harness.h"

namespace tether_test {
namespace {

TEST(H2Endpoint, DiscoverServesTheManifest) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  int32_t id = conn.get("/discover",
                        "application/vnd.restate.endpointmanifest.v1+json, "
                        "application/vnd.restate.endpointmanifest.v2+json");
  ASSERT_TRUE(conn.wait_closed(id));
  const Response &r = conn.responses[id];
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/vnd.restate.endpointmanifest.v2+json");
  EXPECT_EQ(r.body,
            "{\"protocolMode\":\"BIDI_STREAM\",\"minProtocolVersion\":5,\"maxProtocolVersion\":8,"
            "\"services\":[{\"name\":\"Echo\",\"ty\":\"SERVICE\",\"handlers\":[{\"name\":\"echo\"},"
            "{\"name\":\"big\"},{\"name\":\"block\"}]}]}");
}

TEST(H2Endpoint, StatsCountTheInvocationsServed) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  int32_t echo = conn.invoke("echo", "counted");
  ASSERT_TRUE(conn.wait_closed(echo));
  int32_t id = conn.get("/stats", "application/json");
  ASSERT_TRUE(conn.wait_closed(id));
  const Response &r = conn.responses[id];
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_NE(r.body.find("\"invocations\":1,"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"peak_session_outbound\":"), std::string::npos) << r.body;
}

TEST(H2Endpoint, EchoReturnsItsInputThenEnd) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  int32_t id = conn.invoke("echo", "hello tether");
  ASSERT_TRUE(conn.wait_closed(id));
  const Response &r = conn.responses[id];
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, kV8);
  EXPECT_EQ(r.error_code, 0u);
  std::vector<Frame> frames = r.frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].type, TETHER_MSG_OUTPUT_COMMAND);
  EXPECT_EQ(output_value(frames[0]), "hello tether");
  EXPECT_EQ(frames[1].type, TETHER_MSG_END);
}

TEST(H2Endpoint, EchoSpeaksEveryAdvertisedVersion) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  for (int v = 5; v <= 8; ++v) {
    std::string ct = "application/vnd.restate.invocation.v" + std::to_string(v);
    int32_t id = conn.invoke("echo", "v" + std::to_string(v), ct);
    ASSERT_TRUE(conn.wait_closed(id));
    EXPECT_EQ(conn.responses[id].content_type, ct);
    std::vector<Frame> frames = conn.responses[id].frames();
    ASSERT_EQ(frames.size(), 2u) << ct;
    EXPECT_EQ(output_value(frames[0]), "v" + std::to_string(v));
  }
}

TEST(H2Endpoint, ManyConcurrentInvocationsOnOneConnection) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  std::vector<int32_t> ids;
  for (int i = 0; i < 100; ++i) ids.push_back(conn.invoke("echo", "n" + std::to_string(i)));
  ASSERT_TRUE(conn.run_until([&] {
    for (int32_t id : ids) {
      if (!conn.responses[id].closed) return false;
    }
    return true;
  }));
  for (int i = 0; i < 100; ++i) {
    std::vector<Frame> frames = conn.responses[ids[i]].frames();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(output_value(frames[0]), "n" + std::to_string(i));
  }
  EXPECT_EQ(endpoint.stats().invocations, 100u);
}

TEST(H2Endpoint, BigReturnsNBytesInChunksWhenChunkedIsNegotiated) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  const size_t n = 3 * (1u << 20) + 12345;  // several 1 MiB chunks
  int32_t id = conn.invoke("big", std::to_string(n));
  ASSERT_TRUE(conn.wait_closed(id));
  const Response &r = conn.responses[id];
  EXPECT_GE(r.continued_frames(), 3u);  // 1 MiB chunks
  std::vector<Frame> frames = r.frames();
  ASSERT_EQ(frames.size(), 2u);
  std::string value = output_value(frames[0]);
  ASSERT_EQ(value.size(), n);
  EXPECT_EQ(value.substr(0, 3), "abc");
  EXPECT_EQ(frames[1].type, TETHER_MSG_END);
}

TEST(H2Endpoint, OutputOverTheLimitIsATerminal413) {
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.max_output_size = 1000;
  Endpoint endpoint(&options);
  Conn conn(endpoint.port());
  int32_t id = conn.invoke("big", "5000");
  ASSERT_TRUE(conn.wait_closed(id));
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 2u);
  pb::OutputCommandMessage m;
  ASSERT_TRUE(m.ParseFromString(frames[0].payload));
  ASSERT_TRUE(m.has_failure());
  EXPECT_EQ(m.failure().code(), 413u);
  EXPECT_NE(m.failure().message().find("1000"), std::string::npos) << m.failure().message();
  EXPECT_EQ(frames[1].type, TETHER_MSG_END);
}

TEST(H2Endpoint, BadHandlerInputIsATerminalFailureNamingIt) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  int32_t id = conn.invoke("block", "soon");
  ASSERT_TRUE(conn.wait_closed(id));
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 2u);
  pb::OutputCommandMessage m;
  ASSERT_TRUE(m.ParseFromString(frames[0].payload));
  EXPECT_EQ(m.failure().code(), 400u);
  EXPECT_NE(m.failure().message().find("block takes a decimal"), std::string::npos);
}

}  // namespace
}  // namespace tether_test
