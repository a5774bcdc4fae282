// Looking at the endpoint from outside: its manifest (GET /discover), its counters
// (GET /stats, a flat JSON object of numbers) and its process's resident memory
// (/proc/PID/status).
#pragma once

#include <cstdint>
#include <string>

namespace tether::conformance {

class Connection;

// The unsigned number under "key" of a JSON object; false if the text is not a JSON
// object or the key is absent or not an unsigned integer.
bool json_number(const std::string &json, const std::string &key, uint64_t *out);

// The protocol versions a manifest advertises.
struct Versions {
  uint32_t min = 0, max = 0;
};
// Parses a manifest body; false with *why when it is not JSON or lacks the versions.
bool parse_manifest(const std::string &json, Versions *versions, std::string *why);
// GET /discover on c, then parse_manifest.
bool discover(Connection &c, Versions *versions, std::string *why);

// VmRSS of the process in bytes; 0 when it cannot be read.
uint64_t resident_bytes(int pid);

}  // namespace tether::conformance
