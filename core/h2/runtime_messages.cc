#include "h2/runtime_messages.h"

#include "common/wire.h"
#include "frame/header.h"

namespace tether::h2 {
namespace {

void put_bytes(std::string &out, uint32_t number, std::string_view bytes) {
  uint8_t prefix[20];
  uint8_t *end = put_key(prefix, number, kLen);
  end = put_varint(end, bytes.size());
  out.append(reinterpret_cast<const char *>(prefix), end - prefix);
  out.append(bytes);
}

std::string framed(uint16_t type, const std::string &payload) {
  std::string out(kFrameHeaderSize, '\0');
  encode_header(FrameHeader{type, 0, static_cast<uint32_t>(payload.size())},
                reinterpret_cast<uint8_t *>(out.data()));
  return out + payload;
}

}  // namespace

std::string start_frame(std::string_view id, std::string_view debug_id, uint32_t known_entries) {
  std::string body;
  put_bytes(body, 1, id);
  put_bytes(body, 2, debug_id);
  uint8_t field[16];
  uint8_t *end = put_varint(put_key(field, 3, kVarint), known_entries);
  body.append(reinterpret_cast<const char *>(field), end - field);
  return framed(TETHER_MSG_START, body);
}

std::string input_frame(std::string_view content) {
  std::string value;
  put_bytes(value, 1, content);
  std::string body;
  put_bytes(body, 14, value);
  return framed(TETHER_MSG_INPUT_COMMAND, body);
}

}  // namespace tether::h2
