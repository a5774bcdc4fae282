// One response stream read as the runtime reads it: frames parsed by FrameReader,
// chunked messages put back together by the Reassembler, each message kept with the
// time it completed. Anything malformed stops the parse and is kept as the reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "chunk/reassembler.h"
#include "frame/reader.h"

namespace tether::conformance {

struct Message {
  uint16_t type = 0;
  size_t frames = 1;  // > 1: it came chunked
  std::string payload;
  uint64_t at_ns = 0;  // when its last frame was read
};

class ResponseParser {
 public:
  // limits: what a conforming endpoint may send (CONTINUED only on V8).
  ResponseParser(const FrameLimits &limits, uint64_t max_message_size)
      : reader_(limits), reassembly_(Allocator(), max_message_size) {}

  void feed(const uint8_t *data, size_t length, uint64_t now_ns);
  // The response ended: a frame or chunked message cut short is an error.
  void finish();

  std::vector<Message> &messages() { return messages_; }
  const std::string &error() const { return error_; }  // "" while well formed
  size_t continued_frames() const { return continued_frames_; }

 private:
  void fail(const char *what);

  FrameReader reader_;
  Reassembler reassembly_;
  Reassembler::Role role_ = Reassembler::Role::kMessage;
  ErrorSlot slot_;
  std::string whole_;  // payload of the unchunked frame being read
  size_t chunk_frames_ = 0;
  size_t continued_frames_ = 0;
  std::vector<Message> messages_;
  std::string error_;
};

}  // namespace tether::conformance
