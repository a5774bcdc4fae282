#include "cases.h"

namespace tether::conformance {

const std::vector<Case> &all_cases() {
  static const std::vector<Case> cases = {
      {"1", "ping-once", "A Ping is answered with its own nonce, exactly once.", run_ping_once},
      {"2", "dispatch-loop",
       "While the dispatch loop is blocked for T, a Pong waits at least T (an HTTP/2 PING "
       "does not, unless the loop is shared). With handlers apart from the loop, a blocked "
       "handler delays nothing.",
       run_dispatch_loop},
      {"3", "order",
       "A Ping sent after a message is answered after that message is handled (with handlers "
       "apart from the loop: before the handler's Output).",
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
      {"9", "not-negotiated",
       "Only what a stream negotiated is used: no offer, no Ping, Pong or chunk either way; "
       "ping/1 alone, Pongs but no chunks. Echo works on both.",
       run_not_negotiated},
      {"10", "extensions-echoed",
       "The 200 names the offered features it accepts (any case, unknown tokens ignored), no "
       "header for none; a malformed offer gets 400.",
       run_extensions_echoed},
      {"11", "unnegotiated-ping",
       "A Ping, or a CONTINUED flag, on a stream that did not negotiate it fails that stream "
       "with Error 571; the endpoint keeps serving.",
       run_unnegotiated_ping},
      {"12", "v8-ephemeral",
       "On V8 an ephemeral notification (0x0300) passes through and Echo completes; on V7 the "
       "same type is unknown (571).",
       run_v8_ephemeral},
      {"13", "versions",
       "Each advertised version V5..V8 echoes with its own content type and the same accepted "
       "extensions; others get 415.",
       run_versions},
  };
  return cases;
}

}  // namespace tether::conformance
