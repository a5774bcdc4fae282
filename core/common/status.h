// Status codes are the C enum of tether.h; this header gives the core its table and
// a small error slot that keeps the message of the last failure.
#pragma once

#include <cstdarg>
#include <cstddef>

#include "common/allocator.h"
#include "tether.h"

namespace tether {

using Status = tether_status;

const tether_status_info *status_info(Status status);  // nullptr if unknown
const tether_status_info *status_table(size_t *count);

// Holds the first fatal error (or the latest non-fatal one) of a handle. The text is
// allocated (kCapacity bytes, from the owner's allocator) on the first error only and
// reused after, so a handle that never fails carries 24 bytes instead of a buffer.
// When that allocation fails, message() falls back to the status table's static text:
// recording an error never fails.
class ErrorSlot {
 public:
  static constexpr size_t kCapacity = 256;  // bytes of text, the terminator included

  // allocator must outlive the slot (the owner's member); nullptr: libc.
  explicit ErrorSlot(const Allocator *allocator = nullptr) : allocator_(allocator) {}
  ~ErrorSlot();
  ErrorSlot(const ErrorSlot &) = delete;
  ErrorSlot &operator=(const ErrorSlot &) = delete;

  Status set(Status status, const char *format, ...) __attribute__((format(printf, 3, 4)));
  void clear();
  Status status() const { return status_; }
  const char *message() const;
  bool failed() const { return failed_; }

 private:
  const Allocator *allocator_;
  char *text_ = nullptr;  // kCapacity bytes once an error was set
  Status status_ = TETHER_OK;
  bool failed_ = false;  // a fatal status was recorded
};

}  // namespace tether
