#include "options.h"

#include "h2/net.h"

#include <map>

namespace tether::conformance {

namespace {
// --loop's spellings, the one place they are named.
const std::map<std::string, Loop> kLoops = {
    {"separate", Loop::kSeparate}, {"shared", Loop::kShared}, {"apart", Loop::kApart}};
}  // namespace

const char *loop_name(Loop loop) {
  for (const auto &[name, value] : kLoops) {
    if (value == loop) return name.c_str();
  }
  return "separate";
}

cli::Outcome parse_options(int argc, const char *const *argv, Options *o, std::string *text) {
  o->target.max_message_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
  o->target.max_frame_payload = TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
  CLI::App app(
      "Plays the Restate runtime against an endpoint serving the Echo service and "
      "prints one line per case. Exit status: 0 when no case failed, 1 when one did, 2 "
      "on a usage error or an unreachable endpoint.");
  cli::init(app, "tether-conformance");
  app.add_option("url", o->url, "http://host:port of an h2c endpoint serving Echo");
  app.add_flag("--list", o->list, "Print the cases and exit");
  app.add_option("--case", o->only_case, "Run only this case (number or id)");
  app.add_option("--json", o->json_path, "Write the results to FILE as JSON");
  app.add_option("--verdicts", o->verdicts_path,
                 "Print NUMBER ID VERDICT per case of a --json report and exit");
  app.add_option("--protocol-version", o->target.version,
                 "Protocol version of the cases' streams (the version cases try V5..V8)")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(TETHER_PROTOCOL_MIN_VERSION, TETHER_PROTOCOL_MAX_VERSION))
      ->capture_default_str();
  app.add_option("--max-message-size", o->target.max_message_size,
                 "The endpoint's message limit, bytes")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(uint64_t{1} << 20, uint64_t{UINT32_MAX}))
      ->capture_default_str();
  app.add_option("--max-frame-payload", o->target.max_frame_payload,
                 "The endpoint's chunk bound (chunked/1), bytes")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(uint32_t{1024}, uint32_t{1} << 30))
      ->capture_default_str();
  app.add_option("--large-size", o->large_size, "Input of the large chunked case, bytes")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(uint64_t{1}, uint64_t{UINT32_MAX}))
      ->capture_default_str();
  app.add_option("--outbound-budget", o->outbound_budget,
                 "Queued output a session may hold, bytes (default: from the limits)")
      ->check(tether::cli::decimal())
      ->check(CLI::PositiveNumber);
  std::string loop = "separate";
  app.add_option("--loop", loop,
                 "separate: handlers run on the dispatch loop, HTTP/2 apart; shared: all on one "
                 "loop; apart: the dispatch loop never runs a handler")
      ->check(CLI::IsMember(kLoops))
      ->capture_default_str();
  app.add_option("--block-ms", o->block_ms, "T of the dispatch-loop case, ms")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(50, 60000))
      ->capture_default_str();
  app.add_option("--streams", o->streams, "Concurrent streams of the many-streams case")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--pid", o->pid, "The endpoint's process id, for its resident memory")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(1, INT32_MAX));
  app.add_option("--stock-growth", o->stock_growth,
                 "Case 8 against an SDK behind an adapter: the RSS growth (bytes) of the same "
                 "SDK without tether on that case; the bound becomes that plus one high "
                 "watermark per call and the slack")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(int64_t{0}, INT64_MAX));
  cli::Outcome outcome = cli::parse(app, argc, argv, text);
  if (outcome != cli::Outcome::kRun) return outcome;
  o->loop = kLoops.at(loop);
  auto refuse = [&](const std::string &why) {
    *text = cli::usage_error(app, why);
    return cli::Outcome::kUsageError;
  };
  if (o->list || !o->verdicts_path.empty()) return outcome;
  if (o->url.empty()) return refuse("the endpoint's URL is required");
  if (!h2::parse_url(o->url, &o->target.host, &o->target.port)) {
    return refuse("not an http://host:port URL: " + o->url);
  }
  if (o->target.max_frame_payload > o->target.max_message_size) {
    return refuse("--max-frame-payload is over --max-message-size");
  }
  return outcome;
}

}  // namespace tether::conformance
