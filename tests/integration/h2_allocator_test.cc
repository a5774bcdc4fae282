// The endpoint's sessions allocate from its I/O thread and every dispatch thread; the
// hook is called one call at a time (tether.h), so a plain counting allocator with no
// locks of its own stays right (and TSan quiet) under concurrent invocations.
#include <thread>

#include "h2_harness.h"
#include "tracking_allocator.h"

namespace tether_test {
namespace {

TEST(H2Allocator, TheHookIsNeverCalledFromTwoThreadsAtOnce) {
  TrackingAllocator counting;  // no atomics, no lock: a race shows in TSan and the counts
  {
    tether_session_options session;
    tether_session_options_init(&session);
    session.allocator = counting.hook();
    tether_endpoint_options options;
    tether_endpoint_options_init(&options);
    options.session = &session;
    options.dispatch_threads = 4;
    Endpoint endpoint(&options);
    std::vector<std::thread> clients;
    for (int c = 0; c < 3; ++c) {
      clients.emplace_back([&endpoint, c] {
        Conn conn(endpoint.port());
        std::vector<int32_t> ids;
        for (int i = 0; i < 40; ++i) {
          ids.push_back(conn.invoke("echo", std::string(100 + i * 50, char('a' + c))));
        }
        for (int32_t id : ids) EXPECT_TRUE(conn.wait_closed(id));
      });
    }
    for (std::thread &t : clients) t.join();
    EXPECT_EQ(endpoint.stats().invocations, 120u);
  }
  EXPECT_GT(counting.calls, 120u);
  EXPECT_EQ(counting.blocks, 0u);  // every block freed, counted exactly
  EXPECT_EQ(counting.live, 0u);
}

}  // namespace
}  // namespace tether_test
