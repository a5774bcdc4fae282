#include "demo.h"

#include <cstdio>

#include "echo_service.h"
#include "live.h"
#include "probe_run.h"
#include "report.h"
#include "svg.h"

namespace tether::probe {
namespace {

struct Endpoint {
  tether_endpoint *handle = nullptr;
  ~Endpoint() { tether_endpoint_free(handle); }
};

// Starts the reference endpoint on an ephemeral port; 0 on failure.
uint16_t start_endpoint(Endpoint &e) {
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.dispatch_threads = 1;
  uint16_t port = 0;
  if (tether_endpoint_new(&options, &e.handle) != TETHER_OK ||
      echo_service_register(e.handle) != TETHER_OK ||
      tether_endpoint_start(e.handle) != TETHER_OK ||
      tether_endpoint_port(e.handle, &port) != TETHER_OK) {
    std::fprintf(stderr, "tether-probe demo: cannot start the endpoint: %s\n",
                 tether_endpoint_last_error(e.handle));
    return 0;
  }
  return port;
}

tether_prober_options demo_prober_options(const DemoOptions &o) {
  tether_prober_options p;
  prober_default_options(&p);
  p.selection = TETHER_PROBE_ONE_PER_DEPLOYMENT;  // one Ping per round, beside one HTTP/2 PING
  p.interval_ns = uint64_t(o.interval_ms) * 1000000;
  p.suspect_interval_ns = p.interval_ns;
  p.window_ns = 1'000'000'000;  // short window: the state follows the phases
  p.degraded_rtt_ns = 20'000'000;
  p.congested_rtt_ns = uint64_t(o.block_ms) * 1000000 * 4 / 5;
  return p;
}

double ms(uint64_t ns) { return double(ns) / 1e6; }

}  // namespace

int run_demo(const DemoOptions &o) {
  Endpoint endpoint;
  uint16_t port = start_endpoint(endpoint);
  if (port == 0) return 2;
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::printf(
      "tether demo: reference endpoint on %s (1 dispatch thread), %d probe streams, "
      "Ping every %d ms; congestion = %d outstanding Echo/block calls of %d ms\n",
      url.c_str(), o.streams, o.interval_ms, o.backlog, o.block_ms);
  std::string error;
  auto run = ProbeRun::connect(url, demo_prober_options(o), &error);
  if (!run || !run->open_probe_streams(o.streams, "/invoke/Echo/echo", &error)) {
    std::fprintf(stderr, "tether-probe demo: %s\n", error.c_str());
    return 2;
  }
  LiveLine live;
  auto probe_for = [&](double seconds, const std::string &phase) {
    double until = run->elapsed_s() + seconds;
    while (run->elapsed_s() < until) {
      if (!run->step(10)) return false;
      live.update(*run, phase);
    }
    return true;
  };
  bool ok = probe_for(0.3, "warm-up");  // connections and caches settle

  run->begin_phase("idle");
  ok = ok && probe_for(o.duration_s * 0.3, "idle");

  // Congested: keep `backlog` block calls queued on the one dispatch thread, so a
  // Ping that arrives at any moment waits at least one whole block.
  run->begin_phase("congested");
  bool congesting = true;
  int outstanding = 0, failed_calls = 0;
  std::function<void(bool)> on_done = [&](bool call_ok) {
    --outstanding;
    if (!call_ok) ++failed_calls;
    if (congesting) {
      if (run->call("/invoke/Echo/block", std::to_string(o.block_ms), on_done) > 0) ++outstanding;
    }
  };
  for (int i = 0; i < o.backlog; ++i) {
    if (run->call("/invoke/Echo/block", std::to_string(o.block_ms), on_done) > 0) ++outstanding;
  }
  ok = ok && probe_for(o.duration_s * 0.4, "congested");
  congesting = false;
  while (ok && outstanding > 0) {  // the backlog drains inside the congested phase
    ok = run->step(10);
    live.update(*run, "congested");
  }

  run->begin_phase("recovered");
  ok = ok && probe_for(o.duration_s * 0.3, "recovered");
  run->end_phase();
  live.clear();
  if (!ok) {
    std::fprintf(stderr, "tether-probe demo: %s\n", run->error().c_str());
    return 2;
  }
  run->finish_probe_streams(2000);

  std::printf("\n");
  print_table(stdout, run->phases());
  std::printf("\n");
  const Phase &idle = run->phases()[0];
  const Phase &congested = run->phases()[1];
  bool idle_ok = idle.app.count() > 0 && idle.h2.count() > 0 &&
                 idle.app.quantile_ns(0.5) <= 2 * idle.h2.quantile_ns(0.5);
  std::printf(
      "check idle:      app Ping p50 %.3f ms vs HTTP/2 PING p50 %.3f ms = %.2fx (want <= 2x): %s\n",
      ms(idle.app.quantile_ns(0.5)), ms(idle.h2.quantile_ns(0.5)),
      double(idle.app.quantile_ns(0.5)) / double(std::max<uint64_t>(1, idle.h2.quantile_ns(0.5))),
      idle_ok ? "PASS" : "FAIL");
  uint64_t block_ns = uint64_t(o.block_ms) * 1000000;
  bool congested_ok = congested.app.count() > 0 && congested.h2.count() > 0 &&
                      congested.app.quantile_ns(0.5) >= block_ns &&
                      congested.h2.quantile_ns(0.99) < block_ns / 10;
  std::printf(
      "check congested: app Ping p50 %.1f ms (want >= block %d ms); HTTP/2 PING p99 %.3f ms, "
      "max %.3f ms (want p99 < %.1f ms): %s\n",
      ms(congested.app.quantile_ns(0.5)), o.block_ms, ms(congested.h2.quantile_ns(0.99)),
      ms(congested.h2.max_ns()), o.block_ms / 10.0, congested_ok ? "PASS" : "FAIL");
  if (failed_calls > 0) std::printf("note: %d block calls failed\n", failed_calls);

  if (!o.svg.empty()) {
    if (!write_svg(o.svg, run->phases(), run->samples(),
                   "tether: app Ping/Pong vs HTTP/2 PING, dispatch loop blocked in the middle",
                   &error)) {
      std::fprintf(stderr, "tether-probe demo: %s\n", error.c_str());
      return 2;
    }
    std::printf("chart: %s\n", o.svg.c_str());
  }
  return idle_ok && congested_ok ? 0 : 1;
}

}  // namespace tether::probe
