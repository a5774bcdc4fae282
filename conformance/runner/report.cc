#include "report.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace tether::conformance {

const char *verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kSkip:
      return "SKIP";
  }
  return "?";
}

void print_line(std::FILE *out, const Outcome &o) {
  std::fprintf(out, "%-3s %-17s %s  %s  | %s\n", o.c->number, o.c->id,
               verdict_name(o.result.verdict), o.result.figure.c_str(), o.c->claim);
  std::fflush(out);
}

std::string report_json(const std::string &url, const std::vector<Outcome> &outcomes) {
  nlohmann::json cases = nlohmann::json::array();
  for (const Outcome &o : outcomes) {
    nlohmann::json entry = {{"number", o.c->number},
                            {"id", o.c->id},
                            {"verdict", verdict_name(o.result.verdict)},
                            {"figure", o.result.figure},
                            {"claim", o.c->claim},
                            {"seconds", o.seconds}};
    if (o.result.rss_growth >= 0) entry["rss_growth"] = o.result.rss_growth;
    cases.push_back(std::move(entry));
  }
  // A figure may quote an endpoint's bytes: invalid UTF-8 is replaced, not refused.
  return nlohmann::json{{"url", url}, {"cases", cases}}.dump(
             2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

bool write_json(const std::string &path, const std::string &url,
                const std::vector<Outcome> &outcomes, std::string *error) {
  std::string text = report_json(url, outcomes);
  std::FILE *f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) *error = path + ": " + std::strerror(errno);
  return ok;
}

bool read_verdicts(const std::string &json, std::vector<CaseVerdict> *out, std::string *error) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return *error = "not JSON", false;
  if (!doc.is_object() || !doc.contains("cases") || !doc["cases"].is_array()) {
    return *error = "no \"cases\" array", false;
  }
  for (const nlohmann::json &c : doc["cases"]) {
    CaseVerdict v;
    for (auto [key, field] : {std::pair{"number", &v.number}, std::pair{"id", &v.id},
                              std::pair{"verdict", &v.verdict}}) {
      if (!c.is_object() || !c.contains(key) || !c[key].is_string()) {
        return *error =
                   "case " + std::to_string(out->size() + 1) + " has no string \"" + key + "\"",
               false;
      }
      *field = c[key].get<std::string>();
    }
    if (c.contains("rss_growth")) {
      if (!c["rss_growth"].is_number_integer() || c["rss_growth"].get<int64_t>() < 0) {
        return *error = "case " + v.number + " has an \"rss_growth\" that is not a byte count",
               false;
      }
      v.rss_growth = c["rss_growth"].get<int64_t>();
    }
    out->push_back(std::move(v));
  }
  return true;
}

bool read_verdicts_file(const std::string &path, std::vector<CaseVerdict> *out,
                        std::string *error) {
  std::ifstream in(path);
  if (!in) return *error = path + ": " + std::strerror(errno), false;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!read_verdicts(text, out, error)) return *error = path + ": " + *error, false;
  return true;
}

}  // namespace tether::conformance
