#include "invocation/messages.h"

#include <cstring>

#include "common/wire.h"
#include "frame/error_message.h"

namespace tether {
namespace {

// Field numbers (proto/protocol.proto).
constexpr uint32_t kStartId = 1, kStartDebugId = 2, kStartKnownEntries = 3, kStartKey = 6,
                   kStartRetryCount = 7, kStartRetryDuration = 8, kStartRandomSeed = 9;
constexpr uint32_t kInputHeaders = 1, kInputValue = 14;
constexpr uint32_t kHeaderKey = 1, kHeaderValue = 2;
constexpr uint32_t kValueContent = 1;
constexpr uint32_t kOutputValue = 14, kOutputFailure = 15;

Status varint32(WireReader &reader, const WireField &field, const char *name, uint32_t *out,
                ErrorSlot &error) {
  Status status = reader.expect(field, kVarint, name, error);
  if (status != TETHER_OK) return status;
  *out = static_cast<uint32_t>(field.varint);  // protobuf truncates uint32 the same way
  return TETHER_OK;
}

// proto3 `string` fields must be UTF-8; tether.h promises it for every text of the input.
Status expect_text(WireReader &reader, const WireField &field, const char *message,
                   const char *name, ErrorSlot &error) {
  Status status = reader.expect(field, kLen, name, error);
  if (status != TETHER_OK) return status;
  if (!valid_utf8(reinterpret_cast<const char *>(field.data), field.length)) {
    return error.set(TETHER_BAD_MESSAGE, "%s.%s is not valid UTF-8 (a proto3 string)", message,
                     name);
  }
  return TETHER_OK;
}

Status parse_header(const WireField &outer, tether_invocation_header *header, ErrorSlot &error) {
  WireReader reader(outer.data, outer.length, "InputCommandMessage.Header");
  *header = tether_invocation_header{"", 0, "", 0};
  WireField field;
  Status status;
  while ((status = reader.next(&field, error)) == TETHER_OK) {
    if (field.number != kHeaderKey && field.number != kHeaderValue) continue;
    bool is_key = field.number == kHeaderKey;
    status =
        expect_text(reader, field, "InputCommandMessage.Header", is_key ? "key" : "value", error);
    if (status != TETHER_OK) return status;
    const char *text = reinterpret_cast<const char *>(field.data);
    if (is_key) {
      header->key = text;
      header->key_length = field.length;
    } else {
      header->value = text;
      header->value_length = field.length;
    }
  }
  return status == TETHER_EMPTY ? TETHER_OK : status;
}

Status parse_value(const WireField &outer, tether_invocation_input *input, ErrorSlot &error) {
  WireReader reader(outer.data, outer.length, "InputCommandMessage.value");
  WireField field;
  Status status;
  while ((status = reader.next(&field, error)) == TETHER_OK) {
    if (field.number != kValueContent) continue;
    status = reader.expect(field, kLen, "content", error);
    if (status != TETHER_OK) return status;
    input->value = field.data;
    input->value_length = field.length;
  }
  return status == TETHER_EMPTY ? TETHER_OK : status;
}

// Appends a length-delimited field's key and length; the caller writes the payload.
uint8_t *put_len_prefix(uint8_t *out, uint32_t number, size_t length) {
  return put_varint(put_key(out, number, kLen), length);
}

// Reserves exactly size bytes at the back of out.
Status reserve(ByteBuffer &out, size_t size, uint8_t **cursor) {
  Status status = out.reserve_back(size, SIZE_MAX);
  if (status != TETHER_OK) return status;
  *cursor = out.back();
  return TETHER_OK;
}

}  // namespace

Status parse_start(const uint8_t *payload, size_t size, tether_invocation_input *input,
                   ErrorSlot &error) {
  WireReader reader(payload, size, "StartMessage");
  input->id = payload;
  input->id_length = 0;
  input->debug_id = input->key = "";
  input->debug_id_length = input->key_length = 0;
  WireField field;
  Status status;
  while ((status = reader.next(&field, error)) == TETHER_OK) {
    switch (field.number) {
      case kStartId:
        status = reader.expect(field, kLen, "id", error);
        input->id = field.data;
        input->id_length = field.length;
        break;
      case kStartDebugId:
        status = expect_text(reader, field, "StartMessage", "debug_id", error);
        input->debug_id = reinterpret_cast<const char *>(field.data);
        input->debug_id_length = field.length;
        break;
      case kStartKey:
        status = expect_text(reader, field, "StartMessage", "key", error);
        input->key = reinterpret_cast<const char *>(field.data);
        input->key_length = field.length;
        break;
      case kStartKnownEntries:
        status = varint32(reader, field, "known_entries", &input->known_entries, error);
        break;
      case kStartRetryCount:
        status = varint32(reader, field, "retry_count_since_last_stored_entry",
                          &input->retry_count_since_last_stored_entry, error);
        break;
      case kStartRetryDuration:
        status = reader.expect(field, kVarint, "duration_since_last_stored_entry", error);
        input->duration_since_last_stored_entry = field.varint;
        break;
      case kStartRandomSeed:
        status = reader.expect(field, kVarint, "random_seed", error);
        input->random_seed = field.varint;
        break;
      default:  // state_map, partial_state and later fields are not used here
        break;
    }
    if (status != TETHER_OK) return status;
  }
  return status == TETHER_EMPTY ? TETHER_OK : status;
}

Status parse_input(const uint8_t *payload, size_t size, ByteBuffer &headers,
                   tether_invocation_input *input, ErrorSlot &error) {
  // First pass: validate and count the headers, so that the array is allocated once.
  size_t count = 0;
  {
    WireReader reader(payload, size, "InputCommandMessage");
    WireField field;
    Status status;
    while ((status = reader.next(&field, error)) == TETHER_OK) {
      if (field.number == kInputHeaders || field.number == kInputValue) {
        status =
            reader.expect(field, kLen, field.number == kInputValue ? "value" : "headers", error);
        if (status != TETHER_OK) return status;
        count += field.number == kInputHeaders;
      }
    }
    if (status != TETHER_EMPTY) return status;
  }
  headers.clear();
  if (count != 0) {
    Status status = headers.reserve_back(count * sizeof(tether_invocation_header), SIZE_MAX);
    if (status != TETHER_OK) return error.set(status, "no memory for %zu input headers", count);
  }
  auto *array = reinterpret_cast<tether_invocation_header *>(headers.back());
  input->headers = count != 0 ? array : nullptr;
  input->header_count = 0;
  input->value = payload;
  input->value_length = 0;
  WireReader reader(payload, size, "InputCommandMessage");
  WireField field;
  Status status;
  while ((status = reader.next(&field, error)) == TETHER_OK) {
    if (field.number == kInputHeaders) {
      status = parse_header(field, &array[input->header_count++], error);
    } else if (field.number == kInputValue) {
      status = parse_value(field, input, error);
    }
    if (status != TETHER_OK) return status;
  }
  headers.commit_back(count * sizeof(tether_invocation_header));
  return status == TETHER_EMPTY ? TETHER_OK : status;
}

size_t output_value_size(size_t length) {
  return len_field_size(kOutputValue, len_field_size(kValueContent, length));
}

size_t output_failure_size(uint32_t code, size_t message_length) {
  return len_field_size(kOutputFailure, code_and_message_size(code, message_length));
}

size_t put_output_value_prefix(uint8_t *out, size_t length) {
  uint8_t *p = put_len_prefix(out, kOutputValue, len_field_size(kValueContent, length));
  return static_cast<size_t>(put_len_prefix(p, kValueContent, length) - out);
}

Status encode_output_value(ByteBuffer &out, const uint8_t *value, size_t length) {
  uint8_t *p;
  size_t size = output_value_size(length);
  Status status = reserve(out, size, &p);
  if (status != TETHER_OK) return status;
  p += put_output_value_prefix(p, length);
  if (length != 0) std::memcpy(p, value, length);
  out.commit_back(size);
  return TETHER_OK;
}

Status encode_output_failure(ByteBuffer &out, uint32_t code, const char *message, size_t length) {
  uint8_t *p;
  size_t size = output_failure_size(code, length);
  Status status = reserve(out, size, &p);
  if (status != TETHER_OK) return status;
  p = put_len_prefix(p, kOutputFailure, code_and_message_size(code, length));
  put_code_and_message(p, code, message, length);
  out.commit_back(size);
  return TETHER_OK;
}

bool valid_utf8(const char *text, size_t length) {
  const auto *s = reinterpret_cast<const uint8_t *>(text);
  size_t i = 0;
  while (i < length) {
    uint8_t c = s[i];
    size_t extra;
    uint32_t min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000;
    } else {
      return false;
    }
    if (length - i <= extra) return false;
    uint32_t point = c & (0x3F >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      point = (point << 6) | (s[i + k] & 0x3F);
    }
    if (point < min || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace tether
