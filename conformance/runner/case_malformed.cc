// Case 7: malformed input gets a protocol Error on its own stream, and the endpoint
// (the same connection, a stream opened before, a new call) keeps serving.
#include "h2/runtime_messages.h"
#include "support.h"

namespace tether::conformance {
namespace {

constexpr int kTimeoutMs = 30000;

struct Malformed {
  const char *name;
  std::string bytes;  // sent after Start, then the request body ends
};

std::vector<Malformed> malformed_inputs() {
  std::string input = h2::input_frame("x");
  return {
      // The stream ends 5 bytes into a frame header.
      {"truncated header", input.substr(0, 5)},
      // A first InputCommand chunk, then a command that is not allowed between chunks.
      {"bad chunk sequence",
       frame(TETHER_MSG_INPUT_COMMAND, TETHER_FLAG_CONTINUED, input.substr(kFrameHeaderSize, 2)) +
           frame(0x0402, 0, "")},
      // A Ping whose body has no nonce.
      {"missing nonce", frame(TETHER_MSG_PING, 0, "")},
      // 0x00ff: below 0x0400 and unknown.
      {"unknown control type", frame(0x00ff, 0, "")},
  };
}

}  // namespace

Result run_malformed(const Options &o) {
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  int32_t other = c->invoke("echo");
  if (other < 0) return fail(c->error());
  std::vector<Malformed> cases = malformed_inputs();
  std::vector<int32_t> ids;
  for (const Malformed &m : cases) {
    int32_t id = c->invoke("echo");
    // A Ping or a chunk only once the 200 accepted them, as any runtime.
    if (id < 0 || !c->accepted(id, kOfferAll) || !c->send(id, m.bytes) || !c->end(id)) {
      return fail(strf("%s: %s", m.name, c->error().c_str()));
    }
    ids.push_back(id);
  }
  if (!c->wait_closed(ids, kTimeoutMs)) return fail("not every malformed stream ended");
  std::string figure;
  for (size_t i = 0; i < cases.size(); ++i) {
    Stream &s = c->stream(ids[i]);
    std::string failure = error_of(s);
    if (failure.empty()) {
      return fail(strf("%s: no ErrorMessage (HTTP %d, %zu messages, reset %u)", cases[i].name,
                       s.status, s.parser->messages().size(), s.reset_code));
    }
    figure += strf("%s%s: %s", figure.empty() ? "" : ", ", cases[i].name,
                   failure.substr(0, failure.find(':')).c_str());
  }
  // Still serving: the stream opened before, and a new call.
  std::string nonce = c->ping(other);
  Stream &b = c->stream(other);
  if (nonce.empty() || !c->wait([&] { return b.answered(nonce); }, kTimeoutMs)) {
    return fail("the other stream no longer answers Pings; " + figure);
  }
  if (!c->send(other, h2::input_frame("still")) || !c->end(other)) return fail(c->error());
  int32_t fresh = c->call("echo", "fresh");
  if (fresh < 0 || !c->wait_closed({other, fresh}, kTimeoutMs))
    return fail("calls after did not end");
  std::string output, why;
  if (!output_of(b, &output, &why) || output != "still") return fail("other stream: " + why);
  if (!output_of(c->stream(fresh), &output, &why) || output != "fresh")
    return fail("new call: " + why);
  return pass(strf("%zu/%zu Errors (%s); serving on", cases.size(), cases.size(), figure.c_str()));
}

}  // namespace tether::conformance
