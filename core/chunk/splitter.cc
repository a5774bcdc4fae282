#include "chunk/splitter.h"

#include <algorithm>
#include <cstring>

#include "frame/header.h"

namespace tether {

size_t chunk_count(size_t length, uint32_t max_frame_payload) {
  return length == 0 ? 1 : (length - 1) / max_frame_payload + 1;
}

Status append_chunked(ByteBuffer &out, uint16_t type, uint16_t flags, const uint8_t *payload,
                      size_t length, uint32_t max_frame_payload) {
  size_t frames = chunk_count(length, max_frame_payload);
  Status status = out.reserve_back(frames * kFrameHeaderSize + length, SIZE_MAX);
  if (status != TETHER_OK) return status;
  uint8_t *at = out.back();
  size_t offset = 0;
  for (size_t i = 0; i < frames; ++i) {
    auto size = static_cast<uint32_t>(std::min<size_t>(length - offset, max_frame_payload));
    uint16_t more = i + 1 < frames ? kFlagContinued : 0;
    encode_header(FrameHeader{type, static_cast<uint16_t>(flags | more), size}, at);
    if (size != 0) std::memcpy(at + kFrameHeaderSize, payload + offset, size);
    at += kFrameHeaderSize + size;
    offset += size;
  }
  out.commit_back(frames * kFrameHeaderSize + length);
  return TETHER_OK;
}

}  // namespace tether
