// Ping nonces: 8 bytes from the kernel CSPRNG (getrandom(2)) followed by a 64-bit
// counter. The random half makes a nonce unguessable, the counter makes it unique
// for the life of the prober. Random bytes are fetched in blocks to keep syscalls rare.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/status.h"

namespace tether {

class NonceSource {
 public:
  static constexpr size_t kRandomSize = 8;
  static constexpr size_t kSize = kRandomSize + 8;

  // Writes the next nonce; TETHER_IO (with the reason in error) if getrandom fails.
  Status next(uint8_t out[kSize], ErrorSlot &error);
  uint64_t issued() const { return counter_; }

 private:
  uint8_t pool_[256] = {};
  size_t pool_used_ = sizeof pool_;
  uint64_t counter_ = 0;
};

}  // namespace tether
