#include "options.h"

#include <cerrno>
#include <cstdlib>

#include "h2/net.h"

namespace tether::conformance {

const char kUsage[] =
    "usage: tether-conformance --list\n"
    "       tether-conformance URL [--case ID] [--json FILE] [--max-message-size BYTES]\n"
    "         [--max-frame-payload BYTES] [--large-size BYTES] [--outbound-budget BYTES]\n"
    "         [--loop separate|shared] [--block-ms T] [--streams N] [--pid PID]\n"
    "  URL: http://host:port of an h2c endpoint serving the Echo service\n";

namespace {

bool number(const std::string &text, uint64_t min, uint64_t max, uint64_t *out) {
  if (text.empty() || text[0] == '-') return false;
  char *end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || value < min || value > max) return false;
  *out = value;
  return true;
}

}  // namespace

bool parse_options(int argc, char **argv, Options *o, std::string *error) {
  o->target.max_message_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
  o->target.max_frame_payload = TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag.rfind("--", 0) != 0) {
      if (!o->url.empty()) return *error = "more than one URL: " + flag, false;
      o->url = flag;
      continue;
    }
    if (flag == "--list") {
      o->list = true;
      continue;
    }
    if (i + 1 >= argc) return *error = "missing value for " + flag, false;
    std::string value = argv[++i];
    uint64_t n = 0;
    auto bad = [&](const char *range) { return *error = flag + " takes " + range, false; };
    if (flag == "--case") {
      o->only_case = value;
    } else if (flag == "--json") {
      o->json_path = value;
    } else if (flag == "--max-message-size") {
      if (!number(value, 1 << 20, UINT32_MAX, &n)) return bad("1 MiB..4 GiB-1 (bytes)");
      o->target.max_message_size = n;
    } else if (flag == "--max-frame-payload") {
      if (!number(value, 1024, 1 << 30, &n)) return bad("1 KiB..1 GiB (bytes)");
      o->target.max_frame_payload = static_cast<uint32_t>(n);
    } else if (flag == "--large-size") {
      if (!number(value, 1, UINT32_MAX, &n)) return bad("1..4 GiB-1 (bytes)");
      o->large_size = n;
    } else if (flag == "--outbound-budget") {
      if (!number(value, 1, UINT64_MAX, &n)) return bad("a positive byte count");
      o->outbound_budget = n;
    } else if (flag == "--loop") {
      if (value != "separate" && value != "shared") return bad("separate or shared");
      o->shared_loop = value == "shared";
    } else if (flag == "--block-ms") {
      if (!number(value, 50, 60000, &n)) return bad("50..60000");
      o->block_ms = static_cast<int>(n);
    } else if (flag == "--streams") {
      if (!number(value, 1, 100000, &n)) return bad("1..100000");
      o->streams = static_cast<int>(n);
    } else if (flag == "--pid") {
      if (!number(value, 1, INT32_MAX, &n)) return bad("a process id");
      o->pid = static_cast<int>(n);
    } else {
      return *error = "unknown option " + flag, false;
    }
  }
  if (o->list) return true;
  if (o->url.empty()) return *error = "the endpoint's URL is required", false;
  if (!h2::parse_url(o->url, &o->target.host, &o->target.port)) {
    return *error = "not an http://host:port URL: " + o->url, false;
  }
  if (o->target.max_frame_payload > o->target.max_message_size) {
    return *error = "--max-frame-payload is over --max-message-size", false;
  }
  return true;
}

}  // namespace tether::conformance
