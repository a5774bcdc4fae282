#include "frame/error_message.h"

#include <cstring>

#include "common/wire.h"

namespace tether {
namespace {

constexpr uint32_t kCode = 1, kMessage = 2;  // ErrorMessage and Failure alike

}  // namespace

size_t code_and_message_size(uint32_t code, size_t message_length) {
  return varint_field_size(kCode, code) + len_field_size(kMessage, message_length);
}

uint8_t *put_code_and_message(uint8_t *p, uint32_t code, const char *message, size_t length) {
  p = put_varint(put_key(p, kCode, kVarint), code);
  p = put_varint(put_key(p, kMessage, kLen), length);
  if (length != 0) std::memcpy(p, message, length);
  return p + length;
}

Status encode_error(ByteBuffer &out, uint32_t code, const char *message, size_t length) {
  size_t size = code_and_message_size(code, length);
  Status status = out.reserve_back(size, SIZE_MAX);
  if (status != TETHER_OK) return status;
  put_code_and_message(out.back(), code, message, length);
  out.commit_back(size);
  return TETHER_OK;
}

}  // namespace tether
