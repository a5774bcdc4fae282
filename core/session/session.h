// One invocation stream, SDK side (see tether.h, "Session"). The C API is a thin shim
// over this class; core modules above it (h2, invocation) use it directly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "chunk/reassembler.h"
#include "common/allocator.h"
#include "common/byte_buffer.h"
#include "common/status.h"
#include "flow/budget.h"
#include "frame/reader.h"

namespace tether {

// Fills options with the documented defaults (tether_session_options_init).
void session_default_options(tether_session_options *options);

class Session {
 public:
  // Validates options (nullptr: defaults). On failure returns nullptr and sets *status.
  static Session *create(const tether_session_options *options, Status *status);
  static void destroy(Session *session);

  Status feed(const uint8_t *data, size_t length, size_t *consumed);
  Status finish_input();
  Status next_event(tether_event *event);
  // flags (such as REQUESTED_ACK) go out on every frame of the message; CONTINUED is
  // the session's own and is ignored here.
  Status send(uint16_t type, const uint8_t *payload, size_t length, uint16_t flags = 0);
  // As send(), but past the high watermark: for the small messages that end a stream
  // (a 413 Failure in place of an oversize message, then End), which no budget may
  // refuse, or the stream would end with nothing.
  Status send_final(uint16_t type, const uint8_t *payload, size_t length);
  // A message queued as its payload comes, for one too large to hold whole (an SDK's
  // output passed through): begin_message() checks it as send() does and queues its
  // first frame header, append_message() its payload, never past the high watermark
  // (TETHER_WOULD_BLOCK with *consumed short: take output, then the rest). Frames are
  // chunked as send() chunks them; a Pong due while a frame is open waits for its end
  // (or the next chunk boundary). No other send until the message is complete.
  Status begin_message(uint16_t type, size_t length, uint16_t flags = 0);
  Status append_message(const uint8_t *data, size_t length, size_t *consumed);
  bool message_open() const { return open_left_ != 0; }
  Status pending_output(const uint8_t **data, size_t *length);
  Status consume_output(size_t n);
  void stats(tether_session_stats *out) const;
  const ErrorSlot &error() const;
  const tether_session_options &options() const;
  // finish_input() was called and every message read has been taken: nothing more
  // will ever come from next_event but WRITABLE.
  bool input_exhausted() const { return input_done_ && committed_ == 0; }
  // The largest payload of one control message (End, Error) send() accepts.
  uint32_t max_control_payload() const { return frame_out_limit_; }

 private:
  struct Record;  // one queued inbound message (session.cc)
  static size_t record_stride(const Record &record);

  Session(const Allocator &allocator, const tether_session_options &options);
  ~Session();

  Status refuse(Status status, const char *format, ...) __attribute__((format(printf, 3, 4)));
  Status admit_header();
  Status take_payload(const FrameReader::Result &step);
  Status end_of_frame();
  Status fail(Status status);
  void queue_error_message();
  Status queue_pong(const uint8_t *nonce, size_t length, bool over_ceiling);
  Status answer_queued_pings();
  Status queue_message(uint16_t type, const uint8_t *payload, size_t length, uint16_t flags,
                       bool budgeted);
  Status check_send(uint16_t type, size_t length, bool budgeted);
  void count_message(size_t length);
  Status open_frame();
  Status release_held_pongs();
  void drop_inbound();
  void release_held();

  Allocator allocator_;
  tether_session_options options_;
  uint32_t frame_out_limit_;  // one outgoing frame's payload
  FrameReader reader_;
  Reassembler reassembly_;
  ByteBuffer inbound_;     // Records of complete messages, then the one being read
  ByteBuffer outbound_;    // wire bytes for the transport
  ByteBuffer held_pongs_;  // Pongs due while an appended message's frame is open
  ByteBudget inbound_budget_;
  ByteBudget outbound_budget_;
  ErrorSlot error_;
  Reassembler::Role role_ = Reassembler::Role::kMessage;  // of the frame being read
  size_t committed_ = 0;         // bytes of inbound_ holding complete Records
  size_t open_written_ = 0;      // payload bytes of the Record being read
  bool pending_header_ = false;  // a validated header waits for inbound budget
  uint8_t *held_ = nullptr;      // a dispatched reassembled message, freed next call
  uint64_t pong_ceiling_;        // outbound bytes above which Pongs wait
  // The message begin_message() opened: its type and flags, payload bytes still to
  // come, and those of the frame (chunk) being written.
  uint16_t open_type_ = 0;
  uint16_t open_flags_ = 0;
  size_t open_left_ = 0;
  size_t frame_left_ = 0;
  bool writable_ = false;  // a WRITABLE event is due
  bool closed_ = false;    // End or Error was queued
  bool input_done_ = false;
  bool failed_ = false;
  tether_session_stats stats_{};
};

}  // namespace tether
