#include "observe.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "connection.h"

namespace tether::conformance {

namespace {

bool unsigned_field(const nlohmann::json &doc, const std::string &key, uint64_t *out) {
  if (!doc.is_object()) return false;
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

}  // namespace

bool json_number(const std::string &json, const std::string &key, uint64_t *out) {
  return unsigned_field(nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false), key, out);
}

bool parse_manifest(const std::string &json, Versions *v, std::string *why) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return *why = "the manifest is not a JSON object", false;
  uint64_t min = 0, max = 0;
  if (!unsigned_field(doc, "minProtocolVersion", &min) ||
      !unsigned_field(doc, "maxProtocolVersion", &max) || min > max || max > UINT32_MAX) {
    return *why = "the manifest has no valid minProtocolVersion..maxProtocolVersion", false;
  }
  v->min = static_cast<uint32_t>(min);
  v->max = static_cast<uint32_t>(max);
  return true;
}

bool discover(Connection &c, Versions *versions, std::string *why) {
  // Every manifest version, as a Restate server asks: SDKs drop the oldest ones.
  int32_t id = c.get("/discover",
                     "application/vnd.restate.endpointmanifest.v1+json, "
                     "application/vnd.restate.endpointmanifest.v2+json, "
                     "application/vnd.restate.endpointmanifest.v3+json, "
                     "application/vnd.restate.endpointmanifest.v4+json");
  if (id < 0 || !c.wait_closed({id}, 10000)) return *why = "no answer to GET /discover", false;
  Stream &s = c.stream(id);
  if (s.status != 200) {
    return *why = "GET /discover: HTTP " + std::to_string(s.status) + " " + s.body.substr(0, 80),
           false;
  }
  return parse_manifest(s.body, versions, why);
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
