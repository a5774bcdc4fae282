#include "prober/nonce.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

namespace tether {

Status NonceSource::next(uint8_t out[kSize], ErrorSlot &error) {
  if (pool_used_ + kRandomSize > sizeof pool_) {
    size_t filled = 0;
    while (filled < sizeof pool_) {
      ssize_t got = getrandom(pool_ + filled, sizeof pool_ - filled, 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        return error.set(TETHER_IO, "getrandom failed: %s", std::strerror(errno));
      }
      filled += static_cast<size_t>(got);
    }
    pool_used_ = 0;
  }
  std::memcpy(out, pool_ + pool_used_, kRandomSize);
  std::memset(pool_ + pool_used_, 0, kRandomSize);  // a used random block is not kept
  pool_used_ += kRandomSize;
  uint64_t counter = ++counter_;
  for (size_t i = kSize; i > kRandomSize; --i) {
    out[i - 1] = static_cast<uint8_t>(counter);
    counter >>= 8;
  }
  return TETHER_OK;
}

}  // namespace tether
