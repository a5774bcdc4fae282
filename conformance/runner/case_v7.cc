// Case 9: negotiating V7 turns the extension off. The runner never Pings a V7
// stream; the endpoint sends no Pong and no chunk, and a payload larger than a V8
// chunk travels as one frame each way.
#include "h2/runtime_messages.h"
#include "support.h"

namespace tether::conformance {

Result run_v7(const Options &o) {
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  std::string content = pattern(2ull * o.target.max_frame_payload, 9);
  int32_t id = c->call("echo", content, 7);
  if (id < 0) return fail(c->error());
  if (!c->ping(id).empty()) return fail("the runner sent a Ping on V7");
  if (!c->wait_closed({id}, 30000)) {
    return fail("the call did not end: " + progress(c->stream(id)) + " " + c->error());
  }
  Stream &s = c->stream(id);
  std::string output, why;
  if (!output_of(s, &output, &why)) return fail("V7: " + why);
  if (s.content_type != "application/vnd.restate.invocation.v7") {
    return fail("answered with content type " + s.content_type);
  }
  if (output != content) return fail("the output is not the input");
  size_t pongs = s.count(TETHER_MSG_PONG) + s.count(TETHER_MSG_PING);
  if (pongs != 0 || s.parser->continued_frames() != 0 || c->pings_sent() != 0) {
    return fail(strf("%zu Ping/Pong and %zu CONTINUED frames received, %llu Pings sent", pongs,
                     s.parser->continued_frames(),
                     static_cast<unsigned long long>(c->pings_sent())));
  }
  return pass(strf("V7: %.0f MiB echoed in %zu frame, 0 Pings sent, no Pong or chunk received",
                   mib(content.size()), s.find(TETHER_MSG_OUTPUT_COMMAND)->frames));
}

}  // namespace tether::conformance
