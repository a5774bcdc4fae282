// The runner's output: one line per case on stdout (number, id, verdict, figure,
// claim), and the same as JSON for --json.
#pragma once

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
// False with *error when the file cannot be written.
bool write_json(const std::string &path, const std::string &url,
                const std::vector<Outcome> &outcomes, std::string *error);

}  // namespace tether::conformance
