// Looking at the endpoint from outside: its counters (GET /stats, a flat JSON object
// of numbers) and its process's resident memory (/proc/PID/status).
#pragma once

#include <cstdint>
#include <string>

namespace tether::conformance {

// The number under "key" in a flat JSON object; false if absent.
bool json_number(const std::string &json, const std::string &key, uint64_t *out);

// VmRSS of the process in bytes; 0 when it cannot be read.
uint64_t resident_bytes(int pid);

}  // namespace tether::conformance
