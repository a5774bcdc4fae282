#include "prober/ping_codec.h"

#include <cstdint>

#include "frame/encoder.h"

namespace tether {
namespace {

constexpr uint8_t kNonceKey = (1 << 3) | 2;  // field 1, wire type LEN

// Reads a base-128 varint; false if it is cut short or longer than 10 bytes.
bool read_varint(const uint8_t *data, size_t size, size_t *pos, uint64_t *value) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && *pos < size; shift += 7) {
    uint8_t byte = data[(*pos)++];
    result |= uint64_t{byte & 0x7Fu} << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

}  // namespace

Status append_ping_frame(ByteBuffer &out, const uint8_t *nonce, size_t length) {
  if (length == 0 || length > kMaxNonceSize) return TETHER_INVALID_ARGUMENT;
  uint8_t body[2 + kMaxNonceSize];
  body[0] = kNonceKey;
  body[1] = static_cast<uint8_t>(length);  // < 128: a one-byte varint
  std::memcpy(body + 2, nonce, length);
  return append_frame(out, TETHER_MSG_PING, 0, body, static_cast<uint32_t>(2 + length), SIZE_MAX);
}

Status parse_pong(const uint8_t *payload, size_t size, const uint8_t **nonce, size_t *length,
                  ErrorSlot &error) {
  bool found = false;
  size_t pos = 0;
  while (pos < size) {
    size_t field_at = pos;
    uint64_t key;
    if (!read_varint(payload, size, &pos, &key)) {
      return error.set(TETHER_BAD_MESSAGE, "PongMessage: truncated field key at byte %zu",
                       field_at);
    }
    uint64_t field = key >> 3;
    unsigned wire_type = key & 7;
    if (field == 0) {
      return error.set(TETHER_BAD_MESSAGE, "PongMessage: field number 0 at byte %zu", field_at);
    }
    if (field == 1 && wire_type != 2) {
      return error.set(TETHER_BAD_MESSAGE, "PongMessage: nonce has wire type %u, not bytes",
                       wire_type);
    }
    uint64_t value = 0;
    size_t skip = 0;
    switch (wire_type) {
      case 0:
        if (!read_varint(payload, size, &pos, &value)) {
          return error.set(TETHER_BAD_MESSAGE, "PongMessage: truncated varint of field %llu",
                           static_cast<unsigned long long>(field));
        }
        break;
      case 1:
        skip = 8;
        break;
      case 5:
        skip = 4;
        break;
      case 2:
        if (!read_varint(payload, size, &pos, &value)) {
          return error.set(TETHER_BAD_MESSAGE, "PongMessage: truncated length of field %llu",
                           static_cast<unsigned long long>(field));
        }
        if (value > size - pos) {
          return error.set(TETHER_BAD_MESSAGE,
                           "PongMessage: field %llu announces %llu bytes, %zu remain",
                           static_cast<unsigned long long>(field),
                           static_cast<unsigned long long>(value), size - pos);
        }
        if (field == 1) {
          *nonce = payload + pos;
          *length = static_cast<size_t>(value);
          found = true;
        }
        skip = static_cast<size_t>(value);
        break;
      default:
        return error.set(TETHER_BAD_MESSAGE, "PongMessage: unsupported wire type %u at byte %zu",
                         wire_type, field_at);
    }
    if (skip > size - pos) {
      return error.set(TETHER_BAD_MESSAGE, "PongMessage: field %llu cut short",
                       static_cast<unsigned long long>(field));
    }
    pos += skip;
  }
  if (!found || *length == 0) {
    return error.set(TETHER_BAD_MESSAGE, "PongMessage: no nonce");
  }
  return TETHER_OK;
}

}  // namespace tether
