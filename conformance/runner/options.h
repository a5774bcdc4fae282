// The runner's command line: the endpoint's URL, which case to run, where to write
// JSON, and what the runner is told about the endpoint (its limits, its loop).
#pragma once

#include <cstdint>
#include <string>

#include "connection.h"

namespace tether::conformance {

struct Options {
  std::string url;
  Target target;
  bool list = false;      // print the cases and exit
  std::string only_case;  // "" : all
  std::string json_path;
  bool shared_loop = false;            // HTTP/2 and dispatch on one loop (Node, Python asyncio)
  int block_ms = 500;                  // T of the dispatch-loop case
  int streams = 1000;                  // concurrent streams of the streams case
  uint64_t large_size = 200ull << 20;  // the large chunked case, run when the limit allows
  uint64_t outbound_budget = 0;        // per-session queued output allowed; 0: from the limits
  int pid = 0;                         // the endpoint's process, for its RSS; 0: unknown
};

// Parses argv; false with the reason in *error (the caller prints usage).
bool parse_options(int argc, char **argv, Options *options, std::string *error);
extern const char kUsage[];

}  // namespace tether::conformance
