// Frame encoding: a header followed by its payload, appended to a ByteBuffer.
#pragma once

#include "common/byte_buffer.h"
#include "frame/header.h"

namespace tether {

// Appends one frame; TETHER_WOULD_BLOCK if it does not fit under max_capacity,
// TETHER_NO_MEMORY if the allocator fails. Nothing is appended on failure.
inline Status append_frame(ByteBuffer &out, uint16_t type, uint16_t flags, const uint8_t *payload,
                           uint32_t length, size_t max_capacity) {
  Status status = out.reserve_back(kFrameHeaderSize + size_t{length}, max_capacity);
  if (status != TETHER_OK) return status;
  encode_header(FrameHeader{type, flags, length}, out.back());
  if (length != 0) std::memcpy(out.back() + kFrameHeaderSize, payload, length);
  out.commit_back(kFrameHeaderSize + size_t{length});
  return TETHER_OK;
}

}  // namespace tether
