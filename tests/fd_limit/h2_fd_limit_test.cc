// A binary of its own: it lowers its descriptor limit (setrlimit) so that the
// endpoint's accept() fails with EMFILE. The listener must pause instead of firing again
// at once (an idle endpoint burning a core), count the failure, and accept the waiting
// connection once a descriptor is free again.
#include <dirent.h>
#include <sys/resource.h>

#include <thread>

#include "h2_harness.h"

namespace tether_test {
namespace {

size_t open_descriptors() {
  size_t n = 0;
  DIR *dir = opendir("/proc/self/fd");
  while (dir != nullptr && readdir(dir) != nullptr) ++n;
  if (dir != nullptr) closedir(dir);
  return n - 3;  // ".", ".." and the directory's own descriptor
}

TEST(H2FdLimit, RunningOutOfDescriptorsPausesAcceptInsteadOfSpinning) {
  Endpoint endpoint;
  {
    // A first call before the limit: UBSan checks a virtual call the first time it sees
    // the type, and that check needs a pipe, i.e. descriptors it will not have later.
    Conn warm(endpoint.port());
    expect_echo(warm);
  }
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = open_descriptors() + 8;  // room for a few connections, both ends here
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);

  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < 16 && endpoint.stats().accept_failures == 0; ++i) {
    uint64_t seen = endpoint.stats().connections;
    auto conn = std::make_unique<Conn>(endpoint.port(), tether::h2::ClientOptions(), false);
    if (!conn->client) break;  // the client side ran out first
    conns.push_back(std::move(conn));
    // Each connection is accepted, or its accept fails, before the next one.
    conns.back()->run_until([&] {
      tether_endpoint_stats s = endpoint.stats();
      return s.connections > seen || s.accept_failures > 0;
    });
  }
  ASSERT_FALSE(conns.empty());
  Conn &waiting = *conns.back();  // in the backlog when accept failed
  ASSERT_TRUE(waiting.run_until([&] { return endpoint.stats().accept_failures > 0; }));

  // Idle with the connection still waiting: a spinning listener fails accept() without
  // pause (thousands of times here); a paused one at most once a second.
  uint64_t before = endpoint.stats().accept_failures;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_LE(endpoint.stats().accept_failures - before, 1u);

  // A connection closes: its descriptor is free, the waiting one is accepted and served.
  conns.front().reset();
  expect_echo(waiting);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  Conn fresh(endpoint.port());
  expect_echo(fresh);
}

}  // namespace
}  // namespace tether_test
