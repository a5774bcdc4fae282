#include "h2/registry.h"

namespace tether::h2 {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status Registry::add(std::string_view service, std::string_view handler, HandlerFn fn,
                     void *user_data, std::string *error) {
  if (fn == nullptr) {
    *error = "handler function is NULL";
    return TETHER_INVALID_ARGUMENT;
  }
  for (std::string_view name : {service, handler}) {
    if (!valid_name(name)) {
      *error = "invalid name \"" + std::string(name) + "\" (1..255 of [A-Za-z0-9_.-])";
      return TETHER_INVALID_ARGUMENT;
    }
  }
  if (find(service, handler) != nullptr) {
    *error = "handler " + std::string(service) + "/" + std::string(handler) + " already registered";
    return TETHER_INVALID_ARGUMENT;
  }
  Service *entry = const_cast<Service *>(this->service(service));
  if (entry == nullptr) entry = &services_.emplace_back(Service{std::string(service), {}});
  entry->handlers.push_back(Handler{std::string(handler), fn, user_data});
  return TETHER_OK;
}

const Service *Registry::service(std::string_view name) const {
  for (const Service &s : services_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const Handler *Registry::find(std::string_view service, std::string_view handler) const {
  const Service *s = this->service(service);
  if (s == nullptr) return nullptr;
  for (const Handler &h : s->handlers) {
    if (h.name == handler) return &h;
  }
  return nullptr;
}

}  // namespace tether::h2
