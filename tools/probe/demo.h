// `tether-probe demo`: starts the reference endpoint in-process (one dispatch
// thread), probes it idle, while its dispatch loop is kept blocked by `block` calls,
// and after; prints the side-by-side table per phase, checks the two claims and
// writes the SVG chart.
#pragma once

#include <string>

namespace tether::probe {

struct DemoOptions {
  double duration_s = 14;  // idle 30%, congested 40%, recovered 30%
  std::string svg = "build/demo.svg";
  int block_ms = 250;
  int backlog = 2;  // block calls kept outstanding while congested
  int streams = 8;  // probe streams
  int interval_ms = 25;
};

// Exit status: 0 when both claims hold, 1 when one does not, 2 on an error.
int run_demo(const DemoOptions &options);

}  // namespace tether::probe
