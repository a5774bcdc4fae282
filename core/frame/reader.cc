#include "frame/reader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace tether {

FrameReader::Result FrameReader::read(const uint8_t *in, size_t length) {
  switch (state_) {
    case State::kFailed:
      if (error_.status() != TETHER_STREAM_FAILED) {
        char cause[sizeof "stream already failed: " + 256];
        std::snprintf(cause, sizeof cause, "%s", error_.message());
        error_.clear();
        error_.set(TETHER_STREAM_FAILED, "stream already failed: %s", cause);
      }
      return {Event::kError, 0};
    case State::kHeader: {
      size_t take = std::min(length, kFrameHeaderSize - header_fill_);
      if (take != 0) std::memcpy(header_bytes_ + header_fill_, in, take);  // in may be NULL
      header_fill_ += take;
      if (header_fill_ < kFrameHeaderSize) return {Event::kNeedMore, take};
      header_fill_ = 0;
      header_ = decode_header(header_bytes_);
      if (validate_header(header_, limits_, error_) != TETHER_OK) {
        state_ = State::kFailed;
        return {Event::kError, take};
      }
      remaining_ = header_.length;
      state_ = State::kPayload;
      return {Event::kHeader, take};
    }
    case State::kPayload: {
      if (length == 0 && remaining_ != 0) return {Event::kNeedMore, 0};
      size_t take = std::min<size_t>(length, remaining_);
      remaining_ -= static_cast<uint32_t>(take);
      bool end = remaining_ == 0;
      if (end) state_ = State::kHeader;
      return {Event::kPayload, take, in, take, end};
    }
  }
  return {Event::kError, 0};
}

Status FrameReader::finish() {
  if (state_ == State::kFailed) return error_.status();
  if (!mid_frame()) return TETHER_OK;
  state_ = State::kFailed;
  if (header_fill_ != 0) {
    return error_.set(TETHER_TRUNCATED, "stream ended after %zu of %zu header bytes", header_fill_,
                      kFrameHeaderSize);
  }
  return error_.set(TETHER_TRUNCATED, "stream ended %u bytes short of a %u-byte %s payload",
                    remaining_, header_.length, type_name(header_.type));
}

}  // namespace tether
