// The one-line live status the probe and the demo redraw while they run (on a
// terminal only; piped output gets the final table alone).
#pragma once

#include <unistd.h>
#include <cstdio>
#include <string>

#include "probe_run.h"

namespace tether::probe {

class LiveLine {
 public:
  LiveLine() : enabled_(isatty(fileno(stdout))) {}
  void update(ProbeRun &run, const std::string &phase) {
    double now = run.elapsed_s();
    if (!enabled_ || now - last_s_ < 0.2) return;
    last_s_ = now;
    tether_deployment_state state = TETHER_DEPLOYMENT_HEALTHY;
    run.prober().state(run.deployment(), &state);
    std::printf(
        "\r\033[K%-10s %5.1fs  app Ping %9.3f ms  HTTP/2 PING %7.3f ms  samples %llu/%llu  %s",
        phase.c_str(), now, run.last_app_ms(), run.last_h2_ms(),
        static_cast<unsigned long long>(run.app_samples()),
        static_cast<unsigned long long>(run.h2_samples()), tether_deployment_state_name(state));
    std::fflush(stdout);
  }
  void clear() {
    if (enabled_) std::printf("\r\033[K");
  }

 private:
  bool enabled_;
  double last_s_ = -1;
};

}  // namespace tether::probe
