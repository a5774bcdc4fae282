#include "h2/routing.h"

#include <nlohmann/json.hpp>

#include "extension/extensions.h"
#include "invocation/content_type.h"

namespace tether::h2 {
namespace {

constexpr std::string_view kManifestPrefix = "application/vnd.restate.endpointmanifest.v";
constexpr std::string_view kInvokePrefix = "/invoke/";

Route refuse(int status, std::string body) {
  Route r;
  r.kind = Route::Kind::kRefuse;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body) + "\n";
  return r;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string version_range(uint32_t max) {
  return std::to_string(TETHER_PROTOCOL_MIN_VERSION) + ".." + std::to_string(max);
}

Route discover(const Request &request, const Registry &registry, uint32_t max_version) {
  if (request.method != "GET") return refuse(405, "/discover takes GET, not " + request.method);
  int version = manifest_version(request.accept);
  if (version == 0) {
    return refuse(
        406, "accept must list application/vnd.restate.endpointmanifest.vM+json with M in " +
                 std::to_string(kMinManifestVersion) + ".." + std::to_string(kMaxManifestVersion) +
                 ", got \"" + request.accept + "\"");
  }
  Route r;
  r.kind = Route::Kind::kDiscover;
  r.status = 200;
  r.content_type = std::string(kManifestPrefix) + std::to_string(version) + "+json";
  r.body = manifest_json(registry, max_version);
  return r;
}

Route invoke(const Request &request, const Registry &registry, uint32_t max_version,
             uint32_t supported) {
  std::string_view rest = std::string_view(request.path).substr(kInvokePrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size() ||
      rest.find('/', slash + 1) != std::string_view::npos) {
    return refuse(404, "no such route " + request.path + " (POST /invoke/{service}/{handler})");
  }
  std::string_view service = rest.substr(0, slash);
  std::string_view handler = rest.substr(slash + 1);
  if (registry.service(service) == nullptr) {
    return refuse(404, "unknown service " + std::string(service));
  }
  const Handler *h = registry.find(service, handler);
  if (h == nullptr) {
    return refuse(404,
                  "service " + std::string(service) + " has no handler " + std::string(handler));
  }
  if (request.method != "POST") {
    return refuse(405, request.path + " takes POST, not " + request.method);
  }
  uint32_t version = 0;
  Status status = content_type_version(request.content_type.data(), request.content_type.size(),
                                       max_version, &version);
  if (status == TETHER_UNSUPPORTED_VERSION) {
    return refuse(415, "unsupported protocol version in content-type \"" + request.content_type +
                           "\": this endpoint supports versions " + version_range(max_version));
  }
  if (status != TETHER_OK) {
    return refuse(415, "content-type must be application/vnd.restate.invocation.vN with N in " +
                           version_range(max_version) + ", got \"" + request.content_type + "\"");
  }
  uint32_t extensions = 0;
  const char *problem = "";
  if (parse_extensions(request.extensions.data(), request.extensions.size(), supported, &extensions,
                       &problem) != TETHER_OK) {
    return refuse(400, problem);
  }
  Route r;
  r.kind = Route::Kind::kInvoke;
  r.status = 200;
  r.extensions = extensions;
  r.content_type = request.content_type;
  r.handler = h;
  r.protocol_version = version;
  return r;
}

}  // namespace

int manifest_version(std::string_view accept) {
  if (trim(accept).empty()) return kMaxManifestVersion;
  int best = 0;
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view item = trim(accept.substr(0, comma));
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    item = trim(item.substr(0, item.find(';')));  // drop parameters such as q=
    if (item == "*/*" || item == "application/*") {
      best = kMaxManifestVersion;
      continue;
    }
    if (item.substr(0, kManifestPrefix.size()) != kManifestPrefix) continue;
    std::string_view tail = item.substr(kManifestPrefix.size());
    size_t plus = tail.find("+json");
    if (plus == std::string_view::npos || plus + 5 != tail.size() || plus == 0 || plus > 3)
      continue;
    int version = 0;
    bool digits = true;
    for (char c : tail.substr(0, plus)) {
      if (c < '0' || c > '9') digits = false;
      version = version * 10 + (c - '0');
    }
    if (digits && version >= kMinManifestVersion && version <= kMaxManifestVersion &&
        version > best) {
      best = version;
    }
  }
  return best;
}

std::string manifest_json(const Registry &registry, uint32_t max_protocol_version) {
  nlohmann::ordered_json services = nlohmann::ordered_json::array();
  for (const Service &s : registry.services()) {
    nlohmann::ordered_json handlers = nlohmann::ordered_json::array();
    for (const Handler &h : s.handlers) handlers.push_back({{"name", h.name}});
    services.push_back({{"name", s.name}, {"ty", "SERVICE"}, {"handlers", std::move(handlers)}});
  }
  nlohmann::ordered_json manifest = {{"protocolMode", "BIDI_STREAM"},
                                     {"minProtocolVersion", TETHER_PROTOCOL_MIN_VERSION},
                                     {"maxProtocolVersion", max_protocol_version},
                                     {"services", std::move(services)}};
  return manifest.dump();
}

Route route(const Request &request, const Registry &registry, uint32_t max_protocol_version,
            uint32_t extensions) {
  if (request.path == "/discover") return discover(request, registry, max_protocol_version);
  if (request.path == "/stats") {
    if (request.method != "GET") return refuse(405, "/stats takes GET, not " + request.method);
    Route r;
    r.kind = Route::Kind::kStats;
    r.status = 200;
    r.content_type = "application/json";
    return r;
  }
  if (request.path.rfind(kInvokePrefix, 0) == 0) {
    return invoke(request, registry, max_protocol_version, extensions);
  }
  return refuse(404, "no such route " + request.path +
                         " (GET /discover, GET /stats, POST /invoke/{service}/{handler})");
}

}  // namespace tether::h2
