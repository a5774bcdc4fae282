#include "session/ping.h"

#include "frame/encoder.h"
#include "invocation/wire.h"

namespace tether {
namespace {

constexpr uint8_t kNonceKey = (1 << 3) | kLen;

Status check_nonce(size_t length, ErrorSlot &error) {
  if (length == 0) return error.set(TETHER_PROTOCOL_VIOLATION, "Ping without a nonce");
  if (length > kMaxNonce) {
    return error.set(TETHER_PROTOCOL_VIOLATION, "Ping nonce of %zu bytes, over the %zu allowed",
                     length, kMaxNonce);
  }
  return TETHER_OK;
}

}  // namespace

Status parse_ping(const uint8_t *payload, size_t size, size_t *offset, size_t *length,
                  ErrorSlot &error) {
  // Fast path: exactly one nonce field with a one-byte length, as every encoder writes it.
  if (size >= 2 && payload[0] == kNonceKey && payload[1] < 0x80 && payload[1] == size - 2) {
    *offset = 2;
    *length = payload[1];
    return check_nonce(*length, error);
  }
  WireReader reader(payload, size, "PingMessage");
  WireField field;
  *length = 0;
  Status status;
  while ((status = reader.next(&field, error)) == TETHER_OK) {
    if (field.number != 1) continue;
    status = reader.expect(field, kLen, "nonce", error);
    if (status != TETHER_OK) return status;
    *offset = static_cast<size_t>(field.data - payload);
    *length = field.length;
  }
  if (status != TETHER_EMPTY) return status;
  return check_nonce(*length, error);
}

Status append_pong(ByteBuffer &out, const uint8_t *nonce, size_t length) {
  uint8_t body[2 + kMaxNonce];
  body[0] = kNonceKey;
  body[1] = static_cast<uint8_t>(length);  // <= 64: a one-byte varint
  std::memcpy(body + 2, nonce, length);
  return append_frame(out, TETHER_MSG_PONG, 0, body, static_cast<uint32_t>(2 + length), SIZE_MAX);
}

}  // namespace tether
