// Routes every allocation of a handle through the caller's tether_allocator hook,
// or libc when no hook is set.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#include "tether.h"

namespace tether {

class Allocator {
 public:
  Allocator() = default;
  explicit Allocator(const tether_allocator &hook) : hook_(hook) {}

  // True when the hook is either complete or absent.
  static bool valid(const tether_allocator &hook) {
    bool any = hook.malloc_fn || hook.realloc_fn || hook.free_fn;
    bool all = hook.malloc_fn && hook.realloc_fn && hook.free_fn;
    return !any || all;
  }

  void *allocate(size_t size) const {
    return hook_.malloc_fn ? hook_.malloc_fn(size, hook_.user_data) : std::malloc(size);
  }
  void *reallocate(void *ptr, size_t size) const {
    return hook_.realloc_fn ? hook_.realloc_fn(ptr, size, hook_.user_data)
                            : std::realloc(ptr, size);
  }
  void release(void *ptr) const {
    if (ptr == nullptr) return;
    if (hook_.free_fn) {
      hook_.free_fn(ptr, hook_.user_data);
    } else {
      std::free(ptr);
    }
  }

  // Constructs a T in memory from this allocator; nullptr when out of memory.
  template <typename T, typename... Args>
  T *make(Args &&...args) const {
    void *memory = allocate(sizeof(T));
    return memory ? new (memory) T(static_cast<Args &&>(args)...) : nullptr;
  }
  template <typename T>
  void destroy(T *object) const {
    if (object == nullptr) return;
    object->~T();
    release(object);
  }

 private:
  tether_allocator hook_{};
};

}  // namespace tether
