// Streams the runtime resets or leaves early: their flow-control window comes back,
// their handlers never start (or are told), and the connection serves on.
#include <atomic>
#include <thread>

#include "frame/header.h"
#include "h2/server.h"
#include "h2_harness.h"

namespace tether_test {
namespace {

std::string custom_frame(size_t length) {
  std::string out(tether::kFrameHeaderSize, '\0');
  tether::encode_header(tether::FrameHeader{0xFC00, 0, uint32_t(length)},
                        reinterpret_cast<uint8_t *>(out.data()));
  return out + std::string(length, 'c');
}

// The core server under tether_endpoint, for what the C API does not set: the HTTP/2
// windows. Echo/echo answers its input; Echo/gate holds its dispatch thread.
class WindowedServer {
 public:
  explicit WindowedServer(const tether::h2::ServerOptions &options) {
    tether::h2::Registry registry;
    std::string error;
    EXPECT_EQ(registry.add("Echo", "echo", echo, nullptr, &error), TETHER_OK);
    EXPECT_EQ(registry.add("Echo", "gate", gate, &gate_, &error), TETHER_OK);
    server_ = tether::h2::Server::start(options, std::move(registry), &error);
    EXPECT_TRUE(server_) << error;
  }
  ~WindowedServer() {
    gate_.open();
    server_->stop();
  }
  uint16_t port() const { return server_->port(); }
  Gate &gate_keeper() { return gate_; }

