#include "h2/registry.h"

#include "invocation/messages.h"

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

Status Reply::value(const uint8_t *data, size_t length) {
  set(Kind::kValue, 0, data, length);
  return TETHER_OK;
}

Status Reply::stream(const Producer &producer) {
  auto made = std::make_unique<Producer>(producer);  // first: a throw leaves the reply as it was
  set(Kind::kStream, 0, "", 0);
  producer_ = std::move(made);
  return TETHER_OK;
}

Status Reply::failure(uint32_t code, std::string_view message) {
  return text(Kind::kFailure, code, message, output_limit_, "tether_reply_failure");
}

Status Reply::error(uint32_t code, std::string_view message) {
  return text(Kind::kError, code, message, error_limit_, "tether_reply_error");
}

Status Reply::text(Kind kind, uint32_t code, std::string_view message, uint64_t limit,
                   const char *call) {
  if (!valid_utf8(message.data(), message.size())) {
    return error_.set(TETHER_INVALID_ARGUMENT, "%s: message is not valid UTF-8", call);
  }
  size_t size = output_failure_size(code, message.size());
  if (size > limit) {
    return error_.set(TETHER_MESSAGE_TOO_LARGE,
                      "%s: a message of %zu bytes exceeds the limit of %llu bytes", call, size,
                      static_cast<unsigned long long>(limit));
  }
  set(kind, code, message.data(), message.size());
  return TETHER_OK;
}

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
