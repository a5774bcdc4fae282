// Cases 1-4: Ping/Pong answered by the dispatch loop, once, in order, on every stream.
#include <map>

#include "h2/net.h"
#include "h2/runtime_messages.h"
#include "support.h"

namespace tether::conformance {
namespace {

constexpr int kTimeoutMs = 30000;

// The RTT of the Pong that answered nonce on s, 0 if none did.
uint64_t rtt_of(const Stream &s, const std::string &nonce) {
  for (const PongSeen &p : s.pongs) {
    if (p.nonce == nonce && p.rtt_ns != 0) return p.rtt_ns;
  }
  return 0;
}

// Sends Input(value) on an open probe stream, ends it and waits for its outcome.
bool finish_call(Connection &c, int32_t id, const std::string &value, std::string *why) {
  if (!c.send(id, h2::input_frame(value)) || !c.end(id)) return *why = c.error(), false;
  if (!c.wait_closed({id}, kTimeoutMs)) {
    return *why = "the call did not end: " + progress(c.stream(id)) + " " + c.error(), false;
  }
  std::string output;
  if (!output_of(c.stream(id), &output, why)) return false;
  if (output != value) return *why = "the output is not the input", false;
  return true;
}

}  // namespace

Result run_ping_once(const Options &o) {
  constexpr int kPings = 10;
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  int32_t id = c->invoke("echo");
  if (id < 0) return fail(c->error());
  std::vector<std::string> nonces;
  for (int i = 0; i < kPings; ++i) {
    nonces.push_back(c->ping(id));
    if (nonces.back().empty()) return fail(c->error());
  }
  Stream &s = c->stream(id);
  c->wait([&] { return s.pings_out.empty() || s.closed; }, kTimeoutMs);
  std::string why;
  if (!finish_call(*c, id, "ping-once", &why)) return fail(why);
  RttHistogram rtts;
  for (const std::string &nonce : nonces) {
    size_t seen = 0;
    for (const PongSeen &p : s.pongs) seen += p.nonce == nonce;
    if (seen != 1) return fail(strf("a Ping was answered %zu times", seen));
    rtts.record(rtt_of(s, nonce));
  }
  if (s.pongs.size() != nonces.size()) {
    return fail(
        strf("%zu Pongs for %d Pings (some carry no nonce we sent)", s.pongs.size(), kPings));
  }
  return pass(strf("%d/%d Pongs, each once, same nonce; RTT %s", kPings, kPings,
                   rtt_summary(rtts).c_str()));
}

Result run_dispatch_loop(const Options &o) {
  const int t = o.block_ms;
  const uint64_t t_ns = uint64_t(t) * 1000000;
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  // A probe stream on another invocation, answered once before the block.
  int32_t probe = c->invoke("echo");
  if (probe < 0) return fail(c->error());
  std::string warm = c->ping(probe);
  Stream &p = c->stream(probe);
  if (warm.empty() || !c->wait([&] { return p.answered(warm); }, kTimeoutMs)) {
    return fail("no Pong on an idle stream: " + c->error());
  }
  // The blocked call: its Ping follows its Input, so the loop reads it while blocked.
  int32_t blocked = c->invoke("block");
  if (blocked < 0 || !c->send(blocked, h2::input_frame(std::to_string(t)))) return fail(c->error());
  std::string behind = c->ping(blocked);
  if (behind.empty() || !c->end(blocked)) return fail(c->error());
  // A quarter into the block: an HTTP/2 PING and a Ping on the probe stream.
  c->wait([] { return false; }, t / 4);
  size_t acks = c->h2_rtts().size();
  if (!c->h2_ping()) return fail("cannot send an HTTP/2 PING: " + c->client().error());
  std::string other = c->ping(probe);
  if (other.empty()) return fail(c->error());
  Stream &b = c->stream(blocked);
  bool all =
      c->wait([&] { return b.answered(behind) && p.answered(other) && c->h2_rtts().size() > acks; },
              t * 4 + kTimeoutMs);
  if (!all) {
    return fail(strf("missing after %d ms:%s%s%s %s", t * 4 + kTimeoutMs,
                     b.answered(behind) ? "" : " Pong behind the block",
                     p.answered(other) ? "" : " Pong on the other stream",
                     c->h2_rtts().size() > acks ? "" : " HTTP/2 PING ack", c->error().c_str()));
  }
  std::string why;
  if (!finish_call(*c, probe, "after", &why)) return fail("the probe stream: " + why);
  if (!c->wait_closed({blocked}, kTimeoutMs)) return fail("the block call did not end");
  uint64_t pong = rtt_of(b, behind), h2 = c->h2_rtts()[acks], cross = rtt_of(p, other);
  std::string figure =
      strf("T=%d ms: Pong %.1f ms, HTTP/2 PING %.2f ms, other stream's Pong %.1f ms", t, ms(pong),
           ms(h2), ms(cross));
  if (o.loop == Loop::kApart) {
    // The handler blocks its own goroutine, not the loop that reads the stream: the Pong
    // must come while it is still blocked, and so must everything else.
    if (pong >= t_ns * 9 / 10) return fail(figure + " (the Pong waited for a handler)");
    if (cross >= t_ns / 10 || h2 >= t_ns / 10) {
      return fail(figure + strf(" (over T/10 = %d ms beside a blocked handler)", t / 10));
    }
    return pass(figure + " (handlers apart from the dispatch loop: no wait)");
  }
  if (pong < t_ns * 9 / 10) {
    return fail(figure + " (the Pong did not wait for the loop)");
  }
  if (o.loop == Loop::kShared) {
    return pass(figure +
                (h2 >= t_ns / 10 ? " (shared loop: HTTP/2 PING delayed too)" : " (shared loop)"));
  }
  if (h2 >= t_ns / 10) return fail(figure + strf(" (HTTP/2 PING over T/10 = %d ms)", t / 10));
  return pass(figure);
}

Result run_order(const Options &o) {
  const int t = std::max(o.block_ms / 5, 50);
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  int32_t id = c->invoke("block");
  if (id < 0 || !c->send(id, h2::input_frame(std::to_string(t)))) return fail(c->error());
  std::string nonce = c->ping(id);
  if (nonce.empty() || !c->end(id)) return fail(c->error());
  if (!c->wait_closed({id}, kTimeoutMs + t)) {
    return fail("the call did not end: " + progress(c->stream(id)) + " " + c->error());
  }
  Stream &s = c->stream(id);
  std::string output, why;
  if (!output_of(s, &output, &why)) return fail(why);
  if (s.pongs.size() != 1 || s.pongs[0].nonce != nonce) {
    return fail(strf("%zu Pongs for the one Ping", s.pongs.size()));
  }
  size_t out = s.index_of(TETHER_MSG_OUTPUT_COMMAND), pong = s.pongs[0].message,
         end = s.index_of(TETHER_MSG_END);
  std::string figure = strf("Output #%zu, Pong #%zu (RTT %.1f ms, handler %d ms), End #%zu", out,
                            pong, ms(s.pongs[0].rtt_ns), t, end);
  if (o.loop == Loop::kApart) {
    // The Input is handled once the state machine has it; the handler's Output follows.
    if (!(pong < out && out < end)) return fail(figure + " (want Pong, Output, End)");
    if (s.pongs[0].rtt_ns >= uint64_t(t) * 1000000) {
      return fail(figure + " (the Pong waited for the handler)");
    }
    return pass(figure);
  }
  if (!(out < pong && pong < end)) return fail(figure + " (want Output, Pong, End)");
  return pass(figure);
}

Result run_many_streams(const Options &o) {
  const int n = o.streams;
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  std::vector<int32_t> ids;
  std::map<int32_t, std::string> nonces;
  for (int i = 0; i < n; ++i) {
    int32_t id = c->invoke("echo");
    if (id < 0) return fail(strf("stream %d: %s", i, c->error().c_str()));
    ids.push_back(id);
  }
  for (int32_t id : ids) {  // each Ping once its stream's 200 accepted ping/1
    nonces[id] = c->ping(id);
    if (nonces[id].empty()) return fail(strf("stream %d: %s", id, c->error().c_str()));
  }
  auto answered = [&] {
    int k = 0;
    for (int32_t id : ids) k += c->stream(id).answered(nonces[id]);
    return k;
  };
  uint64_t t0 = h2::monotonic_ns();
  if (!c->wait([&] { return answered() == n; }, kTimeoutMs)) {
    return fail(
        strf("%d of %d streams answered in %d ms (the endpoint's concurrent stream "
             "limit?) %s",
             answered(), n, kTimeoutMs, c->error().c_str()));
  }
  uint64_t all_ns = h2::monotonic_ns() - t0;
  RttHistogram rtts;
  for (int32_t id : ids) {
    Stream &s = c->stream(id);
    if (s.pongs.size() != 1 || s.pongs[0].rtt_ns == 0) {
      return fail(strf("stream %d got %zu Pongs, not just its own", id, s.pongs.size()));
    }
    rtts.record(s.pongs[0].rtt_ns);
    if (!c->send(id, h2::input_frame(std::to_string(id))) || !c->end(id)) return fail(c->error());
  }
  if (!c->wait_closed(ids, kTimeoutMs)) return fail("not every call ended: " + c->error());
  for (int32_t id : ids) {
    std::string output, why;
    if (!output_of(c->stream(id), &output, &why))
      return fail(strf("stream %d: %s", id, why.c_str()));
    if (output != std::to_string(id)) return fail(strf("stream %d: another stream's output", id));
  }
  return pass(strf(
      "%d/%d Pongs on their own streams, the last %.0f ms after the last Ping; RTT %s, p99 %.1f ms",
      n, n, ms(all_ns), rtt_summary(rtts).c_str(), ms(rtts.quantile_ns(0.99))));
}

}  // namespace tether::conformance
