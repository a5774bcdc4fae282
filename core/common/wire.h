// The protobuf wire format, as far as tether's messages need it: a field
// reader that hands out views into the caller's bytes (no copies, no allocations, so
// a message is parsed without protobuf's heap) and varint writing for encoders.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/status.h"

namespace tether {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

struct WireField {
  uint32_t number = 0;
  uint32_t type = 0;
  uint64_t varint = 0;            // kVarint
  const uint8_t *data = nullptr;  // kLen: the payload
  size_t length = 0;
};

class WireReader {
 public:
  // message names the message in error texts ("StartMessage").
  WireReader(const uint8_t *data, size_t size, const char *message)
      : data_(data), size_(size), message_(message) {}

  // TETHER_OK with *field, TETHER_EMPTY at the end, TETHER_BAD_MESSAGE (the reason,
  // naming the message and byte offset, in error) when the bytes are not protobuf.
  // Fixed-width fields are skipped over but reported, with data/length set.
  Status next(WireField *field, ErrorSlot &error);

  // TETHER_BAD_MESSAGE naming the field when it has another wire type than expected.
  Status expect(const WireField &field, uint32_t type, const char *name, ErrorSlot &error) const;

 private:
  const uint8_t *data_;
  size_t size_;
  size_t pos_ = 0;
  const char *message_;
};

inline size_t varint_size(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

inline uint8_t *put_varint(uint8_t *out, uint64_t value) {
  while (value >= 0x80) {
    *out++ = static_cast<uint8_t>(value | 0x80);
    value >>= 7;
  }
  *out++ = static_cast<uint8_t>(value);
  return out;
}

inline uint8_t *put_key(uint8_t *out, uint32_t number, uint32_t type) {
  return put_varint(out, (uint64_t{number} << 3) | type);
}

// Size of a length-delimited field (key + length + payload).
inline size_t len_field_size(uint32_t number, size_t payload) {
  return varint_size(uint64_t{number} << 3) + varint_size(payload) + payload;
}

inline size_t varint_field_size(uint32_t number, uint64_t value) {
  return varint_size(uint64_t{number} << 3) + varint_size(value);
}

}  // namespace tether
