// The SDK side of a Ping: its nonce must be there and at most 64 bytes (PROTOCOL.md);
// the Pong is a nonce frame (frame/nonce_message.h) with the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "frame/nonce_message.h"

namespace tether {

// Finds the nonce of a PingMessage: *offset/*length locate it inside payload.
// TETHER_BAD_MESSAGE if the body is not protobuf, TETHER_PROTOCOL_VIOLATION if the
// nonce is missing, empty or over 64 bytes.
Status parse_ping(const uint8_t *payload, size_t size, size_t *offset, size_t *length,
                  ErrorSlot &error);

}  // namespace tether
