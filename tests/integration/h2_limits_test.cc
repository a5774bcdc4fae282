// The endpoint's limits against hostile clients, on loopback with raw sockets:
// a half-open flood, idle connections, the connection and stream caps and header
// floods.
// Each test checks the behaviour (who is closed, who is served, what is
// counted), never how long anything took.
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "h2_harness.h"

namespace tether_test {
namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
// An empty SETTINGS frame: with the preface, all a client must send to be
// connected.
const std::string kEmptySettings("\0\0\0\x04\0\0\0\0\0", 9);

int raw_connect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0)
      << std::strerror(errno);
  return fd;
}

void send_all(int fd, const std::string &bytes) {
  EXPECT_EQ(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), ssize_t(bytes.size()));
}

// True once the server has closed fd (EOF or reset); false if it still holds it
// after a generous wait (a test machine may be slow: this bounds a failure, not
// a figure).
bool closed_by_server(int fd, int wait_ms = 20000) {
  char sink[4096];
  for (int waited = 0; waited < wait_ms; waited += 50) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t n = recv(fd, sink, sizeof sink, 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
  }
  return false;
}

tether_endpoint_options options() {
  tether_endpoint_options o;
  tether_endpoint_options_init(&o);
  return o;
}

template <typename Done>
bool eventually(Done done) {
  for (int i = 0; i < 2000 && !done(); ++i) usleep(10000);
  return done();
}

}  // namespace

TEST(H2Limits, DefaultsAreSetAndZeroIsRefusedWhereItMeansNothing) {
  tether_endpoint_options o = options();
  EXPECT_EQ(o.preface_timeout_ms, 10000u);
  EXPECT_EQ(o.idle_timeout_ms, 60000u);
  EXPECT_EQ(o.max_header_block, 65536u);
  EXPECT_EQ(o.max_connections, 1024u);
  EXPECT_EQ(o.max_streams_per_connection, 1024u);
  EXPECT_EQ(o.max_held_per_connection, uint64_t{64} << 20);
  for (auto bad :
       {&tether_endpoint_options::preface_timeout_ms, &tether_endpoint_options::max_header_block,
        &tether_endpoint_options::max_connections,
        &tether_endpoint_options::max_streams_per_connection}) {
    tether_endpoint_options b = options();
    b.*bad = 0;
    tether_endpoint *e = nullptr;
    EXPECT_EQ(tether_endpoint_new(&b, &e), TETHER_INVALID_ARGUMENT);
    EXPECT_EQ(e, nullptr);
  }
  tether_endpoint_options small = options();
  small.max_held_per_connection = 1000;  // below one stream's window
  tether_endpoint *e = nullptr;
  EXPECT_EQ(tether_endpoint_new(&small, &e), TETHER_INVALID_ARGUMENT);
}

// Thousands of connections that send part of the preface and nothing more are
// closed by the preface deadline; a client that speaks HTTP/2 is served among
// them.
TEST(H2Limits, HalfOpenFloodIsClosedByThePrefaceDeadlineWhileAClientIsServed) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  // Both ends of every flood connection live in this process.
  size_t flood = std::min<size_t>(2000, (files.rlim_cur - 200) / 2);
  ASSERT_GE(flood, 400u) << "too few descriptors for a flood: " << files.rlim_cur;

  tether_endpoint_options o = options();
  o.preface_timeout_ms = 500;
  o.max_connections = 4096;
  Endpoint endpoint(&o);
  std::vector<int> fds;
  for (size_t i = 0; i < flood; ++i) {
    fds.push_back(raw_connect(endpoint.port()));
    send_all(fds.back(), std::string(kPreface, 10));
  }
  Conn conn(endpoint.port());
  expect_echo(conn, "served during the flood");
  size_t closed = 0;
  for (int fd : fds) {
    closed += closed_by_server(fd);
    close(fd);
  }
  EXPECT_EQ(closed, flood);
  EXPECT_EQ(endpoint.stats().preface_timeouts, flood);
  expect_echo(conn, "served after the flood");
}

// A connection that finished the preface but opens no stream is closed once
// idle; one with a stream open stays, however long its request takes.
TEST(H2Limits, IdleConnectionIsClosedAndOneWithAnOpenStreamIsNot) {
  tether_endpoint_options o = options();
  o.idle_timeout_ms = 300;
  Endpoint endpoint(&o);
  Conn busy(endpoint.port());
  int32_t open =
      busy.post("/invoke/Echo/echo", kV8, tether::h2::start_frame("inv-1", "inv_t", 1), false);
  ASSERT_TRUE(busy.run_until([&] { return busy.responses[open].status == 200; }));
  int idle = raw_connect(endpoint.port());
  send_all(idle, kPreface + kEmptySettings);
  EXPECT_TRUE(closed_by_server(idle));
  close(idle);
  // The idle one is gone: the busy one, older, still finishes its request.
  busy.send(open, tether::h2::input_frame("late input"));
  busy.client->end(open);
  ASSERT_TRUE(busy.wait_closed(open));
  ASSERT_EQ(busy.responses[open].frames().size(), 2u);
  EXPECT_EQ(output_value(busy.responses[open].frames()[0]), "late input");
  tether_endpoint_stats s = endpoint.stats();
  EXPECT_GE(s.idle_timeouts, 1u);
  EXPECT_EQ(s.preface_timeouts, 0u);
}

