// Outgoing chunking (extension chunked/1): a message larger than max_frame_payload
// leaves as frames of the same type and flags, all but the last flagged CONTINUED.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/byte_buffer.h"
#include "common/status.h"

namespace tether {

// Number of frames a message of `length` bytes takes (at least one).
size_t chunk_count(size_t length, uint32_t max_frame_payload);

// Appends every frame of one message to out, or nothing: TETHER_NO_MEMORY when the
// allocator fails. The storage is reserved once, so the payload is copied once.
Status append_chunked(ByteBuffer &out, uint16_t type, uint16_t flags, const uint8_t *payload,
                      size_t length, uint32_t max_frame_payload);

}  // namespace tether
