// The runner's command line: the endpoint's URL, which case to run, where to write
// JSON, and what the runner is told about the endpoint (its limits, its loop).
#pragma once

#include <cstdint>
#include <string>

#include "cli.h"
#include "connection.h"

namespace tether::conformance {

// Where an endpoint's handlers run against its dispatch loop (the code that feeds the
// state machine and so answers Pings).
enum class Loop {
  kSeparate,  // handlers on the dispatch loop, HTTP/2 on another thread (tether-endpoint)
  kShared,    // handlers, dispatch and HTTP/2 on one loop (Node, Python asyncio)
  kApart,     // the dispatch loop never runs a handler (sdk-go: an input goroutine per call)
};

struct Options {
  std::string url;
  Target target;
  bool list = false;      // print the cases and exit
  std::string only_case;  // "" : all
  std::string json_path;
  std::string verdicts_path;  // print the verdicts of this --json report and exit
  Loop loop = Loop::kSeparate;
  int block_ms = 500;                  // T of the dispatch-loop case
  int streams = 1000;                  // concurrent streams of the streams case
  uint64_t large_size = 200ull << 20;  // the large chunked case, run when the limit allows
  uint64_t outbound_budget = 0;        // per-session queued output allowed; 0: from the limits
  int pid = 0;                         // the endpoint's process, for its RSS; 0: unknown
  // Case 8 against an adapter: the RSS growth of the same SDK without tether on that
  // case, measured in the same run; -1: not given (the reference-endpoint bound).
  int64_t stock_growth = -1;
};

// "separate", "shared" or "apart", as --loop spells it.
const char *loop_name(Loop loop);

// Parses argv (CLI11). kExit: *text is the help or version; kUsageError: *text names
// what was wrong, then the usage.
cli::Outcome parse_options(int argc, const char *const *argv, Options *options, std::string *text);

}  // namespace tether::conformance