 private:
  static void echo(const tether_invocation_input &input, tether::h2::Reply &reply, void *) {
    reply.value(input.value, input.value_length);
  }
  static void gate(const tether_invocation_input &, tether::h2::Reply &reply, void *g) {
    static_cast<Gate *>(g)->pass();
    reply.value(reinterpret_cast<const uint8_t *>("ok"), 2);
  }
  Gate gate_;
  std::unique_ptr<tether::h2::Server> server_;
};

tether::h2::ServerOptions small_windows() {
  tether::h2::ServerOptions o;
  o.stream_window = 65535;
  o.connection_window = 128u << 10;
  o.session.max_frame_payload = 4096;
  o.session.max_message_size = 16384;  // inbound budget: 24 KiB
  return o;
}

// Bytes the session had not accepted yet when the runtime reset the stream were never
// given back to the connection's window: a few such resets stalled every later
// invocation on the connection. Now they are released with the stream.
TEST(H2Cancel, ResetsWithUnreadInputGiveTheConnectionWindowBack) {
  WindowedServer server(small_windows());
  Conn conn(server.port());
  int32_t held = conn.invoke("gate", "");  // holds the one dispatch thread
  ASSERT_TRUE(conn.run_until([&] { return server.gate_keeper().entered() == 1; }));
  for (int i = 0; i < 6; ++i) {
    // ~60 KB each, far over the session's budget: most of it waits in the server.
    int32_t id =
        conn.post("/invoke/Echo/echo", kV8,
                  tether::h2::start_frame("r", "r", 1) + tether::h2::input_frame("x"), false);
    for (int k = 0; k < 15; ++k) conn.send(id, custom_frame(4000));
    ASSERT_EQ(conn.client->run(0), TETHER_OK);  // the body goes out before the reset
    conn.client->cancel(id);
    ASSERT_EQ(conn.client->run(0), TETHER_OK);
  }
  server.gate_keeper().open();
  ASSERT_TRUE(conn.wait_closed(held));
  expect_echo(conn);  // stalled for want of connection window before
}

// Input that arrives after the invocation is DONE has nothing to act on: it is taken
// and dropped, so the stream's window keeps moving and the request can end.
TEST(H2Cancel, InputAfterTheResponseEndedIsDropped) {
  WindowedServer server(small_windows());
  Conn conn(server.port());
  int32_t id =
      conn.post("/invoke/Echo/echo", kV8,
                tether::h2::start_frame("d", "d", 1) + tether::h2::input_frame("early"), false);
  ASSERT_TRUE(conn.run_until([&] { return conn.responses[id].frames().size() == 2; }));
  for (int k = 0; k < 50; ++k) conn.send(id, custom_frame(4000));  // 200 KB: 3 windows
  conn.client->end(id);
  ASSERT_TRUE(conn.wait_closed(id));  // the request could not end before
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(output_value(frames[0]), "early");
  expect_echo(conn);
}

// HTTP/2 "rapid reset": streams opened and reset at once. A reset stream leaves the
// dispatch queue: its handler never starts, and a live call is not kept waiting.
TEST(H2Cancel, AFloodOfResetsNeverStartsTheirHandlers) {
  Gate gate;
  std::atomic<int> started{0};
  Endpoint endpoint(nullptr, [&](tether_endpoint *e) {
    tether_endpoint_add_handler(e, "Echo", "gate", gate_handler, &gate);
    tether_endpoint_add_handler(
        e, "Echo", "count",
        [](const tether_invocation_input *, tether_reply *reply, void *n) {
          static_cast<std::atomic<int> *>(n)->fetch_add(1);
          tether_reply_value(reply, nullptr, 0);
        },
        &started);
  });
  Conn conn(endpoint.port());
  int32_t held = conn.invoke("gate", "");
  ASSERT_TRUE(conn.run_until([&] { return gate.entered() == 1; }));
  constexpr int kResets = 300;
  std::vector<int32_t> ids;
  for (int i = 0; i < kResets; ++i) ids.push_back(conn.invoke("count", "x"));
  // Every request has reached the server and waits in its dispatch queue.
  ASSERT_TRUE(conn.run_until([&] { return endpoint.stats().invocations == kResets + 1u; }));
  for (int i = 0; i < 20; ++i) ASSERT_EQ(conn.client->run(1), TETHER_OK);
  for (int32_t id : ids) conn.client->cancel(id);
  ASSERT_TRUE(conn.run_until([&] { return endpoint.stats().open_invocations == 1; }));
  gate.open();
  ASSERT_TRUE(conn.wait_closed(held));
  Conn live(endpoint.port());
  expect_echo(live);
  expect_echo(conn);
  EXPECT_EQ(started.load(), 0);
}

// A handler that runs when its stream is reset is told (tether_reply_cancelled), so it
// can stop early; what it replies then is dropped and the endpoint serves on.
TEST(H2Cancel, ARunningHandlerIsToldOfTheReset) {
  struct Seen {
    std::atomic<int> entered{0};
    std::atomic<int> before{-1}, after{-1};
  } seen;
  Endpoint endpoint(nullptr, [&](tether_endpoint *e) {
    tether_endpoint_add_handler(
        e, "Echo", "wait",
        [](const tether_invocation_input *, tether_reply *reply, void *p) {
          auto &s = *static_cast<Seen *>(p);
          s.before = tether_reply_cancelled(reply);
          s.entered = 1;
          for (int i = 0; i < 2000 && !tether_reply_cancelled(reply); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
          s.after = tether_reply_cancelled(reply);
          tether_reply_value(reply, reinterpret_cast<const uint8_t *>("late"), 4);
        },
        &seen);
  });
  EXPECT_EQ(tether_reply_cancelled(nullptr), 0);
  Conn conn(endpoint.port());
  int32_t id = conn.invoke("wait", "");
  ASSERT_TRUE(conn.run_until([&] { return seen.entered == 1; }));
  conn.client->cancel(id);
  ASSERT_TRUE(conn.wait_closed(id));
  ASSERT_TRUE(conn.run_until([&] { return seen.after != -1; }));
  EXPECT_EQ(seen.before, 0);
  EXPECT_EQ(seen.after, 1);
  EXPECT_TRUE(conn.responses[id].body.empty());
  ASSERT_TRUE(conn.run_until([&] { return endpoint.stats().open_invocations == 0; }));
  expect_echo(conn);
}

}  // namespace
}  // namespace tether_test
