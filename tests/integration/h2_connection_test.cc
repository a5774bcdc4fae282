// Connection-level abuse and client misuse: the server drops a bad connection and
// keeps serving; the client reports what went wrong.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "h2_harness.h"

namespace tether_test {
namespace {

TEST(H2Connection, GarbageInsteadOfAPrefaceClosesOnlyThatConnection) {
  Endpoint endpoint;
  std::string error;
  int fd = tether::h2::connect_tcp("127.0.0.1", endpoint.port(), &error);
  ASSERT_GE(fd, 0) << error;
  const char garbage[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(send(fd, garbage, sizeof garbage - 1, 0), ssize_t(sizeof garbage - 1));
  // The server answers with its SETTINGS/GOAWAY and closes: read until EOF.
  char buffer[4096];
  bool eof = false;
  uint64_t deadline = tether::h2::monotonic_ns() + 10'000'000'000ull;
  while (!eof && tether::h2::monotonic_ns() < deadline) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n == 0) eof = true;
    if (n < 0 && errno != EAGAIN) eof = true;
    if (n < 0) usleep(1000);
  }
  close(fd);
  EXPECT_TRUE(eof);
  Conn conn(endpoint.port());
  expect_echo(conn, "ok");
}

TEST(H2Connection, APeerThatVanishesMidInvocationLeavesNothingBehind) {
  Endpoint endpoint;
  {
    Conn gone(endpoint.port());
    gone.invoke("block", "100");
    gone.post("/invoke/Echo/echo", kV8, tether::h2::start_frame("x", "x", 1), false);
    ASSERT_EQ(gone.client->run(0), TETHER_OK);
    ASSERT_TRUE(gone.run_until([&] { return endpoint.stats().open_invocations == 2; }));
  }  // the connection closes while the handler blocks
  Conn conn(endpoint.port());
  expect_echo(conn, "ok");
  ASSERT_TRUE(conn.run_until([&] { return endpoint.stats().open_invocations == 0; }));
}

TEST(H2Client, ReportsConnectFailuresAndMisuse) {
  std::string error;
  tether::h2::ClientListener listener;
  // A port nobody listens on: bind one, take its number, close it.
  uint16_t port = 0;
  int fd = tether::h2::listen_tcp("127.0.0.1", 0, &port, &error);
  ASSERT_GE(fd, 0);
  close(fd);
  EXPECT_EQ(tether::h2::Client::connect("127.0.0.1", port, &listener, &error), nullptr);
  EXPECT_NE(error.find("connect to 127.0.0.1:" + std::to_string(port)), std::string::npos) << error;
  EXPECT_EQ(tether::h2::Client::connect("no.such.host.invalid", 80, &listener, &error), nullptr);
  EXPECT_NE(error.find("cannot resolve"), std::string::npos) << error;

  Endpoint endpoint;
  Conn conn(endpoint.port());
  uint8_t byte = 0;
  EXPECT_EQ(conn.client->write(99, &byte, 1), TETHER_INVALID_STATE);
  EXPECT_EQ(conn.client->end(99), TETHER_INVALID_STATE);
  EXPECT_EQ(conn.client->cancel(99), TETHER_INVALID_STATE);
  int32_t get = conn.get("/discover", "");
  EXPECT_EQ(conn.client->write(get, &byte, 1), TETHER_INVALID_STATE);  // no body
  int32_t id = conn.post("/invoke/Echo/echo", kV8, "", true);
  EXPECT_EQ(conn.client->end(id), TETHER_INVALID_STATE);  // ended twice
  ASSERT_TRUE(conn.wait_closed(id));
}

TEST(H2Client, AServerThatGoesAwayIsAnIoError) {
  auto endpoint = std::make_unique<Endpoint>();
  Conn conn(endpoint->port());
  expect_echo(conn, "ok");
  endpoint.reset();
  EXPECT_FALSE(conn.run_until([] { return false; }, 2000));
  EXPECT_EQ(conn.client->run(0), TETHER_IO);
  // "the server closed the connection", or a reset if it closed with bytes unread.
  EXPECT_FALSE(conn.client->error().empty());
}

}  // namespace
}  // namespace tether_test
