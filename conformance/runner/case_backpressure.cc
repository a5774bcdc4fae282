// Case 8: the runner stops reading while 20 calls each produce 30 MiB. The endpoint
// must hold its queued output within its outbound budget (its counters, GET /stats,
// and its RSS when the runner knows its pid), and every byte must arrive once the
// runner reads again. An official SDK behind an adapter keeps copies of its own that
// no adapter can remove: given the same SDK's growth without tether (--stock-growth),
// the RSS bound is that plus one high watermark per call and the slack, so the
// adapter passes when it holds no whole extra copy of each message.
#include <algorithm>

#include "chunk/splitter.h"
#include "h2/net.h"
#include "observe.h"
#include "support.h"

namespace tether::conformance {
namespace {

constexpr int kCalls = 20;
constexpr uint64_t kOutput = 30ull << 20;
constexpr int kTimeoutMs = 60000;
constexpr uint64_t kSessionHigh = 4ull << 20;  // the session's default high watermark
constexpr uint64_t kSlack = 64ull << 20;       // RSS noise: allocator, stacks, HTTP/2 buffers

// A session may queue one whole message while under its high watermark.
uint64_t session_budget(const Options &o) {
  if (o.outbound_budget != 0) return o.outbound_budget;
  uint64_t m = o.target.max_message_size;
  return kSessionHigh + m + chunk_count(m, o.target.max_frame_payload) * kFrameHeaderSize +
         (64 << 10);
}

// GET /stats: the endpoint's counters as JSON, "" if it serves none.
std::string stats(Connection &c) {
  int32_t id = c.get("/stats", "application/json");
  if (id < 0 || !c.wait_closed({id}, 5000)) return "";
  Stream &s = c.stream(id);
  return s.status == 200 ? s.body : "";
}

Result with_growth(Result result, int64_t growth) {
  result.rss_growth = growth;
  return result;
}

}  // namespace

Result run_backpressure(const Options &o) {
  const uint64_t size = std::min(kOutput, o.target.max_message_size - 64);
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  uint64_t baseline = resident_bytes(o.pid), peak = baseline;
  auto sample = [&] { peak = std::max(peak, resident_bytes(o.pid)); };

  std::vector<int32_t> ids;
  for (int i = 0; i < kCalls; ++i) {
    int32_t id = c->call("big", std::to_string(size));
    if (id < 0) return fail(c->error());
    c->client().pause(id);
    ids.push_back(id);
  }
  auto arrived = [&] {
    uint64_t n = 0;
    for (int32_t id : ids) n += c->stream(id).bytes_in;
    return n;
  };
  // Not reading: wait until nothing more arrives (at least 1 s, at most 20 s).
  uint64_t start = h2::monotonic_ns(), quiet_since = start, last = 0;
  c->wait(
      [&] {
        sample();
        uint64_t now = h2::monotonic_ns(), n = arrived();
        if (n != last) last = n, quiet_since = now;
        return now - start > 1000000000ull && now - quiet_since > 500000000ull;
      },
      20000);
  uint64_t while_paused = arrived();

  // Reading again, one stream at a time; each output is checked, then dropped.
  for (int32_t id : ids) {
    c->client().resume(id);
    if (!c->wait(
            [&] {
              sample();
              return c->stream(id).closed;
            },
            kTimeoutMs)) {
      return fail(strf("stream %d did not end after reading resumed: %s %s", id,
                       progress(c->stream(id)).c_str(), c->error().c_str()));
    }
    std::string output, why;
    if (!output_of(c->stream(id), &output, &why))
      return fail(strf("stream %d: %s", id, why.c_str()));
    if (output.size() != size) {
      return fail(strf("stream %d: %zu of %llu bytes", id, output.size(),
                       static_cast<unsigned long long>(size)));
    }
    c->stream(id).messages().clear();
  }

  std::string figure = strf("%d x %.0f MiB: %.1f MiB came while paused, all %.0f MiB after", kCalls,
                            mib(size), mib(while_paused), mib(kCalls * size));
  bool observed = false;
  uint64_t budget = session_budget(o), counted = 0;
  std::string json = stats(*c);
  json_number(json, "session_outbound_budget", &budget);
  if (json_number(json, "peak_session_outbound", &counted)) {
    observed = true;
    figure += strf("; peak session output %.1f MiB (budget %.1f)", mib(counted), mib(budget));
    if (counted > budget) return fail(figure);
  }
  int64_t growth = -1;
  if (baseline != 0) {
    observed = true;
    growth = static_cast<int64_t>(peak - baseline);
    if (o.stock_growth >= 0) {
      uint64_t bound = static_cast<uint64_t>(o.stock_growth) + kCalls * kSessionHigh + kSlack;
      figure += strf(
          "; RSS +%.0f MiB, the SDK without tether +%.0f MiB (bound %.0f = that + %d x "
          "%.0f MiB + %.0f MiB)",
          mib(peak - baseline), mib(static_cast<uint64_t>(o.stock_growth)), mib(bound), kCalls,
          mib(kSessionHigh), mib(kSlack));
      if (peak - baseline > bound) return with_growth(fail(figure), growth);
    } else {
      uint64_t bound = kCalls * budget + 2 * size + kSlack;
      figure += strf("; RSS +%.0f MiB (bound %.0f)", mib(peak - baseline), mib(bound));
      if (peak - baseline > bound) return with_growth(fail(figure), growth);
    }
  }
  if (!observed) {
    return fail(figure + "; queued output not observable: serve GET /stats or pass --pid");
  }
  return with_growth(pass(figure), growth);
}

}  // namespace tether::conformance
