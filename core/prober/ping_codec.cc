#include "prober/ping_codec.h"

namespace tether {

Status parse_pong(const uint8_t *payload, size_t size, const uint8_t **nonce, size_t *length,
                  ErrorSlot &error) {
  Status status = find_nonce(payload, size, "PongMessage", nonce, length, error);
  if (status == TETHER_OK && *length == 0) {
    return error.set(TETHER_BAD_MESSAGE, "PongMessage: no nonce");
  }
  return status;
}

}  // namespace tether
