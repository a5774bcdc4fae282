// Cases 9-13: the tether extension is negotiated per stream (tether-extensions) and
// never implied by the protocol version, and each upstream version V5..V8 keeps its
// own meaning.
#include "extension/extensions.h"
#include "h2/runtime_messages.h"
#include "observe.h"
#include "support.h"

namespace tether::conformance {
namespace {

constexpr int kTimeoutMs = 30000;
constexpr uint16_t kEphemeralNotification = 0x0300;  // upstream V8, runtime -> SDK

std::string offer_name(uint32_t set) {
  const char *text = format_extensions(set);
  return text[0] != '\0' ? text : "none";
}

// Waits for a call and checks it echoed input with a vN content type; "" when it did.
std::string echoed(Connection &c, int32_t id, const std::string &input, uint32_t version) {
  if (!c.wait_closed({id}, kTimeoutMs)) {
    return "the call did not end: " + progress(c.stream(id)) + " " + c.error();
  }
  Stream &s = c.stream(id);
  std::string output, why;
  if (!output_of(s, &output, &why)) return why;
  std::string type = "application/vnd.restate.invocation.v" + std::to_string(version);
  if (s.content_type != type) return "answered with content type " + s.content_type;
  if (output != input) return "the output is not the input";
  return "";
}

}  // namespace

Result run_not_negotiated(const Options &o) {
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  // Larger than a chunk: a chunking endpoint would split it, this stream must not.
  std::string content = pattern(2ull * o.target.max_frame_payload, 9);
  int32_t none = c->call("echo", content, 0, 0);
  int32_t ping_only = c->invoke("echo", 0, TETHER_EXT_PING);
  if (none < 0 || ping_only < 0) return fail(c->error());
  if (!c->ping(none).empty()) return fail("the runner sent a Ping on a stream that offered none");
  if (!c->accepted(ping_only, TETHER_EXT_PING)) return fail("ping/1 alone: " + c->error());
  std::string nonce = c->ping(ping_only);
  if (nonce.empty() || !c->send(ping_only, h2::input_frame(content)) || !c->end(ping_only)) {
    return fail(c->error());
  }
  std::string why = echoed(*c, none, content, o.target.version);
  if (!why.empty()) return fail("no offer: " + why);
  why = echoed(*c, ping_only, content, o.target.version);
  if (!why.empty()) return fail("ping/1 alone: " + why);
  Stream &a = c->stream(none), &b = c->stream(ping_only);
  size_t pongs = a.count(TETHER_MSG_PONG) + a.count(TETHER_MSG_PING);
  if (a.extensions != 0 || pongs != 0 || a.parser->continued_frames() != 0) {
    return fail(strf("no offer: accepted \"%s\", %zu Ping/Pong and %zu CONTINUED frames received",
                     offer_name(a.extensions).c_str(), pongs, a.parser->continued_frames()));
  }
  if (b.extensions != TETHER_EXT_PING || !b.answered(nonce) || b.parser->continued_frames() != 0) {
    return fail(strf("ping/1 alone: accepted \"%s\", Ping %s, %zu CONTINUED frames",
                     offer_name(b.extensions).c_str(),
                     b.answered(nonce) ? "answered" : "unanswered", b.parser->continued_frames()));
  }
  if (c->pings_sent() != 1) {
    return fail(strf("%llu Pings sent, want 1", static_cast<unsigned long long>(c->pings_sent())));
  }
  return pass(strf(
      "no offer: %.0f MiB echoed in %zu frame, no Ping sent, no Pong or chunk received; ping/1 "
      "alone: Pong, output in %zu frame",
      mib(content.size()), a.find(TETHER_MSG_OUTPUT_COMMAND)->frames,
      b.find(TETHER_MSG_OUTPUT_COMMAND)->frames));
}

Result run_extensions_echoed(const Options &o) {
  struct Offer {
    const char *header;  // nullptr: no header
    int status;
    uint32_t accepted;
  };
  const Offer offers[] = {
      {"ping/1, chunked/1", 200, TETHER_EXT_PING | TETHER_EXT_CHUNKED},
      {"ping/1", 200, TETHER_EXT_PING},
      {"CHUNKED/1 ,compress/9,, chunked/1", 200, TETHER_EXT_CHUNKED},  // case, unknown, dups
      // (no leading or trailing space: HTTP/2 field values may not have one, RFC 9113)
      {"ping/2", 200, 0},
      {nullptr, 200, 0},
      {"ping/1; q=1", 400, 0},  // not a token list
  };
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  std::vector<int32_t> ids;
  for (const Offer &offer : offers) {
    int32_t id = c->invoke_raw("echo", 0, offer.header);
    if (id < 0 || !c->send(id, h2::input_frame("negotiated")) || !c->end(id)) {
      return fail(c->error());
    }
    ids.push_back(id);
  }
  if (!c->wait_closed(ids, kTimeoutMs)) return fail("not every call ended: " + c->error());
  for (size_t i = 0; i < ids.size(); ++i) {
    Stream &s = c->stream(ids[i]);
    const char *header = offers[i].header ? offers[i].header : "(no header)";
    // Every named feature counts, offered or not: invoke_raw recorded no offer.
    uint32_t named = s.extensions | s.unoffered;
    if (s.status != offers[i].status) {
      return fail(strf("offer \"%s\": HTTP %d, want %d %.80s", header, s.status, offers[i].status,
                       s.body.c_str()));
    }
    if (s.status != 200) continue;
    std::string output, why;
    if (!output_of(s, &output, &why)) return fail(strf("offer \"%s\": %s", header, why.c_str()));
    if (named != offers[i].accepted) {
      return fail(strf("offer \"%s\": the 200 accepted \"%s\", want \"%s\"", header,
                       offer_name(named).c_str(), offer_name(offers[i].accepted).c_str()));
    }
  }
  return pass(
      strf("%zu offers: each 200 named what was offered and known (none for none); a "
           "malformed offer got 400",
           ids.size()));
}

Result run_unnegotiated_ping(const Options &o) {
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  int32_t ping = c->invoke("echo", 0, 0);
  int32_t chunk = c->invoke("echo", 0, 0);
  if (ping < 0 || chunk < 0) return fail(c->error());
  std::string input = h2::input_frame("x");
  if (c->ping_unchecked(ping).empty() ||
      !c->send(chunk, frame(TETHER_MSG_INPUT_COMMAND, TETHER_FLAG_CONTINUED,
                            input.substr(kFrameHeaderSize, 2)))) {
    return fail(c->error());
  }
  c->end(ping);
  c->end(chunk);
  if (!c->wait_closed({ping, chunk}, kTimeoutMs)) return fail("the streams did not end");
  std::string figure;
  for (int32_t id : {ping, chunk}) {
    const char *what = id == ping ? "Ping" : "CONTINUED";
    std::string failure = error_of(c->stream(id));
    if (failure.rfind("code 571", 0) != 0) {
      return fail(strf("%s without negotiation: %s", what,
                       failure.empty() ? progress(c->stream(id)).c_str() : failure.c_str()));
    }
    figure += strf("%s%s: %s", figure.empty() ? "" : "; ", what, failure.c_str());
  }
  int32_t fresh = c->call("echo", "fresh");
  std::string why = fresh < 0 ? c->error() : echoed(*c, fresh, "fresh", o.target.version);
  if (!why.empty()) return fail("a new call after: " + why);
  return pass(figure + "; serving on");
}

Result run_v8_ephemeral(const Options &o) {
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  Versions versions;
  if (!discover(*c, &versions, &error)) return fail(error);
  if (versions.max < 8) return skip(strf("the endpoint advertises up to V%u", versions.max));
  // A notification the Echo handler never asked for: an SDK ignores it.
  std::string notification = frame(kEphemeralNotification, 0, std::string("\x0a\x02hi", 4));
  int32_t v8 = c->invoke("echo", 8);
  if (v8 < 0 || !c->send(v8, notification) || !c->send(v8, h2::input_frame("ephemeral")) ||
      !c->end(v8)) {
    return fail(c->error());
  }
  std::string why = echoed(*c, v8, "ephemeral", 8);
  if (!why.empty()) return fail("V8 with an ephemeral notification: " + why);
  std::string figure = "V8: Echo completes past a 0x0300 notification";
  if (versions.min <= 7) {  // the same type is unknown on V7
    int32_t v7 = c->invoke("echo", 7);
    if (v7 < 0 || !c->send(v7, notification) || !c->end(v7) || !c->wait_closed({v7}, kTimeoutMs)) {
      return fail("V7: " + c->error());
    }
    std::string failure = error_of(c->stream(v7));
    if (failure.rfind("code 571", 0) != 0) {
      return fail("V7 with a 0x0300 frame: no Error 571 (" + progress(c->stream(v7)) + ")");
    }
    figure += "; on V7 it is unknown: " + failure;
  }
  return pass(figure);
}

Result run_versions(const Options &o) {
  std::string error;
  auto c = connect(o, &error);
  if (!c) return fail("cannot connect: " + error);
  Versions versions;
  if (!discover(*c, &versions, &error)) return fail(error);
  std::string figure;
  uint32_t first_accepted = UINT32_MAX;
  for (uint32_t v = 4; v <= 9; ++v) {
    bool advertised = v >= versions.min && v <= versions.max && v >= TETHER_PROTOCOL_MIN_VERSION;
    std::string input = "version " + std::to_string(v);
    int32_t id = c->call("echo", input, v);
    if (id < 0) return fail(c->error());
    if (!advertised) {
      if (!c->wait_closed({id}, kTimeoutMs) || c->stream(id).status != 415) {
        return fail(strf("V%u (not advertised): HTTP %d, want 415", v, c->stream(id).status));
      }
      continue;
    }
    std::string why = echoed(*c, id, input, v);
    if (!why.empty()) return fail(strf("V%u: %s", v, why.c_str()));
    uint32_t accepted = c->stream(id).extensions;
    if (first_accepted == UINT32_MAX) first_accepted = accepted;
    if (accepted != first_accepted) {
      return fail(
          strf("V%u accepted \"%s\", another version \"%s\": the extension depends on "
               "the version",
               v, offer_name(accepted).c_str(), offer_name(first_accepted).c_str()));
    }
    figure += strf("%sV%u", figure.empty() ? "" : " ", v);
  }
  if (figure.empty()) return fail("the endpoint advertises no version of V5..V8");
  return pass(
      strf("%s echoed, each with its content type and \"%s\" accepted; outside "
           "V%u..V%u: 415",
           figure.c_str(), offer_name(first_accepted).c_str(), versions.min, versions.max));
}

}  // namespace tether::conformance
