#include "observe.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tether::conformance {

bool json_number(const std::string &json, const std::string &key, uint64_t *out) {
  size_t at = json.find("\"" + key + "\"");
  if (at == std::string::npos) return false;
  at = json.find_first_not_of(" \t\r\n", at + key.size() + 2);
  if (at == std::string::npos || json[at] != ':') return false;
  at = json.find_first_not_of(" \t\r\n", at + 1);
  if (at == std::string::npos || json[at] < '0' || json[at] > '9') return false;
  *out = std::strtoull(json.c_str() + at, nullptr, 10);
  return true;
}

uint64_t resident_bytes(int pid) {
  if (pid <= 0) return 0;
  std::string path = "/proc/" + std::to_string(pid) + "/status";
  std::FILE *f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return 0;
  char line[256];
  uint64_t kib = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) {
      kib = std::strtoull(line + 6, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return kib * 1024;
}

}  // namespace tether::conformance
