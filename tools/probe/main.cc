// tether-probe: the runtime side of the tether Ping/Pong (extension ping/1,
// negotiated on each stream), from the command line.
//   tether-probe URL [--interval MS] [--duration S] [--streams N] [--path P]
//                [--prometheus FILE] [--protocol-version N]
//   tether-probe demo [--duration S] [--svg FILE]
//   tether-probe body [INPUT]     a Start + InputCommand body on stdout (for h2load -d)
//   tether-probe --help | --version
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli.h"

#include "demo.h"
#include "h2/runtime_messages.h"
#include "live.h"
#include "probe_run.h"
#include "report.h"

namespace {

using tether::probe::ProbeRun;

struct ProbeOptions {
  std::string url;
  double interval_ms = 200, duration_s = 10;
  int streams = 2;
  std::string path = "/invoke/Echo/echo", prometheus;
  uint32_t version = 6;
};

int probe(const ProbeOptions &o) {
  const double interval_ms = o.interval_ms, duration_s = o.duration_s;
  const std::string &path = o.path, &prometheus = o.prometheus;
  tether_prober_options options;
  tether::prober_default_options(&options);
  options.selection = TETHER_PROBE_ALL;
  options.interval_ns = uint64_t(interval_ms * 1e6);
  options.suspect_interval_ns = options.interval_ns;
  options.window_ns = 10'000'000'000;
  std::string error;
  auto run = ProbeRun::connect(o.url, options, &error, o.version);
  if (!run || !run->open_probe_streams(o.streams, path, &error)) {
    std::fprintf(stderr, "tether-probe: %s\n", error.c_str());
    return 1;
  }
  tether::probe::LiveLine live;
  run->begin_phase("probe");
  bool ok = true;
  while (ok && run->elapsed_s() < duration_s) {
    ok = run->step(20);
    live.update(*run, "probe");
  }
  run->end_phase();
  live.clear();
  if (!ok) {
    std::fprintf(stderr, "tether-probe: %s\n", run->error().c_str());
    return 1;
  }
  run->finish_probe_streams(2000);
  tether::probe::print_table(stdout, run->phases());
  if (!run->error().empty()) std::printf("note: %s\n", run->error().c_str());
  if (!prometheus.empty()) {
    const char *text = nullptr;
    size_t length = 0;
    run->prober().prometheus(&text, &length);
    std::FILE *f = std::fopen(prometheus.c_str(), "w");
    if (f == nullptr || std::fwrite(text, 1, length, f) != length || std::fclose(f) != 0) {
      std::fprintf(stderr, "tether-probe: cannot write %s: %s\n", prometheus.c_str(),
                   std::strerror(errno));
      return 1;
    }
    std::printf("prometheus: %s\n", prometheus.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app(
      "The runtime side of the tether Ping/Pong: probes an endpoint's dispatch loop "
      "and prints app Ping RTTs beside HTTP/2 PING RTTs.");
  tether::cli::init(app, "tether-probe");
  ProbeOptions o;
  app.add_option("url", o.url, "http://host:port of the endpoint to probe");
  app.add_option("--interval", o.interval_ms, "Ping interval, ms")
      ->check(CLI::Range(1.0, 60000.0))
      ->capture_default_str();
  app.add_option("--duration", o.duration_s, "How long to probe, s")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  app.add_option("--streams", o.streams, "Probe streams kept open")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--path", o.path, "Handler the probe streams invoke")->capture_default_str();
  app.add_option("--prometheus", o.prometheus, "Write the prober's metrics to FILE");
  app.add_option("--protocol-version", o.version, "Protocol version of the probe streams")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(TETHER_PROTOCOL_MIN_VERSION, TETHER_PROTOCOL_MAX_VERSION))
      ->capture_default_str();

  tether::probe::DemoOptions demo;
  CLI::App *demo_app = app.add_subcommand(
      "demo", "The congestion demo: an in-process endpoint probed idle, blocked and after");
  demo_app->add_option("--duration", demo.duration_s, "Length of the demo, s")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  demo_app->add_option("--svg", demo.svg, "Where to write the chart")->capture_default_str();

  std::string input = "hello";
  CLI::App *body_app =
      app.add_subcommand("body", "Writes a Start + InputCommand body to stdout (for h2load -d)");
  body_app->add_option("input", input, "The InputCommand's value")->capture_default_str();

  std::string text;
  tether::cli::Outcome parsed = tether::cli::parse(app, argc, argv, &text);
  if (parsed != tether::cli::Outcome::kRun) return tether::cli::finish(parsed, text);
  if (*body_app) {
    std::string body =
        tether::h2::start_frame("bench", "bench", 1) + tether::h2::input_frame(input);
    std::fwrite(body.data(), 1, body.size(), stdout);
    return 0;
  }
  if (*demo_app) return tether::probe::run_demo(demo);
  if (o.url.empty()) {
    return tether::cli::finish(tether::cli::Outcome::kUsageError,
                               tether::cli::usage_error(app, "missing URL or command"));
  }
  return probe(o);
}
