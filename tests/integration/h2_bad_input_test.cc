// Bad requests get a clear HTTP status or an Error frame naming the problem; a peer
// that stops reading costs bounded memory; the server keeps serving throughout.
#include "common/byte_buffer.h"
#include "frame/header.h"
#include "h2_harness.h"
#include "prober/ping_codec.h"

namespace tether_test {
namespace {

struct Refusal {
  std::string method, path, content_type;
  int status;
  std::string says;
};

TEST(H2BadInput, RefusedRequestsNameWhatWasWrong) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  std::string body = tether::h2::start_frame("x", "x", 1) + tether::h2::input_frame("x");
  const Refusal cases[] = {
      {"POST", "/invoke/Echo/echo", "application/json", 415, "content-type must be"},
      {"POST", "/invoke/Echo/echo", "", 415, "content-type must be"},
      {"POST", "/invoke/Echo/echo", "application/vnd.restate.invocation.v9", 415,
       "supports versions 5..8"},
      {"POST", "/invoke/Echo/echo", "application/vnd.restate.invocation.v4", 415,
       "supports versions 5..8"},
      {"POST", "/invoke/Nope/echo", kV8, 404, "unknown service Nope"},
      {"POST", "/invoke/Echo/nope", kV8, 404, "service Echo has no handler nope"},
      {"POST", "/elsewhere", kV8, 404, "no such route /elsewhere"},
      {"GET", "/invoke/Echo/echo", kV8, 405, "takes POST"},
      {"PUT", "/discover", kV8, 405, "/discover takes GET"},
  };
  for (const Refusal &c : cases) {
    int32_t id =
        c.method == "POST"
            ? conn.post(c.path, c.content_type, body)
            : conn.client->request(c.method, c.path, {{"content-type", c.content_type}}, false);
    ASSERT_TRUE(conn.wait_closed(id)) << c.path;
    const Response &r = conn.responses[id];
    EXPECT_EQ(r.status, c.status) << c.path << " " << c.content_type;
    EXPECT_NE(r.body.find(c.says), std::string::npos) << r.body;
  }
  EXPECT_EQ(endpoint.stats().refused, std::size(cases));
  expect_echo(conn);
}

TEST(H2BadInput, DiscoverWithoutASupportedManifestVersionIs406) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  int32_t id = conn.get("/discover", "application/vnd.restate.endpointmanifest.v99+json");
  ASSERT_TRUE(conn.wait_closed(id));
  EXPECT_EQ(conn.responses[id].status, 406);
  EXPECT_NE(conn.responses[id].body.find("1..4"), std::string::npos);
}

// Each malformed body fails its stream with an ErrorMessage naming the problem, then
// the response ends; the connection and the server go on.
TEST(H2BadInput, MalformedFramesFailTheStreamWithAnErrorNamingThem) {
  Endpoint endpoint;
  Conn conn(endpoint.port());
  struct Case {
    std::string body;
    std::string says;
  };
  const Case cases[] = {
      {raw_frame(0x01FF, 0, ""), "0x01ff"},                       // an unknown control type
      {raw_frame(TETHER_MSG_START, 0, "\xff\xff\xff"), "Start"},  // not protobuf
      {tether::h2::input_frame("no start"), "expected Start"},
      {tether::h2::start_frame("x", "x", 1) + raw_frame(TETHER_MSG_START, 0x2000, ""), "flag"},
      {tether::h2::start_frame("x", "x", 1) + raw_frame(TETHER_MSG_INPUT_COMMAND, 0, "") +
           std::string("\x04\x01\x00\x00\x7f\xff\xff\xff", 8),
       "max"},  // a frame announcing more than max_frame_payload
      {tether::h2::start_frame("x", "x", 1) + std::string("\x04\x00\x00", 3), "stream ended"},
      {"", "ended before Start"},  // a request that ends before the invocation could start
      {tether::h2::start_frame("x", "x", 1), "before InputCommand"},
  };
  for (const Case &c : cases) {
    int32_t id = conn.post("/invoke/Echo/echo", kV8, c.body);
    ASSERT_TRUE(conn.wait_closed(id));
    const Response &r = conn.responses[id];
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.error_code, 0u);  // ended normally, after the Error
    std::vector<Frame> frames = r.frames();
    ASSERT_FALSE(frames.empty());
    const Frame &last = frames.back();
    ASSERT_EQ(last.type, TETHER_MSG_ERROR) << tether::type_name(last.type);
    pb::ErrorMessage error;
    ASSERT_TRUE(error.ParseFromString(last.payload));
    EXPECT_NE(error.message().find(c.says), std::string::npos)
        << "wanted \"" << c.says << "\" in: " << error.message();
    EXPECT_GE(error.code(), 400u);
  }
  expect_echo(conn);
}

