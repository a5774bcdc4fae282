// Cases 5, 5b and 6: chunked input reassembled exactly with Pings between chunks,
// and a message over the limit failing only its own stream.
#include "chunk/splitter.h"
#include "h2/net.h"
#include "h2/runtime_messages.h"
#include "support.h"

namespace tether::conformance {
namespace {

constexpr int kTimeoutMs = 60000;
// Bytes an OutputCommand or InputCommand adds around its value.
constexpr uint64_t kEnvelope = 64;

Result chunked_echo(const Options &o, uint64_t size) {
  const uint32_t piece = o.target.max_frame_payload;
  if (size + kEnvelope > o.target.max_message_size) {
    return skip(strf("%.0f MiB is over the endpoint's limit %.0f MiB (see --max-message-size)",
                     mib(size), mib(o.target.max_message_size)));
  }
  std::string content = pattern(size, size);
  uint64_t want = digest(content);
  ChunkedInput input(content, piece);
  content = std::string();
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  int32_t id = c->invoke("echo");
  if (id < 0) return fail(c->error());
  uint64_t t0 = h2::monotonic_ns();
  ChunkedSend sent = send_with_pings(*c, id, input, kTimeoutMs);
  Stream &s = c->stream(id);
  if (!sent.stopped.empty()) {
    return fail(strf("after %zu of %zu chunks: %s %s", sent.chunks_sent, input.count(),
                     sent.stopped.c_str(), error_of(s).c_str()));
  }
  if (!c->end(id) || !c->wait_closed({id}, kTimeoutMs)) {
    return fail("the call did not end: " + progress(s) + " " + c->error());
  }
  double seconds = double(h2::monotonic_ns() - t0) / 1e9;
  std::string output, why;
  if (!output_of(s, &output, &why)) return fail(why);
  if (output.size() != size || digest(output) != want) {
    return fail(strf("echoed %zu bytes, digest %s", output.size(),
                     digest(output) == want ? "equal" : "differs"));
  }
  const Message *out = s.find(TETHER_MSG_OUTPUT_COMMAND);
  size_t want_frames = chunk_count(out->payload.size(), piece);
  if (out->frames != want_frames) {
    return fail(strf("the output came in %zu frames, not %zu of at most %u bytes", out->frames,
                     want_frames, piece));
  }
  return pass(
      strf("%.0f MiB in %zu chunks, %zu/%zu Pings answered mid-message (%s); echoed in "
           "%zu chunks, digest equal; %.2f s",
           mib(size), input.count(), sent.pings_answered, input.count() - 1,
           rtt_summary(sent.rtts).c_str(), out->frames, seconds));
}

}  // namespace

Result run_chunked(const Options &o) { return chunked_echo(o, 30ull << 20); }

Result run_chunked_large(const Options &o) { return chunked_echo(o, o.large_size); }

Result run_over_limit(const Options &o) {
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  // A bystander stream, open before and after.
  int32_t other = c->invoke("echo");
  if (other < 0) return fail(c->error());
  std::string nonce = c->ping(other);
  Stream &b = c->stream(other);
  if (nonce.empty() || !c->wait([&] { return b.answered(nonce); }, kTimeoutMs)) {
    return fail("no Pong on the bystander stream: " + c->error());
  }
  // One chunk more than the limit allows.
  uint64_t size = o.target.max_message_size + o.target.max_frame_payload;
  ChunkedInput input(pattern(size, 6), o.target.max_frame_payload);
  int32_t id = c->invoke("echo");
  if (id < 0) return fail(c->error());
  ChunkedSend sent = send_with_pings(*c, id, input, kTimeoutMs);
  Stream &s = c->stream(id);
  c->end(id);  // refused once the stream ended: fine
  c->wait([&] { return s.closed || s.find(TETHER_MSG_ERROR) != nullptr; }, kTimeoutMs);
  std::string failure = error_of(s);
  if (failure.empty()) {
    std::string output, why;
    output_of(s, &output, &why);
    return fail(strf("no ErrorMessage after %zu of %zu chunks (%s)", sent.chunks_sent,
                     input.count(), why.c_str()));
  }
  std::string again = c->ping(other);
  if (again.empty() || !c->wait([&] { return b.answered(again); }, kTimeoutMs)) {
    return fail("the bystander stream no longer answers Pings after: " + failure);
  }
  if (!c->send(other, h2::input_frame("bystander")) || !c->end(other)) return fail(c->error());
  int32_t fresh = c->call("echo", "fresh");
  if (fresh < 0 || !c->wait_closed({other, fresh}, kTimeoutMs)) {
    return fail("the other calls did not end: " + c->error());
  }
  std::string output, why;
  if (!output_of(b, &output, &why) || output != "bystander") return fail("bystander: " + why);
  if (!output_of(c->stream(fresh), &output, &why) || output != "fresh")
    return fail("new call: " + why);
  return pass(
      strf("Error after %zu of %zu chunks (%.0f MiB limit): %s; bystander and new call "
           "complete",
           sent.chunks_sent, input.count(), mib(o.target.max_message_size), failure.c_str()));
}

}  // namespace tether::conformance
