#include "cases.h"

namespace tether::conformance {

const std::vector<Case> &all_cases() {
  static const std::vector<Case> cases = {
      {"1", "ping-once", "A Ping is answered with its own nonce, exactly once.", run_ping_once},
      {"2", "dispatch-loop",
       "While the dispatch loop is blocked for T, a Pong waits at least T (an HTTP/2 PING "
       "does not, unless the loop is shared).",
       run_dispatch_loop},
      {"3", "order", "A Ping sent after a message is answered after that message is handled.",
       run_order},
      {"4", "many-streams", "1,000 concurrent streams are each pinged and answered on their own.",
       run_many_streams},
      {"5", "chunked-30mib",
       "A 30 MiB input in 1 MiB chunks is reassembled exactly; Pings between chunks are "
       "answered before the last chunk.",
       run_chunked},
      {"5b", "chunked-large", "The same for a larger input, when the endpoint's limit allows it.",
       run_chunked_large},
      {"6", "over-limit",
       "A message over the limit fails its stream with a clear Error; other streams carry on.",
       run_over_limit},
      {"7", "malformed",
       "Malformed input gets a protocol Error on its stream; the endpoint keeps serving.",
       run_malformed},
      {"8", "backpressure",
       "With reading paused under 20 x 30 MiB of output, queued output stays within budget "
       "and every byte arrives after.",
       run_backpressure},
      {"9", "v7-no-ping", "On V7 no Ping or chunk is ever sent, and Echo still works.", run_v7},
  };
  return cases;
}

}  // namespace tether::conformance
