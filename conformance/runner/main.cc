// tether-conformance URL [--case ID] [--json FILE] [...]: plays the runtime against an
// endpoint serving the Echo service and prints one line per case. Exit status: 0 when
// no case failed, 1 when one did, 2 on a usage error or an unreachable endpoint.
#include <cstdio>

#include "cases.h"
#include "extension/extensions.h"
#include "h2/net.h"
#include "observe.h"
#include "report.h"

using namespace tether::conformance;

namespace {

// GET /discover once: the endpoint must answer before any case runs.
bool discover_once(const Options &o, std::string *summary) {
  std::string error;
  auto c = Connection::open(o.target, &error);
  if (!c) return *summary = error, false;
  Versions v;
  if (!discover(*c, &v, summary)) return false;
  *summary = "protocol V" + std::to_string(v.min) + "..V" + std::to_string(v.max) + ", cases on V" +
             std::to_string(o.target.version);
  if (o.target.version < v.min || o.target.version > v.max) {
    *summary += " (not advertised: the cases will fail; see --protocol-version)";
  }
  return true;
}

int print_verdicts(const std::string &path) {
  std::vector<CaseVerdict> verdicts;
  std::string error;
  if (!read_verdicts_file(path, &verdicts, &error)) {
    std::fprintf(stderr, "tether-conformance: %s\n", error.c_str());
    return 2;
  }
  for (const CaseVerdict &v : verdicts) {
    std::printf("%s %s %s", v.number.c_str(), v.id.c_str(), v.verdict.c_str());
    // case 8's RSS growth, for the matrix's bound of an adapter column
    if (v.rss_growth >= 0) std::printf(" %lld", static_cast<long long>(v.rss_growth));
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  Options options;
  std::string text;
  tether::cli::Outcome parsed = parse_options(argc, argv, &options, &text);
  if (parsed != tether::cli::Outcome::kRun) return tether::cli::finish(parsed, text);
  if (options.list) {
    for (const Case &c : all_cases()) std::printf("%s %s %s\n", c.number, c.id, c.claim);
    return 0;
  }
  if (!options.verdicts_path.empty()) return print_verdicts(options.verdicts_path);
  std::vector<const Case *> selected;
  for (const Case &c : all_cases()) {
    if (options.only_case.empty() || options.only_case == c.id || options.only_case == c.number) {
      selected.push_back(&c);
    }
  }
  if (selected.empty()) {
    std::fprintf(stderr, "tether-conformance: no case %s (ids:", options.only_case.c_str());
    for (const Case &c : all_cases()) std::fprintf(stderr, " %s|%s", c.number, c.id);
    std::fprintf(stderr, ")\n");
    return 2;
  }
  std::string summary, error;
  if (!discover_once(options, &summary)) {
    std::fprintf(stderr, "tether-conformance: %s: %s\n", options.url.c_str(), summary.c_str());
    return 2;
  }
  std::printf("tether-conformance %s: %s, offering \"%s\", limit %llu bytes, %s loop\n",
              options.url.c_str(), summary.c_str(), tether::format_extensions(kOfferAll),
              static_cast<unsigned long long>(options.target.max_message_size),
              loop_name(options.loop));
  std::vector<Outcome> outcomes;
  int failed = 0, passed = 0, skipped = 0;
  for (const Case *c : selected) {
    uint64_t t0 = tether::h2::monotonic_ns();
    Result result = c->run(options);
    outcomes.push_back(Outcome{c, result, double(tether::h2::monotonic_ns() - t0) / 1e9});
    print_line(stdout, outcomes.back());
    failed += result.verdict == Verdict::kFail;
    passed += result.verdict == Verdict::kPass;
    skipped += result.verdict == Verdict::kSkip;
  }
  std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  if (!options.json_path.empty() && !write_json(options.json_path, options.url, outcomes, &error)) {
    std::fprintf(stderr, "tether-conformance: %s\n", error.c_str());
    return 2;
  }
  return failed == 0 ? 0 : 1;
}
