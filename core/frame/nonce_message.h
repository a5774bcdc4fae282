// PingMessage and PongMessage: one field, bytes nonce = 1 (1..64 bytes). The
// canonical encoding is written and, on the fast path, read by hand so the Ping path
// allocates nothing; any other encoding goes through the protobuf wire reader.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/byte_buffer.h"
#include "common/status.h"

namespace tether {

inline constexpr size_t kMaxNonce = 64;

// Finds the nonce of a Ping or Pong body: *nonce/*length point into payload (the last
// nonce field wins, unknown fields are skipped, as protobuf does); *length is 0 when
// there is none. TETHER_BAD_MESSAGE, naming `message`, if the body is not protobuf.
Status find_nonce(const uint8_t *payload, size_t size, const char *message, const uint8_t **nonce,
                  size_t *length, ErrorSlot &error);

// Wire size of a Ping or Pong frame for a nonce of `length` bytes (1..64).
inline size_t nonce_frame_size(size_t length) { return 8 + 2 + length; }

// Appends a whole Ping or Pong frame (header + {nonce}); length must be 1..64.
Status append_nonce_frame(ByteBuffer &out, uint16_t type, const uint8_t *nonce, size_t length);

}  // namespace tether
