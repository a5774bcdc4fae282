// The runner's output: one line per case on stdout (number, id, verdict, figure,
// claim), the same as JSON for --json, and reading such a report back (--verdicts,
// for the matrix script).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cases.h"

namespace tether::conformance {

struct Outcome {
  const Case *c;
  Result result;
  double seconds;
};

const char *verdict_name(Verdict verdict);
void print_line(std::FILE *out, const Outcome &outcome);
// {"url": ..., "cases": [{"number", "id", "verdict", "figure", "claim", "seconds"}...]}
// (case 8 adds "rss_growth", bytes, when it measured the endpoint's RSS)
std::string report_json(const std::string &url, const std::vector<Outcome> &outcomes);
// False with *error when the file cannot be written.
bool write_json(const std::string &path, const std::string &url,
                const std::vector<Outcome> &outcomes, std::string *error);

struct CaseVerdict {
  std::string number, id, verdict;
  int64_t rss_growth = -1;  // -1: the case reported none
};
// The cases of a report_json text; false with *error naming what is missing.
bool read_verdicts(const std::string &json, std::vector<CaseVerdict> *out, std::string *error);
bool read_verdicts_file(const std::string &path, std::vector<CaseVerdict> *out, std::string *error);

}  // namespace tether::conformance