// Past max_connections a new connection is refused (GOAWAY, then closed) and
// counted; the connections already open keep being served, and a freed slot is
// used again.
TEST(H2Limits, ConnectionCapRefusesCleanlyAndCounts) {
  tether_endpoint_options o = options();
  o.max_connections = 2;
  Endpoint endpoint(&o);
  auto a = std::make_unique<Conn>(endpoint.port());
  Conn b(endpoint.port());
  expect_echo(*a);
  expect_echo(b);
  int refused = raw_connect(endpoint.port());
  send_all(refused, kPreface + kEmptySettings);
  EXPECT_TRUE(closed_by_server(refused));
  close(refused);
  EXPECT_EQ(endpoint.stats().refused_connections, 1u);
  expect_echo(b, "b is still served");
  a.reset();
  ASSERT_TRUE(eventually([&] { return endpoint.stats().open_connections == 1; }));
  Conn c(endpoint.port());
  expect_echo(c, "c takes a's slot");
  EXPECT_EQ(endpoint.stats().refused_connections, 1u);
}

// A header block over max_header_block (one huge value, or very many small
// fields) resets that stream only; the connection goes on serving.
TEST(H2Limits, HeaderFloodsResetTheStreamAndTheConnectionServesOn) {
  tether_endpoint_options o = options();
  o.max_header_block = 8192;
  Endpoint endpoint(&o);
  Conn conn(endpoint.port());
  tether::h2::Headers huge{{"content-type", kV8}, {"x-flood", std::string(16000, 'a')}};
  tether::h2::Headers many{{"content-type", kV8}};
  for (int i = 0; i < 800; ++i) many.emplace_back("x-" + std::to_string(i), "flood");
  for (const auto &headers : {huge, many}) {
    int32_t id = conn.client->request("POST", "/invoke/Echo/echo", headers, false);
    ASSERT_GT(id, 0) << conn.client->error();
    ASSERT_TRUE(conn.wait_closed(id));
    EXPECT_NE(conn.responses[id].error_code, 0u);
    EXPECT_EQ(conn.responses[id].status, 0);
  }
  expect_echo(conn, "served after the floods");
  EXPECT_EQ(endpoint.stats().refused_headers, 2u);
}

// Streams past max_streams_per_connection are refused (REFUSED_STREAM, which the
// runtime retries) and counted; the streams within the cap and the connection go on.
// The client opens them all before it reads the endpoint's SETTINGS, as a runtime
// may at the start of a connection (until then nghttp2 assumes 100).
TEST(H2Limits, StreamsPastTheCapAreRefusedCountedAndTheConnectionServesOn) {
  tether_endpoint_options o = options();
  o.max_streams_per_connection = 4;
  Endpoint endpoint(&o);
  Conn conn(endpoint.port());
  std::vector<int32_t> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(
        conn.post("/invoke/Echo/echo", kV8, tether::h2::start_frame("inv-1", "inv_t", 1), false));
  }
  auto count = [&](auto pred) {
    return std::count_if(ids.begin(), ids.end(),
                         [&](int32_t id) { return pred(conn.responses[id]); });
  };
  auto refused = [](const Response &r) { return r.closed && r.error_code == 7; };  // REFUSED_STREAM
  auto open = [](const Response &r) { return !r.closed && r.status == 200; };
  ASSERT_TRUE(conn.run_until([&] { return count(refused) == 6 && count(open) == 4; }));
  for (int32_t id : ids) {
    if (conn.responses[id].closed) continue;
    conn.send(id, tether::h2::input_frame("within the cap"));
    conn.client->end(id);
    ASSERT_TRUE(conn.wait_closed(id));
    ASSERT_EQ(conn.responses[id].frames().size(), 2u);
    EXPECT_EQ(output_value(conn.responses[id].frames()[0]), "within the cap");
  }
  EXPECT_EQ(endpoint.stats().refused_streams, 6u);
  expect_echo(conn, "served after the refusals");
  EXPECT_EQ(endpoint.stats().refused_streams, 6u);

  // A caller built before refused_streams was appended passes the shorter size: it
  // gets every older field and nothing is written past its struct.
  tether_endpoint_stats older;
  std::memset(&older, 0xAB, sizeof older);
  older.struct_size = offsetof(tether_endpoint_stats, refused_streams);
  ASSERT_EQ(tether_endpoint_stats_get(endpoint.handle(), &older), TETHER_OK);
  EXPECT_EQ(older.struct_size, offsetof(tether_endpoint_stats, refused_streams));
  EXPECT_EQ(older.streams, 5u);  // the 4 within the cap and the echo: refused ones never opened
  EXPECT_EQ(older.refused_streams, 0xABABABABABABABABu);
}

}  // namespace tether_test
