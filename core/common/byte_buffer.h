// A growable byte queue: bytes are appended at the back and taken from the front.
// Memory comes from an Allocator and never grows past the capacity limit it is given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/allocator.h"

namespace tether {

class ByteBuffer {
 public:
  static constexpr size_t kFirstBlock = 64;  // bytes of the first allocation, at least

  explicit ByteBuffer(const Allocator &allocator) : allocator_(allocator) {}
  ~ByteBuffer() { allocator_.release(data_); }
  ByteBuffer(const ByteBuffer &) = delete;
  ByteBuffer &operator=(const ByteBuffer &) = delete;

  size_t size() const { return end_ - begin_; }
  bool empty() const { return end_ == begin_; }
  const uint8_t *data() const { return data_ + begin_; }
  uint8_t *data() { return data_ + begin_; }
  size_t capacity() const { return capacity_; }

  // Makes room for `extra` more bytes at the back, moving or growing the storage as
  // needed but never beyond `max_capacity`: TETHER_WOULD_BLOCK when the bytes would
  // not fit under it, TETHER_NO_MEMORY when the allocator fails.
  tether_status reserve_back(size_t extra, size_t max_capacity);
  // Pointer to the free space at the back; valid after reserve_back(n) for n bytes.
  uint8_t *back() { return data_ + end_; }
  void commit_back(size_t n) { end_ += n; }
  tether_status append(const void *bytes, size_t n, size_t max_capacity) {
    tether_status status = reserve_back(n, max_capacity);
    if (status != TETHER_OK) return status;
    if (n != 0) std::memcpy(back(), bytes, n);
    commit_back(n);
    return TETHER_OK;
  }

  void consume_front(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void clear() { begin_ = end_ = 0; }
  // Frees the storage (an idle handle then holds no payload memory).
  void shrink();

 private:
  Allocator allocator_;
  uint8_t *data_ = nullptr;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace tether