// A client that stops reading a big response: the server's memory for it stays
// bounded (the session holds the one message; the connection holds at most one
// write), other streams on the same connection and other connections go on.
TEST(H2BadInput, AReaderThatStopsCostsBoundedMemoryAndStallsNoOneElse) {
  Endpoint endpoint;
  tether::h2::ClientOptions small;
  small.stream_window = 65535;  // the server may send 64 KiB before it must wait
  Conn stalled(endpoint.port(), small);
  const size_t n = 8u << 20;
  int32_t big = stalled.client->request("POST", "/invoke/Echo/big", {{"content-type", kV8}}, true);
  stalled.client->pause(big);
  std::string body =
      tether::h2::start_frame("b", "b", 1) + tether::h2::input_frame(std::to_string(n));
  stalled.send(big, body);
  stalled.client->end(big);
  ASSERT_TRUE(stalled.run_until([&] { return stalled.responses[big].body.size() >= 65535; }));

  // The same connection: other streams still complete.
  expect_echo(stalled);
  // Another connection too.
  Conn other(endpoint.port());
  expect_echo(other);

  EXPECT_FALSE(stalled.responses[big].closed);
  EXPECT_LE(stalled.responses[big].body.size(), 65535u);
  tether_endpoint_stats stats = endpoint.stats();
  EXPECT_LE(stats.peak_session_outbound, n + 4096);  // the one message, framed
  EXPECT_LE(stats.peak_connection_unsent, 64u << 10);
  EXPECT_EQ(stats.open_invocations, 1u);

  stalled.client->cancel(big);
  ASSERT_TRUE(stalled.wait_closed(big));
  ASSERT_TRUE(other.run_until([&] { return endpoint.stats().open_invocations == 0; }));
}

// A runtime that sends more than the session accepts while the dispatch loop is
// blocked: the server holds back at most one stream window and releases window only
// as the session accepts bytes; the input arrives whole once the loop runs again.
TEST(H2BadInput, InputBeyondTheInboundBudgetWaitsForTheDispatchLoop) {
  tether_session_options session;
  tether_session_options_init(&session);
  session.max_frame_payload = 64u << 10;
  session.max_message_size = 256u << 10;
  session.inbound_budget = (256u << 10) + (64u << 10) + 8;  // the smallest allowed
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.session = &session;
  Endpoint endpoint(&options);
  Conn conn(endpoint.port());
  int32_t block = conn.invoke("block", "300");
  ASSERT_EQ(conn.client->run(0), TETHER_OK);
  // 21 frames of 60 KiB: far beyond the budget, each within the frame limit.
  int32_t id = conn.post("/invoke/Echo/echo", kV8, tether::h2::start_frame("x", "x", 1), false);
  std::string value(60u << 10, 'v');
  conn.send(id, tether::h2::input_frame(value));
  for (int i = 0; i < 20; ++i) conn.send(id, raw_frame(0xFC00, 0, value));  // custom entries
  conn.client->end(id);
  ASSERT_TRUE(conn.wait_closed(block));
  ASSERT_TRUE(conn.wait_closed(id));
  tether_endpoint_stats stats = endpoint.stats();
  EXPECT_GT(stats.peak_held_inbound, 0u);        // the session did refuse bytes
  EXPECT_LE(stats.peak_held_inbound, 1u << 20);  // at most the stream window
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_FALSE(frames.empty());
  // Output + End: the invocation got its input, whatever followed it.
  ASSERT_EQ(frames[0].type, TETHER_MSG_OUTPUT_COMMAND) << frames[0].payload;
  EXPECT_EQ(output_value(frames[0]).size(), value.size());
}

}  // namespace
}  // namespace tether_test

namespace tether_test {
namespace {

// A runtime that keeps sending Pings but stops reading: the Pongs stop at a bounded
// level of queued output (the session says WOULD_BLOCK and the dispatch thread
// waits for the peer instead of spinning or queueing more), and the server serves on.
TEST(H2BadInput, PingsFromAPeerThatStopsReadingQueueBoundedPongs) {
  tether_session_options session;
  tether_session_options_init(&session);
  session.outbound_high_watermark = 4096;
  session.outbound_low_watermark = 1024;
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.session = &session;
  Endpoint endpoint(&options);
  tether::h2::ClientOptions small;
  small.stream_window = 65535;
  Conn conn(endpoint.port(), small);
  int32_t id = conn.post("/invoke/Echo/echo", kV8, tether::h2::start_frame("p", "p", 1), false);
  conn.client->pause(id);
  std::string pings;
  for (int i = 0; i < 20000; ++i) {
    tether::ByteBuffer out{tether::Allocator()};
    std::string nonce = "nonce-" + std::to_string(i);
    tether::append_ping_frame(out, reinterpret_cast<const uint8_t *>(nonce.data()), nonce.size());
    pings.append(reinterpret_cast<const char *>(out.data()), out.size());
  }
  conn.send(id, pings);  // ~600 KB of Pings; ~600 KB of Pongs if nothing pushed back
  // The response window fills (64 KiB), then the session's output stops growing.
  ASSERT_TRUE(conn.run_until([&] { return conn.responses[id].body.size() >= 65535; }));
  Conn other(endpoint.port());
  for (int i = 0; i < 20; ++i) expect_echo(other);  // time for the Pings to be read
  expect_echo(conn);
  tether_endpoint_stats stats = endpoint.stats();
  EXPECT_GT(stats.peak_session_outbound, 4096u);                        // the Pongs did pile up...
  EXPECT_LE(stats.peak_session_outbound, 4096u + (64u << 10) + 1024u);  // ...to a bound
  EXPECT_LE(conn.responses[id].body.size(), 65535u);
  conn.client->cancel(id);
  ASSERT_TRUE(conn.wait_closed(id));
}

}  // namespace
}  // namespace tether_test
