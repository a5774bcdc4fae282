#include "session/ping.h"

namespace tether {

Status parse_ping(const uint8_t *payload, size_t size, size_t *offset, size_t *length,
                  ErrorSlot &error) {
  const uint8_t *nonce = nullptr;
  Status status = find_nonce(payload, size, "PingMessage", &nonce, length, error);
  if (status != TETHER_OK) return status;
  if (*length == 0) return error.set(TETHER_PROTOCOL_VIOLATION, "Ping without a nonce");
  if (*length > kMaxNonce) {
    return error.set(TETHER_PROTOCOL_VIOLATION, "Ping nonce of %zu bytes, over the %zu allowed",
                     *length, kMaxNonce);
  }
  *offset = static_cast<size_t>(nonce - payload);
  return TETHER_OK;
}

}  // namespace tether
