// The tether_endpoint C API: misuse, options, lifecycle.
#include "h2_harness.h"

namespace tether_test {
namespace {

void noop(const tether_invocation_input *, tether_reply *, void *) {}

TEST(H2EndpointApi, NullsAndBadOptionsAreRefused) {
  tether_endpoint_free(nullptr);
  EXPECT_EQ(tether_endpoint_new(nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  tether_endpoint *e = reinterpret_cast<tether_endpoint *>(1);
  options.dispatch_threads = 0;
  EXPECT_EQ(tether_endpoint_new(&options, &e), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(e, nullptr);
  tether_endpoint_options_init(&options);
  options.max_protocol_version = 9;
  EXPECT_EQ(tether_endpoint_new(&options, &e), TETHER_INVALID_ARGUMENT);
  tether_endpoint_options_init(&options);
  options.host = nullptr;
  EXPECT_EQ(tether_endpoint_new(&options, &e), TETHER_INVALID_ARGUMENT);
  tether_endpoint_options_init(&options);
  options.struct_size = 3;
  EXPECT_EQ(tether_endpoint_new(&options, &e), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_endpoint_add_handler(nullptr, "A", "b", noop, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_endpoint_start(nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_endpoint_stop(nullptr), TETHER_INVALID_ARGUMENT);
  uint16_t port;
  EXPECT_EQ(tether_endpoint_port(nullptr, &port), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(tether_endpoint_last_error(nullptr), "");
  EXPECT_EQ(tether_reply_value(nullptr, nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_reply_failure(nullptr, 500, "x", 1), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_reply_error(nullptr, 500, "x", 1), TETHER_INVALID_ARGUMENT);
}

TEST(H2EndpointApi, BadSessionOptionsFailAtStart) {
  tether_session_options session;
  tether_session_options_init(&session);
  session.max_frame_payload = 0;
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.session = &session;
  tether_endpoint *e = nullptr;
  ASSERT_EQ(tether_endpoint_new(&options, &e), TETHER_OK);
  EXPECT_EQ(tether_endpoint_start(e), TETHER_IO);
  EXPECT_NE(std::string(tether_endpoint_last_error(e)).find("session options"), std::string::npos);
  tether_endpoint_free(e);
}

TEST(H2EndpointApi, HandlersAreCheckedAndOnlyAddedBeforeStart) {
  tether_endpoint *e = nullptr;
  ASSERT_EQ(tether_endpoint_new(nullptr, &e), TETHER_OK);
  uint16_t port = 0;
  EXPECT_EQ(tether_endpoint_port(e, &port), TETHER_INVALID_STATE);
  EXPECT_EQ(tether_endpoint_add_handler(e, nullptr, "b", noop, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_endpoint_add_handler(e, "A", "b", nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_endpoint_add_handler(e, "A", "b c", noop, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tether_endpoint_last_error(e)).find("b c"), std::string::npos);
  EXPECT_EQ(tether_endpoint_add_handler(e, "A", "b", noop, nullptr), TETHER_OK);
  EXPECT_EQ(tether_endpoint_add_handler(e, "A", "b", noop, nullptr), TETHER_INVALID_ARGUMENT);
  ASSERT_EQ(tether_endpoint_start(e), TETHER_OK);
  EXPECT_EQ(tether_endpoint_start(e), TETHER_INVALID_STATE);
  EXPECT_EQ(tether_endpoint_add_handler(e, "A", "c", noop, nullptr), TETHER_INVALID_STATE);
  EXPECT_EQ(tether_endpoint_port(e, &port), TETHER_OK);
  EXPECT_NE(port, 0);
  EXPECT_EQ(tether_endpoint_stop(e), TETHER_OK);
  EXPECT_EQ(tether_endpoint_stop(e), TETHER_OK);  // idempotent
  tether_endpoint_free(e);
}

TEST(H2EndpointApi, ListeningOnATakenPortIsAnIoErrorNamingIt) {
  Endpoint first;
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.port = first.port();
  tether_endpoint *e = nullptr;
  ASSERT_EQ(tether_endpoint_new(&options, &e), TETHER_OK);
  EXPECT_EQ(tether_endpoint_start(e), TETHER_IO);
  EXPECT_NE(std::string(tether_endpoint_last_error(e)).find(std::to_string(first.port())),
            std::string::npos);
  tether_endpoint_free(e);
}

// A handler that sets no result: the runtime gets a retryable ErrorMessage 500.
TEST(H2EndpointApi, AHandlerWithoutAResultIsARetryableError) {
  tether_endpoint *e = nullptr;
  ASSERT_EQ(tether_endpoint_new(nullptr, &e), TETHER_OK);
  ASSERT_EQ(tether_endpoint_add_handler(e, "S", "silent", noop, nullptr), TETHER_OK);
  ASSERT_EQ(tether_endpoint_start(e), TETHER_OK);
  uint16_t port = 0;
  tether_endpoint_port(e, &port);
  {
    Conn conn(port);
    int32_t id = conn.post("/invoke/S/silent", kV8,
                           tether::h2::start_frame("x", "x", 1) + tether::h2::input_frame("in"));
    ASSERT_TRUE(conn.wait_closed(id));
    std::vector<Frame> frames = conn.responses[id].frames();
    ASSERT_EQ(frames.size(), 1u);
    ASSERT_EQ(frames[0].type, TETHER_MSG_ERROR);
    pb::ErrorMessage error;
    ASSERT_TRUE(error.ParseFromString(frames[0].payload));
    EXPECT_EQ(error.code(), 500u);
    EXPECT_NE(error.message().find("without a result"), std::string::npos);
  }
  tether_endpoint_free(e);
}

TEST(H2EndpointApi, StatsTakeOlderAndNewerStructs) {
  Endpoint endpoint;
  tether_endpoint_stats stats{};
  stats.struct_size = offsetof(tether_endpoint_stats, streams);
  stats.streams = 77;
  ASSERT_EQ(tether_endpoint_stats_get(endpoint.handle(), &stats), TETHER_OK);
  EXPECT_EQ(stats.struct_size, offsetof(tether_endpoint_stats, streams));
  EXPECT_EQ(stats.streams, 77u);  // past the caller's struct: untouched
  stats.struct_size = sizeof(size_t) - 1;
  EXPECT_EQ(tether_endpoint_stats_get(endpoint.handle(), &stats), TETHER_INVALID_ARGUMENT);
  // A newer caller's larger struct gets the fields this library knows, the rest alone.
  struct {
    tether_endpoint_stats known;
    uint64_t later_field;
  } newer{};
  newer.known.struct_size = sizeof newer;
  newer.later_field = 77;
  ASSERT_EQ(tether_endpoint_stats_get(endpoint.handle(), &newer.known), TETHER_OK);
  EXPECT_EQ(newer.known.struct_size, sizeof newer);
  EXPECT_EQ(newer.later_field, 77u);
}

}  // namespace
}  // namespace tether_test
