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
  Status pending_output(const uint8_t **data, size_t *length);
  Status consume_output(size_t n);
  void stats(tether_session_stats *out) const;
  const ErrorSlot &error() const;
  const tether_session_options &options() const;
  // finish_input() was called and every message read has been taken: nothing more
  // will ever come from next_event but WRITABLE.
  bool input_exhausted() const { return input_done_ && committed_ == 0; }
  // The dispatch of every queued message at once, when all of them are plain (no Ping,
  // nothing reassembled): their frames as read, header and payload, in one span valid
  // until the next feed(), finish_input(), next_event() or take_plain_frames(). false
  // (nothing taken) otherwise, or when nothing is queued or the stream failed:
  // next_event() then says what comes.
  bool take_plain_frames(const uint8_t **data, size_t *length);
  // The largest payload of one control message (End, Error) send() accepts.
  uint32_t max_control_payload() const { return frame_out_limit_; }

 private:
  struct Record;  // one queued inbound message (session.cc)
  static Record read_record(const uint8_t *at);
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
  void drop_inbound();
  void release_held();

  Allocator allocator_;
  tether_session_options options_;
  uint32_t frame_out_limit_;  // one outgoing frame's payload
  FrameReader reader_;
  Reassembler reassembly_;
  ByteBuffer inbound_;   // Records of complete messages, then the one being read
  ByteBuffer outbound_;  // wire bytes for the transport
  ByteBudget inbound_budget_;
  ByteBudget outbound_budget_;
  ErrorSlot error_;
  Reassembler::Role role_ = Reassembler::Role::kMessage;  // of the frame being read
  size_t committed_ = 0;         // bytes of inbound_ holding complete Records
  size_t open_written_ = 0;      // payload bytes of the Record being read
  size_t special_queued_ = 0;    // queued Pings and reassembled messages
  bool pending_header_ = false;  // a validated header waits for inbound budget
  uint8_t *held_ = nullptr;      // a dispatched reassembled message, freed next call
  uint64_t pong_ceiling_;        // outbound bytes above which Pongs wait
  bool writable_ = false;        // a WRITABLE event is due
  bool closed_ = false;          // End or Error was queued
  bool input_done_ = false;
  bool failed_ = false;
  tether_session_stats stats_{};
};

}  // namespace tether
