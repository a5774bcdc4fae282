#include "common/byte_buffer.h"

#include <algorithm>

namespace tether {

tether_status ByteBuffer::reserve_back(size_t extra, size_t max_capacity) {
  if (capacity_ - end_ >= extra) return TETHER_OK;
  size_t live = end_ - begin_;
  if (extra > max_capacity || live > max_capacity - extra) return TETHER_WOULD_BLOCK;
  if (begin_ != 0) {  // reclaim the consumed front before growing
    std::memmove(data_, data_ + begin_, live);
    begin_ = 0;
    end_ = live;
    if (capacity_ - end_ >= extra) return TETHER_OK;
  }
  // Doubling from a small first block: an idle stream holds a few small messages
  // (Start, a Pong), and thousands of them must not each cost pages.
  size_t wanted = std::max(live + extra, std::max<size_t>(capacity_ * 2, kFirstBlock));
  wanted = std::min(wanted, max_capacity);
  void *grown = allocator_.reallocate(data_, wanted);
  if (grown == nullptr) return TETHER_NO_MEMORY;
  data_ = static_cast<uint8_t *>(grown);
  capacity_ = wanted;
  return TETHER_OK;
}

void ByteBuffer::shrink() {
  allocator_.release(data_);
  data_ = nullptr;
  capacity_ = begin_ = end_ = 0;
}

}  // namespace tether
