// A tether_allocator for tests: counts calls, live blocks, live and peak bytes (the
// size is kept in front of each block), and fails on demand.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tether.h"

namespace tether_test {

struct TrackingAllocator {
  static constexpr size_t kPrefix = 16;  // the block's size, kept in front of it
  size_t live = 0;                       // bytes
  size_t peak = 0;                       // bytes
  size_t blocks = 0;                     // live blocks
  size_t calls = 0;                      // malloc and realloc calls
  size_t fail_after = SIZE_MAX;          // calls that succeed before every later one fails
  size_t fail_at = SIZE_MAX;             // 0-based index of the one call that fails

  static void *do_malloc(size_t size, void *self) {
    return static_cast<TrackingAllocator *>(self)->grow(nullptr, size);
  }
  static void *do_realloc(void *ptr, size_t size, void *self) {
    return static_cast<TrackingAllocator *>(self)->grow(ptr, size);
  }
  static void do_free(void *ptr, void *self) {
    if (ptr == nullptr) return;
    auto *me = static_cast<TrackingAllocator *>(self);
    uint8_t *block = static_cast<uint8_t *>(ptr) - kPrefix;
    size_t size;
    std::memcpy(&size, block, sizeof size);
    me->live -= size;
    --me->blocks;
    std::free(block);
  }
  void *grow(void *ptr, size_t size) {
    size_t call = calls++;
    if (call >= fail_after || call == fail_at) return nullptr;
    uint8_t *block = ptr ? static_cast<uint8_t *>(ptr) - kPrefix : nullptr;
    size_t old = 0;
    if (block) std::memcpy(&old, block, sizeof old);
    auto *grown = static_cast<uint8_t *>(std::realloc(block, size + kPrefix));
    if (grown == nullptr) return nullptr;
    std::memcpy(grown, &size, sizeof size);
    if (!block) ++blocks;
    live = live - old + size;
    peak = std::max(peak, live);
    return grown + kPrefix;
  }
  tether_allocator hook() { return tether_allocator{&do_malloc, &do_realloc, &do_free, this}; }
};

}  // namespace tether_test
