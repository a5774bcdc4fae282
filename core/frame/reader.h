// Streaming frame parser that owns no payload storage. It reports a validated header
// first, then the payload bytes as slices of the caller's input, so the caller decides
// where they go (a queue, a reassembly buffer) and can check its budget in between.
#pragma once

#include <cstddef>
#include <cstdint>

#include "frame/header.h"

namespace tether {

class FrameReader {
 public:
  enum class Event {
    kNeedMore,  // all input consumed, no event
    kHeader,    // header() holds a validated header; its payload comes next
    kPayload,   // data/size: payload bytes inside the input; end_of_frame on the last slice
    kError,     // error() says why; every later read returns kError with STREAM_FAILED
  };
  struct Result {
    Event event;
    size_t consumed;  // bytes of the input used by this step
    const uint8_t *data = nullptr;
    size_t size = 0;
    bool end_of_frame = false;
  };

  // allocator (the owner's, outliving the reader; nullptr: libc) holds the error text.
  explicit FrameReader(const FrameLimits &limits, const Allocator *allocator = nullptr)
      : limits_(limits), error_(allocator) {}

  // One step over in[0..length). A frame with an empty payload yields kHeader then
  // one kPayload of size 0 with end_of_frame set.
  Result read(const uint8_t *in, size_t length);

  // End of input: TETHER_TRUNCATED (recorded in error()) if it stopped inside a frame.
  Status finish();

  const FrameHeader &header() const { return header_; }
  const ErrorSlot &error() const { return error_; }
  ErrorSlot &error() { return error_; }
  bool failed() const { return error_.failed(); }
  bool mid_frame() const { return state_ != State::kHeader || header_fill_ != 0; }
  void set_limits(const FrameLimits &limits) { limits_ = limits; }
  // Lets the owner fail the stream for a reason found above the frame layer.
  void fail() { state_ = State::kFailed; }

 private:
  enum class State { kHeader, kPayload, kFailed };

  FrameLimits limits_;
  State state_ = State::kHeader;
  uint8_t header_bytes_[kFrameHeaderSize] = {};
  size_t header_fill_ = 0;
  FrameHeader header_;
  uint32_t remaining_ = 0;
  ErrorSlot error_;
};

}  // namespace tether
