// Every invocation stream ends with its last word: a reply the invocation would refuse
// is refused at the tether_reply_* call, the endpoint's own errors and the 413 Failure
// are cut to fit the limits, and no budget holds back an ErrorMessage.
#include "common/byte_buffer.h"
#include "frame/header.h"
#include "h2_harness.h"
#include "prober/ping_codec.h"

namespace tether_test {
namespace {

pb::ErrorMessage error_of(const Frame &f) {
  EXPECT_EQ(f.type, TETHER_MSG_ERROR);
  pb::ErrorMessage error;
  EXPECT_TRUE(error.ParseFromString(f.payload));
  return error;
}

// Replies with text the invocation refuses (not UTF-8, over the limit) used to be
// accepted, then dropped: the stream stayed open forever. Now the call says why, and a
// handler left without a result gets the endpoint's 500, cut to fit a small limit.
TEST(H2Reply, RepliesWithBadTextAreRefusedAndTheStreamStillEnds) {
  struct Seen {
    std::mutex mu;  // written on a dispatch thread, read here
    tether_status not_utf8 = TETHER_OK, too_large = TETHER_OK;
    std::string why_not_utf8, why_too_large;
  } seen;
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.max_output_size = 30;  // "the handler returned without a result" does not fit
  Endpoint endpoint(&options, [&](tether_endpoint *e) {
    tether_endpoint_add_handler(
        e, "Echo", "bad_text",
        [](const tether_invocation_input *, tether_reply *reply, void *p) {
          auto &s = *static_cast<Seen *>(p);
          std::lock_guard<std::mutex> lock(s.mu);
          s.not_utf8 = tether_reply_failure(reply, 400, "\xff\xfe", 2);
          s.why_not_utf8 = tether_reply_last_error(reply);
          std::string long_text(100, 'e');
          s.too_large = tether_reply_error(reply, 500, long_text.data(), long_text.size());
          s.why_too_large = tether_reply_last_error(reply);
        },
        &seen);
  });
  Conn conn(endpoint.port());
  int32_t id = conn.invoke("bad_text", "");
  ASSERT_TRUE(conn.wait_closed(id));
  std::lock_guard<std::mutex> lock(seen.mu);
  EXPECT_EQ(seen.not_utf8, TETHER_INVALID_ARGUMENT);
  EXPECT_NE(seen.why_not_utf8.find("UTF-8"), std::string::npos) << seen.why_not_utf8;
  EXPECT_EQ(seen.too_large, TETHER_MESSAGE_TOO_LARGE);
  EXPECT_NE(seen.why_too_large.find("limit of 30 bytes"), std::string::npos) << seen.why_too_large;
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_LE(frames[0].payload.size(), 30u);
  pb::ErrorMessage error = error_of(frames[0]);
  EXPECT_EQ(error.code(), 500u);
  EXPECT_EQ(error.message().rfind("the handler", 0), 0u) << error.message();
  ASSERT_TRUE(conn.run_until([&] { return endpoint.stats().open_invocations == 0; }));
  expect_echo(conn);
}

// Echo/big 100 under --max-message-size 60: the 413 Failure that replaces the output
// used to be over the limit itself, and the response ended with nothing.
TEST(H2Reply, The413FailureFitsTheLimitItNames) {
  tether_session_options session;
  tether_session_options_init(&session);
  session.max_message_size = 60;
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.session = &session;
  options.max_output_size = 60;
  Endpoint endpoint(&options);
  Conn conn(endpoint.port());
  int32_t id = conn.invoke("big", "100");
  ASSERT_TRUE(conn.wait_closed(id));
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_LE(frames[0].payload.size(), 60u);
  pb::OutputCommandMessage output;
  ASSERT_TRUE(output.ParseFromString(frames[0].payload));
  ASSERT_TRUE(output.has_failure());
  EXPECT_EQ(output.failure().code(), 413u);
  EXPECT_NE(output.failure().message().find("104 bytes"), std::string::npos);
  EXPECT_EQ(frames[1].type, TETHER_MSG_END);
}

// A burst of Pings fills output up to the Pong allowance, then a malformed frame: its
// ErrorMessage 571 used to be refused by the outbound budget (200 Pongs, no Error).
TEST(H2Reply, AnErrorAfterAPingBurstIsNeverLost) {
  tether_session_options session;
  tether_session_options_init(&session);
  session.outbound_high_watermark = 4096;
  session.outbound_low_watermark = 1024;
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.session = &session;
  Gate gate;
  Endpoint endpoint(&options, [&](tether_endpoint *e) {
    tether_endpoint_add_handler(e, "Echo", "gate", gate_handler, &gate);
  });
  Conn conn(endpoint.port());
  int32_t held = conn.invoke("gate", "");  // the dispatch thread reads nothing meanwhile
  ASSERT_TRUE(conn.run_until([&] { return gate.entered() == 1; }));
  std::string body = tether::h2::start_frame("p", "p", 1);
  for (int i = 0; i < 200; ++i) {
    tether::ByteBuffer out{tether::Allocator()};
    std::string nonce = "nonce-0123456-" + std::to_string(i);
    tether::append_ping_frame(out, reinterpret_cast<const uint8_t *>(nonce.data()), nonce.size());
    body.append(reinterpret_cast<const char *>(out.data()), out.size());
  }
  body += tether::h2::start_frame("p", "p", 1);  // a second Start: a protocol violation
  int32_t id = conn.post("/invoke/Echo/echo", kV8, body);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(conn.client->run(1), TETHER_OK);
  gate.open();
  ASSERT_TRUE(conn.wait_closed(held));
  ASSERT_TRUE(conn.wait_closed(id));
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 201u);
  EXPECT_EQ(frames[199].type, TETHER_MSG_PONG);
  pb::ErrorMessage error = error_of(frames[200]);
  EXPECT_EQ(error.code(), 571u);
  EXPECT_NE(error.message().find("expected InputCommand"), std::string::npos) << error.message();
}

}  // namespace
}  // namespace tether_test
