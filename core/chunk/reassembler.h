// Incoming chunking (extension chunked/1): decides what each frame header means for the message
// in progress, and concatenates chunk payloads into one buffer that grows through
// the allocator hook, never past max_message_size. Payload bytes are copied once,
// straight from the caller's input into their final place.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/allocator.h"
#include "common/status.h"
#include "frame/header.h"

namespace tether {

class Reassembler {
 public:
  enum class Role {
    kMessage,     // a whole message in one frame (may sit between chunks if control)
    kFirstChunk,  // CONTINUED, no message in progress: starts one
    kChunk,       // CONTINUED, continues the message in progress
    kLastChunk,   // no CONTINUED, same type as the message in progress: completes it
  };

  Reassembler(const Allocator &allocator, uint64_t max_message_size)
      : allocator_(allocator), limit_(max_message_size) {}
  ~Reassembler() { reset(); }
  Reassembler(const Reassembler &) = delete;
  Reassembler &operator=(const Reassembler &) = delete;

  // The role of a validated frame header, checked against the message in progress:
  // TETHER_CHUNK_INTERLEAVED for a non-control message between chunks,
  // TETHER_CHUNK_TYPE_CHANGE for a chunk of another type, TETHER_REASSEMBLY_TOO_LARGE
  // when the chunk would take the message past max_message_size. Changes nothing.
  Status classify(const FrameHeader &header, Role *role, ErrorSlot &error) const;

  // For a chunk role: starts the message if needed and makes room for its payload
  // (TETHER_NO_MEMORY, message dropped, when the allocator fails).
  Status begin_chunk(const FrameHeader &header, Role role, ErrorSlot &error);
  void append(const uint8_t *data, size_t size);

  // Hands the complete message over: *data (free it with the allocator) and *size.
  void take(uint8_t **data, size_t *size);
  // Drops a message in progress and its buffer.
  void reset();

  bool active() const { return active_; }
  uint16_t type() const { return type_; }
  uint16_t flags() const { return flags_; }
  size_t size() const { return size_; }

 private:
  Allocator allocator_;
  uint64_t limit_;
  bool active_ = false;
  uint16_t type_ = 0;
  uint16_t flags_ = 0;
  uint8_t *data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace tether
