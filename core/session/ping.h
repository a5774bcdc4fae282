// Ping bodies in, Pong frames out. PingMessage and PongMessage hold one field
// (bytes nonce = 1); the canonical encoding is read and written by hand so the Ping
// path allocates nothing, and anything else goes through the protobuf wire reader.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/byte_buffer.h"
#include "common/status.h"

namespace tether {

inline constexpr size_t kMaxNonce = 64;

// Finds the nonce of a PingMessage: *offset/*length locate it inside payload (the
// last nonce field wins, unknown fields are skipped, as protobuf does).
// TETHER_BAD_MESSAGE if the body is not protobuf, TETHER_PROTOCOL_VIOLATION if the
// nonce is missing, empty or over 64 bytes.
Status parse_ping(const uint8_t *payload, size_t size, size_t *offset, size_t *length,
                  ErrorSlot &error);

// Wire size of the Pong frame for a nonce of `length` bytes (1..64).
inline size_t pong_frame_size(size_t length) { return 8 + 2 + length; }

// Appends the whole Pong frame (header + PongMessage{nonce}) to out.
Status append_pong(ByteBuffer &out, const uint8_t *nonce, size_t length);

}  // namespace tether
