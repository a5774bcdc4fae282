// A standard-library allocator over a handle's tether::Allocator, so the prober's
// containers allocate through the caller's tether_allocator hook. Throws
// std::bad_alloc when the hook returns NULL; the prober turns that into
// TETHER_NO_MEMORY at its API boundary.
#pragma once

#include <cstddef>
#include <new>

#include "common/allocator.h"

namespace tether {

template <typename T>
class HookedAllocator {
 public:
  using value_type = T;

  explicit HookedAllocator(const Allocator &allocator) : allocator_(allocator) {}
  template <typename U>
  HookedAllocator(const HookedAllocator<U> &other) : allocator_(other.allocator()) {}

  T *allocate(size_t n) {
    void *memory = allocator_.allocate(n * sizeof(T));
    if (memory == nullptr) throw std::bad_alloc();
    return static_cast<T *>(memory);
  }
  void deallocate(T *ptr, size_t) { allocator_.release(ptr); }
  const Allocator &allocator() const { return allocator_; }

  template <typename U>
  bool operator==(const HookedAllocator<U> &) const {
    return true;  // one hook per prober: memory from either may go to the other
  }

 private:
  Allocator allocator_;
};

}  // namespace tether
