// Ping frames out and Pong bodies in, for the prober, over the shared nonce message
// codec (frame/nonce_message.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "frame/nonce_message.h"

namespace tether {

// Appends a whole Ping frame (header + PingMessage{nonce}); nonce is 1..64 bytes,
// else TETHER_INVALID_ARGUMENT.
inline Status append_ping_frame(ByteBuffer &out, const uint8_t *nonce, size_t length) {
  return append_nonce_frame(out, TETHER_MSG_PING, nonce, length);
}

// Parses a PongMessage. On success *nonce/*length point into payload. A body that is
// not valid protobuf, or has no nonce, is TETHER_BAD_MESSAGE with the reason in error.
Status parse_pong(const uint8_t *payload, size_t size, const uint8_t **nonce, size_t *length,
                  ErrorSlot &error);

}  // namespace tether
