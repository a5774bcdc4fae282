// tether in front of an upstream SDK (PROTOCOL.md, last section; tether.h,
// "Middleware"): request bytes go through a session, which answers Pings on the SDK's
// loop and reassembles chunks, and come out as plain upstream frames for the SDK's
// state machine; the SDK's output frames are checked against the runtime's limit
// before any byte of them is queued, and chunked when chunked/1 is active.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/allocator.h"
#include "common/byte_buffer.h"
#include "common/status.h"
#include "frame/header.h"
#include "session/session.h"

namespace tether {

class Middleware {
 public:
  // nullptr with *status on failure; session options as Session::create.
  static Middleware *create(const tether_session_options *session, uint64_t max_output_size,
                            Status *status);
  static void destroy(Middleware *middleware);

  Status feed(const uint8_t *data, size_t length, size_t *consumed);
  Status finish_input();
  Status take_sdk_input(const uint8_t **data, size_t *length);
  Status sdk_output(const uint8_t *data, size_t length, size_t *consumed);
  Status sdk_output_end();
  Status pending_output(const uint8_t **data, size_t *length);
  Status consume_output(size_t n);
  void session_stats(tether_session_stats *out) const;
  bool replaced() const { return replaced_; }
  const ErrorSlot &error() const { return *last_; }

  Middleware(const Allocator &allocator, Session *session, uint64_t output_limit);
  ~Middleware();

 private:
  Status usage(Status status, const char *format, ...) __attribute__((format(printf, 3, 4)));
  Status pass(const uint8_t *payload);
  Status settle(Status status);
  Status append(const uint8_t *data, size_t length, size_t *used);
  Status replace_oversize();

  Allocator allocator_;
  Session *session_;
  uint64_t output_limit_;  // min(max_output_size, session max_message_size)
  ByteBuffer to_sdk_;      // plain frames handed out by the last take_sdk_input
  // The SDK's output: its frame header being read, then the payload if it arrives split.
  uint8_t header_bytes_[kFrameHeaderSize] = {};
  size_t header_fill_ = 0;
  FrameHeader header_;
  bool in_payload_ = false;
  ByteBuffer partial_;  // payload bytes of a split SDK frame
  // A large SDK frame is appended to the session's output as it comes, never held
  // whole: opened_ once the session took its header.
  bool appending_ = false;
  bool opened_ = false;
  bool replaced_ = false;
  bool input_finished_ = false;
  bool output_ended_ = false;
  bool dropping_ = false;  // the stream's last word was said: SDK output is discarded
  ErrorSlot error_;        // the stream's failures
  ErrorSlot usage_;        // refused calls that leave the stream as it was
  const ErrorSlot *last_ = &error_;
};

}  // namespace tether
