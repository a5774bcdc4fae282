// tether-probe: the runtime side of the draft-V8 Ping/Pong, from the command line.
//   tether-probe URL [--interval MS] [--duration S] [--streams N] [--path P] [--prometheus FILE]
//   tether-probe demo [--duration S] [--svg FILE]
//   tether-probe body [INPUT]     a Start + InputCommand body on stdout (for h2load -d)
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "demo.h"
#include "h2/runtime_messages.h"
#include "live.h"
#include "probe_run.h"
#include "report.h"

namespace {

using tether::probe::ProbeRun;

int usage(const std::string &why) {
  std::fprintf(stderr,
               "tether-probe: %s\n"
               "usage: tether-probe URL [--interval MS] [--duration S] [--streams N] [--path P]"
               " [--prometheus FILE]\n"
               "       tether-probe demo [--duration S] [--svg FILE]\n"
               "       tether-probe body [INPUT]\n",
               why.c_str());
  return 2;
}

bool number(const char *text, double min, double max, double *out) {
  char *end = nullptr;
  errno = 0;
  double value = std::strtod(text, &end);
  if (errno != 0 || end == text || *end != '\0' || !(value >= min && value <= max)) return false;
  *out = value;
  return true;
}

int probe(const std::string &url, double interval_ms, double duration_s, int streams,
          const std::string &path, const std::string &prometheus) {
  tether_prober_options options;
  tether::prober_default_options(&options);
  options.selection = TETHER_PROBE_ALL;
  options.interval_ns = uint64_t(interval_ms * 1e6);
  options.suspect_interval_ns = options.interval_ns;
  options.window_ns = 10'000'000'000;
  std::string error;
  auto run = ProbeRun::connect(url, options, &error);
  if (!run || !run->open_probe_streams(streams, path, &error)) {
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
  if (argc < 2) return usage("missing URL or command");
  std::string first = argv[1];
  if (first == "body") {
    std::string input = argc > 2 ? argv[2] : "hello";
    std::string body =
        tether::h2::start_frame("bench", "bench", 1) + tether::h2::input_frame(input);
    std::fwrite(body.data(), 1, body.size(), stdout);
    return 0;
  }
  double interval_ms = 200, duration_s = 10, streams = 2;
  std::string path = "/invoke/Echo/echo", prometheus;
  tether::probe::DemoOptions demo;
  bool is_demo = first == "demo";
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return usage("missing value for " + flag);
    const char *value = argv[++i];
    if (flag == "--duration") {
      if (!number(value, 1, 86400, &duration_s)) return usage("--duration takes 1..86400 seconds");
      demo.duration_s = duration_s;
    } else if (is_demo && flag == "--svg") {
      demo.svg = value;
    } else if (!is_demo && flag == "--interval") {
      if (!number(value, 1, 60000, &interval_ms)) return usage("--interval takes 1..60000 ms");
    } else if (!is_demo && flag == "--streams") {
      if (!number(value, 1, 1000, &streams)) return usage("--streams takes 1..1000");
    } else if (!is_demo && flag == "--path") {
      path = value;
    } else if (!is_demo && flag == "--prometheus") {
      prometheus = value;
    } else {
      return usage("unknown option " + flag);
    }
  }
  if (is_demo) return tether::probe::run_demo(demo);
  return probe(first, interval_ms, duration_s, int(streams), path, prometheus);
}
