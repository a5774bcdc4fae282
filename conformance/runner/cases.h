// The conformance cases: each has an id, the claim it checks and a run function that
// measures a figure and decides PASS, FAIL or SKIP (a variant the endpoint's limits
// do not allow). Every case opens its own connection.
#pragma once

#include <string>
#include <vector>

#include "options.h"

namespace tether::conformance {

enum class Verdict { kPass, kFail, kSkip };

struct Result {
  Verdict verdict = Verdict::kFail;
  std::string figure;       // what was measured, or why it failed
  int64_t rss_growth = -1;  // case 8: the endpoint's RSS growth in bytes, -1 if not measured
};

struct Case {
  const char *number;  // "1".."13", "5b"
  const char *id;
  const char *claim;
  Result (*run)(const Options &options);
};

const std::vector<Case> &all_cases();

Result run_ping_once(const Options &options);
Result run_dispatch_loop(const Options &options);
Result run_order(const Options &options);
Result run_many_streams(const Options &options);
Result run_chunked(const Options &options);
Result run_chunked_large(const Options &options);
Result run_over_limit(const Options &options);
Result run_malformed(const Options &options);
Result run_backpressure(const Options &options);
Result run_not_negotiated(const Options &options);
Result run_extensions_echoed(const Options &options);
Result run_unnegotiated_ping(const Options &options);
Result run_v8_ephemeral(const Options &options);
Result run_versions(const Options &options);

}  // namespace tether::conformance
