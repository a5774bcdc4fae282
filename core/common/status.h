// Status codes are the C enum of tether.h; this header gives the core its table and
// a small error slot that keeps the message of the last failure without allocating.
#pragma once

#include <cstdarg>
#include <cstddef>

#include "tether.h"

namespace tether {

using Status = tether_status;

const tether_status_info *status_info(Status status);  // nullptr if unknown
const tether_status_info *status_table(size_t *count);

// Holds the first fatal error (or the latest non-fatal one) of a handle. Fixed
// storage: setting an error never allocates, so it works when memory runs out.
class ErrorSlot {
 public:
  Status set(Status status, const char *format, ...) __attribute__((format(printf, 3, 4)));
  void clear();
  Status status() const { return status_; }
  const char *message() const { return message_; }
  bool failed() const { return failed_; }

 private:
  Status status_ = TETHER_OK;
  bool failed_ = false;  // a fatal status was recorded
  char message_[256] = {};
};

}  // namespace tether
