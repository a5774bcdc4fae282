#include "chunk/reassembler.h"

#include <algorithm>
#include <cstring>

namespace tether {
namespace {

constexpr size_t kMinCapacity = 64 * 1024;

}  // namespace

Status Reassembler::classify(const FrameHeader &header, Role *role, ErrorSlot &error) const {
  bool continued = (header.flags & kFlagContinued) != 0;
  if (!active_) {
    *role = continued ? Role::kFirstChunk : Role::kMessage;
  } else if (header.type == type_) {
    *role = continued ? Role::kChunk : Role::kLastChunk;
  } else if (continued) {
    return error.set(TETHER_CHUNK_TYPE_CHANGE,
                     "a chunk of type 0x%04x (%s) continues a chunked %s message (type 0x%04x)",
                     header.type, type_name(header.type), type_name(type_), type_);
  } else if (interleavable_control(header.type)) {
    *role = Role::kMessage;
    return TETHER_OK;
  } else {
    return error.set(TETHER_CHUNK_INTERLEAVED,
                     "a %s message (type 0x%04x) arrived between the chunks of a %s message; "
                     "only Ping, Pong, Error and End may",
                     type_name(header.type), header.type, type_name(type_));
  }
  if (*role == Role::kMessage) return TETHER_OK;
  size_t so_far = active_ ? size_ : 0;
  if (header.length > limit_ || so_far > limit_ - header.length) {
    return error.set(TETHER_REASSEMBLY_TOO_LARGE,
                     "chunked %s message reaches %llu bytes with this %u-byte chunk, over "
                     "max_message_size %llu",
                     type_name(header.type),
                     static_cast<unsigned long long>(so_far + uint64_t{header.length}),
                     header.length, static_cast<unsigned long long>(limit_));
  }
  return TETHER_OK;
}

Status Reassembler::begin_chunk(const FrameHeader &header, Role role, ErrorSlot &error) {
  if (role == Role::kFirstChunk) {
    active_ = true;
    type_ = header.type;
    flags_ = header.flags & static_cast<uint16_t>(~kFlagContinued);
    size_ = 0;
  }
  size_t needed = size_ + header.length;  // classify() kept it within limit_
  if (needed <= capacity_) return TETHER_OK;
  // Doubling keeps appends amortized O(1); the cap keeps the buffer within the limit.
  size_t grown = std::max(needed, std::min<size_t>(limit_, std::max(capacity_ * 2, kMinCapacity)));
  void *memory = allocator_.reallocate(data_, grown);
  if (memory == nullptr) {
    reset();
    return error.set(TETHER_NO_MEMORY, "no memory to grow a chunked %s message to %zu bytes",
                     type_name(header.type), grown);
  }
  data_ = static_cast<uint8_t *>(memory);
  capacity_ = grown;
  return TETHER_OK;
}

void Reassembler::append(const uint8_t *data, size_t size) {
  if (size == 0) return;
  std::memcpy(data_ + size_, data, size);
  size_ += size;
}

void Reassembler::take(uint8_t **data, size_t *size) {
  *data = data_;
  *size = size_;
  data_ = nullptr;
  size_ = capacity_ = 0;
  active_ = false;
}

void Reassembler::reset() {
  allocator_.release(data_);
  data_ = nullptr;
  size_ = capacity_ = 0;
  active_ = false;
}

}  // namespace tether
