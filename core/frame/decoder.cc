#include "frame/decoder.h"

#include <cstring>

namespace tether {

static_assert(sizeof(FrameHeader) == kFrameHeaderSize, "queue records use the header's size");

Status FrameDecoder::start_frame() {
  const FrameHeader &header = reader_.header();
  Status status = queue_.reserve_back(sizeof header + header.length, max_buffered_);
  if (status == TETHER_NO_MEMORY) {
    reader_.fail();
    return reader_.error().set(TETHER_NO_MEMORY, "no memory for a %u-byte frame", header.length);
  }
  if (status != TETHER_OK) return status;
  std::memcpy(queue_.back(), &header, sizeof header);
  queue_.commit_back(sizeof header);
  pending_header_ = false;
  return TETHER_OK;
}

Status FrameDecoder::feed(const uint8_t *data, size_t length, size_t *consumed) {
  size_t used = 0;
  Status status = TETHER_OK;
  if (pending_header_) status = start_frame();
  while (status == TETHER_OK) {
    FrameReader::Result step = reader_.read(data + used, length - used);
    used += step.consumed;
    switch (step.event) {
      case FrameReader::Event::kNeedMore:
        *consumed = used;
        return TETHER_OK;
      case FrameReader::Event::kHeader:
        pending_header_ = true;
        status = start_frame();
        break;
      case FrameReader::Event::kPayload:
        if (step.size != 0) std::memcpy(queue_.back(), step.data, step.size);
        queue_.commit_back(step.size);
        if (step.end_of_frame) committed_ = queue_.size();
        if (used == length && !step.end_of_frame) {
          *consumed = used;
          return TETHER_OK;
        }
        break;
      case FrameReader::Event::kError:
        status = reader_.error().status();
        break;
    }
  }
  *consumed = used;
  return status;
}

Status FrameDecoder::next(DecodedFrame *frame) {
  if (committed_ == 0) return TETHER_EMPTY;
  const uint8_t *record = queue_.data();
  std::memcpy(&frame->header, record, sizeof frame->header);
  frame->payload = record + sizeof frame->header;
  size_t record_size = sizeof frame->header + frame->header.length;
  committed_ -= record_size;
  // The payload stays in place: the queue only moves bytes inside feed().
  queue_.consume_front(record_size);
  return TETHER_OK;
}

}  // namespace tether
