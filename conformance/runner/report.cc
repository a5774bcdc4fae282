#include "report.h"

#include <cerrno>
#include <cstring>

namespace tether::conformance {
namespace {

std::string quoted(const std::string &text) {
  std::string out = "\"";
  for (unsigned char ch : text) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", ch);
      out += escaped;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

}  // namespace

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
  std::fprintf(out, "%-3s %-14s %s  %s  | %s\n", o.c->number, o.c->id,
               verdict_name(o.result.verdict), o.result.figure.c_str(), o.c->claim);
  std::fflush(out);
}

bool write_json(const std::string &path, const std::string &url,
                const std::vector<Outcome> &outcomes, std::string *error) {
  std::FILE *f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  std::fprintf(f, "{\"url\": %s, \"cases\": [", quoted(url).c_str());
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const Outcome &o = outcomes[i];
    std::fprintf(f,
                 "%s\n  {\"number\": %s, \"id\": %s, \"verdict\": %s, \"figure\": %s, "
                 "\"claim\": %s, \"seconds\": %.3f}",
                 i ? "," : "", quoted(o.c->number).c_str(), quoted(o.c->id).c_str(),
                 quoted(verdict_name(o.result.verdict)).c_str(), quoted(o.result.figure).c_str(),
                 quoted(o.c->claim).c_str(), o.seconds);
  }
  std::fprintf(f, "\n]}\n");
  bool ok = std::fclose(f) == 0;
  if (!ok) *error = path + ": " + std::strerror(errno);
  return ok;
}

}  // namespace tether::conformance
