#include "frame/nonce_message.h"

#include "common/wire.h"
#include "frame/encoder.h"

namespace tether {
namespace {

constexpr uint8_t kNonceKey = (1 << 3) | kLen;

}  // namespace

Status find_nonce(const uint8_t *payload, size_t size, const char *message, const uint8_t **nonce,
                  size_t *length, ErrorSlot &error) {
  // Fast path: exactly one nonce field with a one-byte length, as every encoder writes it.
  if (size >= 2 && payload[0] == kNonceKey && payload[1] < 0x80 && payload[1] == size - 2) {
    *nonce = payload + 2;
    *length = payload[1];
    return TETHER_OK;
  }
  WireReader reader(payload, size, message);
  WireField field;
  *nonce = nullptr;
  *length = 0;
  Status status;
  while ((status = reader.next(&field, error)) == TETHER_OK) {
    if (field.number != 1) continue;
    status = reader.expect(field, kLen, "nonce", error);
    if (status != TETHER_OK) return status;
    *nonce = field.data;
    *length = field.length;
  }
  return status == TETHER_EMPTY ? TETHER_OK : status;
}

Status append_nonce_frame(ByteBuffer &out, uint16_t type, const uint8_t *nonce, size_t length) {
  if (length == 0 || length > kMaxNonce) return TETHER_INVALID_ARGUMENT;
  uint8_t body[2 + kMaxNonce];
  body[0] = kNonceKey;
  body[1] = static_cast<uint8_t>(length);  // <= 64: a one-byte varint
  std::memcpy(body + 2, nonce, length);
  return append_frame(out, type, 0, body, static_cast<uint32_t>(2 + length), SIZE_MAX);
}

}  // namespace tether
