// Allocation failure across the endpoint (docs/reliability.md): every allocation one
// invocation makes through its sessions' hook fails in turn. Each time that stream
// alone gets an error (or, where the failure is recovered, its exact output), nothing
// leaks, and the same connection is served normally right after.
#include <mutex>

#include "h2_harness.h"
#include "tracking_allocator.h"

namespace tether_test {
namespace {

// The tracking allocator behind a lock: the test reads and re-arms it while the
// endpoint's threads allocate.
struct LockedAllocator {
  std::mutex mu;
  TrackingAllocator inner;

  static void *do_malloc(size_t size, void *self) {
    auto *me = static_cast<LockedAllocator *>(self);
    std::lock_guard<std::mutex> lock(me->mu);
    return TrackingAllocator::do_malloc(size, &me->inner);
  }
  static void *do_realloc(void *ptr, size_t size, void *self) {
    auto *me = static_cast<LockedAllocator *>(self);
    std::lock_guard<std::mutex> lock(me->mu);
    return TrackingAllocator::do_realloc(ptr, size, &me->inner);
  }
  static void do_free(void *ptr, void *self) {
    auto *me = static_cast<LockedAllocator *>(self);
    std::lock_guard<std::mutex> lock(me->mu);
    TrackingAllocator::do_free(ptr, &me->inner);
  }
  tether_allocator hook() { return tether_allocator{&do_malloc, &do_realloc, &do_free, this}; }

  size_t calls() {
    std::lock_guard<std::mutex> lock(mu);
    return inner.calls;
  }
  size_t blocks() {
    std::lock_guard<std::mutex> lock(mu);
    return inner.blocks;
  }
  void fail_at(size_t call) {
    std::lock_guard<std::mutex> lock(mu);
    inner.fail_at = call;
  }
};

// A stream that got an error: an HTTP status other than 200, a reset, or a body
// that ends in ErrorMessage. Or one whose End found no memory: its response ends
// right after the Output, which the runtime takes as a failed attempt and retries.
bool failed_visibly(const Response &r) {
  if (r.status != 200 || r.error_code != 0) return true;
  std::vector<Frame> frames = r.frames();
  return !frames.empty() && (frames.back().type == TETHER_MSG_ERROR ||
                             frames.back().type == TETHER_MSG_OUTPUT_COMMAND);
}

// Runs the invocation `body` once to count its allocations, then once per allocation
// with that one failing; frame_payload > 0 sets the sessions' chunk bound.
void fail_each_allocation(const std::string &body, const std::string &input,
                          uint32_t frame_payload) {
  LockedAllocator counting;
  size_t failed = 0, recovered = 0, steps = 0;
  {
    tether_session_options session;
    tether_session_options_init(&session);
    session.allocator = counting.hook();
    if (frame_payload > 0) session.max_frame_payload = frame_payload;
    tether_endpoint_options options;
    tether_endpoint_options_init(&options);
    options.session = &session;
    Endpoint endpoint(&options);
    Conn conn(endpoint.port());
    // Every invocation over and its memory back (the hook serves sessions only).
    auto settled = [&] {
      return conn.run_until(
          [&] { return endpoint.stats().open_invocations == 0 && counting.blocks() == 0; });
    };
    expect_echo(conn);
    ASSERT_TRUE(settled());

    // How many allocations one such invocation makes.
    size_t before = counting.calls();
    int32_t id = conn.post("/invoke/Echo/echo", kV8, body);
    ASSERT_TRUE(conn.wait_closed(id));
    ASSERT_TRUE(settled());
    steps = counting.calls() - before;
    ASSERT_GT(steps, 3u);
    for (size_t k = 0; k < steps; ++k) {
      counting.fail_at(counting.calls() + k);
      id = conn.post("/invoke/Echo/echo", kV8, body);
      ASSERT_TRUE(conn.wait_closed(id)) << "allocation " << k << ": the stream never ended";
      ASSERT_TRUE(settled()) << "allocation " << k << ": " << counting.blocks() << " blocks kept";
      const Response &r = conn.responses[id];
      if (failed_visibly(r)) {
        ++failed;
      } else {  // recovered: then the output must be exact
        std::vector<Frame> frames = r.frames();
        ASSERT_FALSE(frames.empty()) << "allocation " << k << ": an empty 200";
        EXPECT_EQ(frames.back().type, TETHER_MSG_END) << "allocation " << k;
        bool echoed = false;
        for (const Frame &f : frames) {
          if (f.type == TETHER_MSG_OUTPUT_COMMAND) echoed = output_value(f) == input;
        }
        EXPECT_TRUE(echoed) << "allocation " << k << ": a 200 without the exact output";
        ++recovered;
      }
      counting.fail_at(SIZE_MAX);
      expect_echo(conn);  // the same connection is served normally right after
      ASSERT_TRUE(settled());
    }
    EXPECT_EQ(endpoint.stats().open_invocations, 0u);
  }
  EXPECT_EQ(failed + recovered, steps);
  EXPECT_GT(failed, 0u);  // the failures reached the streams, they were not all absorbed
  EXPECT_EQ(counting.blocks(), 0u);
  EXPECT_EQ(counting.inner.live, 0u);
}

TEST(H2AllocFailure, EachAllocationOfAnInvocationFailingInTurnFailsThatStreamOnly) {
  // Start, a Ping, the input, a Ping: whole frames.
  const std::string input(3000, 'q');
  fail_each_allocation(tether::h2::start_frame("inv-1", "inv_test", 1) + ping_frame("p1") +
                           tether::h2::input_frame(input) + ping_frame("p2"),
                       input, 0);
}

TEST(H2AllocFailure, TheSameWithChunkedInputAndOutput) {
  // The input in 1 KiB chunks with a Ping between them; the output comes back chunked.
  const std::string input(5000, 'c');
  std::string frame = tether::h2::input_frame(input);
  std::string payload = frame.substr(tether::kFrameHeaderSize), body;
  body = tether::h2::start_frame("inv-1", "inv_test", 1);
  for (size_t at = 0; at < payload.size(); at += 1024) {
    bool last = at + 1024 >= payload.size();
    body += raw_frame(TETHER_MSG_INPUT_COMMAND, last ? 0 : TETHER_FLAG_CONTINUED,
                      payload.substr(at, 1024));
    if (at == 0) body += ping_frame("between");
  }
  fail_each_allocation(body, input, 1024);
}

}  // namespace
}  // namespace tether_test
