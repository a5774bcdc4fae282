#include "common/status.h"

#include <cstdio>
#include <cstring>
#include <iterator>

namespace tether {
namespace {

#define ROW(code, family, retryable, fatal, message) \
  { code, #code, message, family, retryable, fatal }

// One row per code, in code order. Bindings generate their constants from this.
constexpr tether_status_info kTable[] = {
    ROW(TETHER_OK, TETHER_FAMILY_OK, 0, 0, "success"),
    ROW(TETHER_WOULD_BLOCK, TETHER_FAMILY_BACKPRESSURE, 1, 0,
        "budget full: retry once the queue drains"),
    ROW(TETHER_EMPTY, TETHER_FAMILY_BACKPRESSURE, 1, 0, "nothing available yet: feed more input"),
    ROW(TETHER_QUEUE_FULL, TETHER_FAMILY_BACKPRESSURE, 1, 0, "queue full: rejected by policy"),
    ROW(TETHER_TIMEOUT, TETHER_FAMILY_BACKPRESSURE, 1, 0, "deadline passed"),
    ROW(TETHER_MESSAGE_TOO_LARGE, TETHER_FAMILY_LIMIT, 0, 0,
        "message larger than max_message_size; nothing was queued"),
    ROW(TETHER_INVALID_ARGUMENT, TETHER_FAMILY_USAGE, 0, 0, "invalid argument"),
    ROW(TETHER_INVALID_STATE, TETHER_FAMILY_USAGE, 0, 0, "call not allowed in this state"),
    ROW(TETHER_NO_MEMORY, TETHER_FAMILY_RESOURCE, 0, 1, "out of memory"),
    ROW(TETHER_TRUNCATED, TETHER_FAMILY_PROTOCOL, 0, 1, "stream ended inside a frame"),
    ROW(TETHER_FRAME_TOO_LARGE, TETHER_FAMILY_LIMIT, 0, 1,
        "frame payload larger than max_frame_payload"),
    ROW(TETHER_UNKNOWN_TYPE, TETHER_FAMILY_PROTOCOL, 0, 1, "unknown control message type"),
    ROW(TETHER_BAD_FLAGS, TETHER_FAMILY_PROTOCOL, 0, 1, "flags not allowed on this message type"),
    ROW(TETHER_STREAM_FAILED, TETHER_FAMILY_PROTOCOL, 0, 1, "stream already failed"),
    ROW(TETHER_CHUNK_INTERLEAVED, TETHER_FAMILY_PROTOCOL, 0, 1,
        "non-control frame between the chunks of a message"),
    ROW(TETHER_CHUNK_TYPE_CHANGE, TETHER_FAMILY_PROTOCOL, 0, 1,
        "chunk type differs from the message it continues"),
    ROW(TETHER_REASSEMBLY_TOO_LARGE, TETHER_FAMILY_LIMIT, 0, 1,
        "chunked message larger than max_message_size"),
    ROW(TETHER_BAD_MESSAGE, TETHER_FAMILY_PROTOCOL, 0, 1, "message body is not valid for its type"),
    ROW(TETHER_PROTOCOL_VIOLATION, TETHER_FAMILY_PROTOCOL, 0, 1, "protocol violation"),
    ROW(TETHER_UNSUPPORTED_VERSION, TETHER_FAMILY_PROTOCOL, 0, 1, "unsupported protocol version"),
    ROW(TETHER_CLOSED, TETHER_FAMILY_USAGE, 0, 0, "stream closed"),
    ROW(TETHER_IO, TETHER_FAMILY_RESOURCE, 1, 1, "transport error"),
    ROW(TETHER_INTERNAL, TETHER_FAMILY_RESOURCE, 0, 1, "internal error"),
    ROW(TETHER_RECORD_TOO_LARGE, TETHER_FAMILY_LIMIT, 0, 0,
        "record larger than one batch can hold; nothing was queued"),
    ROW(TETHER_SPILL_CORRUPT, TETHER_FAMILY_RESOURCE, 0, 0,
        "spill log record fails its checksum or framing"),
    ROW(TETHER_SINK_REJECTED, TETHER_FAMILY_RESOURCE, 0, 0,
        "the sink refused the records for good"),
    ROW(TETHER_RETRIES_EXHAUSTED, TETHER_FAMILY_RESOURCE, 0, 0,
        "the sink failed every attempt to write the records"),
};

#undef ROW

constexpr bool table_in_code_order() {
  for (size_t i = 0; i < std::size(kTable); ++i) {
    if (static_cast<size_t>(kTable[i].code) != i) return false;
  }
  return true;
}
static_assert(table_in_code_order(), "status table rows must be in code order");

}  // namespace

const tether_status_info *status_info(Status status) {
  auto index = static_cast<size_t>(status);
  return index < std::size(kTable) ? &kTable[index] : nullptr;
}

const tether_status_info *status_table(size_t *count) {
  if (count != nullptr) *count = std::size(kTable);
  return kTable;
}

Status ErrorSlot::set(Status status, const char *format, ...) {
  if (failed_) return status_;  // keep the first fatal error: it is the cause
  status_ = status;
  const tether_status_info *info = status_info(status);
  failed_ = info != nullptr && info->fatal;
  // Formatted aside first: an argument may be this slot's own text.
  char text[kCapacity];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  if (text_ == nullptr) {
    Allocator libc;
    text_ = static_cast<char *>((allocator_ ? *allocator_ : libc).allocate(kCapacity));
  }
  if (text_ != nullptr) std::memcpy(text_, text, sizeof text);
  return status;
}

const char *ErrorSlot::message() const {
  if (text_ != nullptr) return text_;
  if (status_ == TETHER_OK) return "";
  const tether_status_info *info = status_info(status_);
  return info != nullptr ? info->message : "unknown status";
}

void ErrorSlot::clear() {
  status_ = TETHER_OK;
  failed_ = false;
  if (text_ != nullptr) text_[0] = '\0';
}

ErrorSlot::~ErrorSlot() {
  Allocator libc;
  (allocator_ ? *allocator_ : libc).release(text_);
}

}  // namespace tether
