// A frame decoder with a bounded queue: feed() parses input into complete frames,
// next() hands them out in arrival order. Backs the tether_decoder handle.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/byte_buffer.h"
#include "frame/reader.h"

namespace tether {

struct DecodedFrame {
  FrameHeader header;
  const uint8_t *payload;
};

class FrameDecoder {
 public:
  // max_buffered bounds the queued frames including their headers.
  FrameDecoder(const FrameLimits &limits, size_t max_buffered, const Allocator &allocator)
      : allocator_(allocator),
        reader_(limits, &allocator_),
        max_buffered_(max_buffered),
        queue_(allocator) {}

  // Consumes input until it is exhausted (TETHER_OK), the next frame does not fit
  // under max_buffered (TETHER_WOULD_BLOCK) or the input is malformed (its status).
  Status feed(const uint8_t *data, size_t length, size_t *consumed);
  // TETHER_OK and a frame whose payload stays valid until the next call, or TETHER_EMPTY.
  Status next(DecodedFrame *frame);
  Status finish() { return reader_.finish(); }
  const ErrorSlot &error() const { return reader_.error(); }

 private:
  Status start_frame();

  Allocator allocator_;  // first: the reader's error text uses it
  FrameReader reader_;
  size_t max_buffered_;
  ByteBuffer queue_;             // records: 8 bytes of FrameHeader, then the payload
  size_t committed_ = 0;         // bytes of queue_ holding complete frames
  bool pending_header_ = false;  // a validated header waits for room in queue_
};

}  // namespace tether
