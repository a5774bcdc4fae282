// What an endpoint does with a request, decided from its headers alone: the manifest
// for GET /discover, its counters for GET /stats (JSON, for the conformance runner),
// an invocation for POST /invoke/{service}/{handler}, or a refusal
// with an HTTP status and a body that names what was wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "h2/registry.h"

namespace tether::h2 {

// Manifest versions this endpoint writes (application/vnd.restate.endpointmanifest.vM+json).
inline constexpr int kMinManifestVersion = 1;
inline constexpr int kMaxManifestVersion = 4;

struct Request {
  std::string method;
  std::string path;
  std::string content_type;
  std::string accept;
  std::string extensions;  // the tether-extensions offer ("" when absent)
};

struct Route {
  enum class Kind { kDiscover, kStats, kInvoke, kRefuse };
  Kind kind = Kind::kRefuse;
  int status = 0;                    // HTTP status of the response
  std::string content_type;          // of the response
  std::string body;                  // kDiscover: the manifest; kRefuse: the reason (kStats:
                                     // filled by the server)
  const Handler *handler = nullptr;  // kInvoke
  uint32_t protocol_version = 0;     // kInvoke
  uint32_t extensions = 0;           // kInvoke: TETHER_EXT_* accepted for the stream
};

// max_protocol_version: the highest invocation protocol version served (5..8);
// extensions: the TETHER_EXT_* features accepted of an offer.
Route route(const Request &request, const Registry &registry, uint32_t max_protocol_version,
            uint32_t extensions);

// The highest manifest version listed in an Accept header, 0 if none is supported.
// An absent Accept header (or */*) means the highest.
int manifest_version(std::string_view accept);

// The manifest JSON (PROTOCOL.md: protocolMode, min/maxProtocolVersion, services).
std::string manifest_json(const Registry &registry, uint32_t max_protocol_version);

}  // namespace tether::h2
