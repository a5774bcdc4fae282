// Builds wire bytes for tests: frames with any header, valid or not.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tether.h"

namespace tether_test {

using Bytes = std::vector<uint8_t>;

// Written out byte by byte, apart from the encoder under test.
inline Bytes header_only(uint16_t type, uint16_t flags, uint32_t length) {
  return Bytes{static_cast<uint8_t>(type >> 8),    static_cast<uint8_t>(type),
               static_cast<uint8_t>(flags >> 8),   static_cast<uint8_t>(flags),
               static_cast<uint8_t>(length >> 24), static_cast<uint8_t>(length >> 16),
               static_cast<uint8_t>(length >> 8),  static_cast<uint8_t>(length)};
}

inline Bytes frame(uint16_t type, uint16_t flags, const std::string &payload) {
  Bytes out = header_only(type, flags, static_cast<uint32_t>(payload.size()));
  out.resize(out.size() + payload.size());
  if (!payload.empty())
    std::memcpy(out.data() + TETHER_FRAME_HEADER_SIZE, payload.data(), payload.size());
  return out;
}

inline Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes &part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

}  // namespace tether_test
