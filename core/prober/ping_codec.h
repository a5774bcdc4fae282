// Ping frames out and Pong bodies in, for the prober. PingMessage and PongMessage
// have one field (bytes nonce = 1), so they are encoded and parsed here by hand,
// without protobuf allocations; tests check both against protobuf.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/byte_buffer.h"
#include "common/status.h"

namespace tether {

inline constexpr size_t kMaxNonceSize = 64;

// Appends a whole Ping frame (header + PingMessage{nonce}); nonce is 1..64 bytes.
Status append_ping_frame(ByteBuffer &out, const uint8_t *nonce, size_t length);

// Parses a PongMessage. On success *nonce/*length point into payload (the last
// nonce field wins, unknown fields are skipped, as protobuf does). A body that is
// not valid protobuf, or has no nonce, is TETHER_BAD_MESSAGE with the reason in error.
Status parse_pong(const uint8_t *payload, size_t size, const uint8_t **nonce, size_t *length,
                  ErrorSlot &error);

}  // namespace tether
