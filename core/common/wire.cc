#include "common/wire.h"

namespace tether {
namespace {

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

Status WireReader::next(WireField *field, ErrorSlot &error) {
  if (pos_ == size_) return TETHER_EMPTY;
  size_t at = pos_;
  uint64_t key = 0;
  if (!read_varint(data_, size_, &pos_, &key)) {
    return error.set(TETHER_BAD_MESSAGE, "%s: truncated field key at byte %zu", message_, at);
  }
  if ((key >> 3) == 0 || (key >> 3) > 0x1FFFFFFF) {
    return error.set(TETHER_BAD_MESSAGE, "%s: invalid field number at byte %zu", message_, at);
  }
  *field = WireField{};
  field->number = static_cast<uint32_t>(key >> 3);
  field->type = static_cast<uint32_t>(key & 7);
  switch (field->type) {
    case kVarint:
      if (!read_varint(data_, size_, &pos_, &field->varint)) {
        return error.set(TETHER_BAD_MESSAGE, "%s: truncated varint in field %u", message_,
                         field->number);
      }
      return TETHER_OK;
    case kLen: {
      uint64_t length = 0;
      if (!read_varint(data_, size_, &pos_, &length) || length > size_ - pos_) {
        return error.set(TETHER_BAD_MESSAGE, "%s: field %u runs past the end of the message",
                         message_, field->number);
      }
      field->data = data_ + pos_;
      field->length = static_cast<size_t>(length);
      pos_ += field->length;
      return TETHER_OK;
    }
    case kFixed64:
    case kFixed32: {
      size_t width = field->type == kFixed64 ? 8 : 4;
      if (width > size_ - pos_) {
        return error.set(TETHER_BAD_MESSAGE, "%s: truncated fixed-width field %u", message_,
                         field->number);
      }
      field->data = data_ + pos_;
      field->length = width;
      pos_ += width;
      return TETHER_OK;
    }
    default:  // groups (3, 4) are not used by the protocol; 6 and 7 do not exist
      return error.set(TETHER_BAD_MESSAGE, "%s: unsupported wire type %u in field %u", message_,
                       field->type, field->number);
  }
}

Status WireReader::expect(const WireField &field, uint32_t type, const char *name,
                          ErrorSlot &error) const {
  if (field.type == type) return TETHER_OK;
  return error.set(TETHER_BAD_MESSAGE, "%s: field %s (%u) has wire type %u, expected %u", message_,
                   name, field.number, field.type, type);
}

}  // namespace tether
