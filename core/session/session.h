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
  // One message streamed in pieces, its length known up front (the invocation's
  // streamed output). begin_stream() checks what send() checks, for `total` payload
  // bytes, so an oversize message fails before any byte is queued; WOULD_BLOCK at or
  // above the high watermark. It queues `prefix` (the payload's first bytes, a few:
  // the protobuf field headers) past the budget. write_stream() queues the next
  // bytes, as many as fit under the high watermark (*written; WOULD_BLOCK when none
  // do). The message leaves as frames of its own: with chunked/1 CONTINUED chunks of
  // max_frame_payload, each header written when its first byte is; without, one frame
  // whose header announces the whole length. Queued output stays bounded by the high
  // watermark either way; what one frame costs is latency: a Ping read while a frame
  // is open is answered once that frame is complete (next_event: WOULD_BLOCK).
  // flags (CONTINUED aside) go into every frame's header, as send() puts them.
  Status begin_stream(uint16_t type, uint64_t total, const uint8_t *prefix, size_t prefix_length,
                      uint16_t flags = 0);
  Status write_stream(const uint8_t *data, size_t length, size_t *written);
  // Bytes write_stream() would take now.
  uint64_t stream_room() const;
  // Payload bytes the streamed message still needs (0: none is open).
  uint64_t stream_left() const { return stream_left_; }
  // Ends a streamed message early, for an abort: true when no frame was cut (between
  // chunks, or before the first byte), so an ErrorMessage may follow; false when a
  // frame is open: the stream is closed and the transport must reset it.
  bool cut_stream();
  Status pending_output(const uint8_t **data, size_t *length);
  Status consume_output(size_t n);
  void stats(tether_session_stats *out) const;
  const ErrorSlot &error() const;
  const Allocator &allocator() const { return allocator_; }
  uint64_t max_message_size() const { return max_message_size_; }
  // The budgets the options set (inbound: high == low == inbound_budget).
  const ByteBudget &inbound_budget() const { return inbound_budget_; }
  const ByteBudget &outbound_budget() const { return outbound_budget_; }
  // finish_input() was called and every message read has been taken: nothing more
  // will ever come from next_event but WRITABLE.
  bool input_exhausted() const { return input_done_ && committed_ == 0; }
  // The stream has nothing to do until more input: frees the queues that are empty
  // now, and the output queue once the transport takes what it holds, so an idle
  // stream keeps no buffer (a busy one keeps its blocks between messages).
  void trim();
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
  Status check_message(uint16_t type, uint64_t length, bool budgeted);
  Status put_stream(const uint8_t *data, size_t length);  // past the budget; reserved first
  void message_queued(uint16_t type);
  void drop_inbound();
  void release_held();

  Allocator allocator_;
  // The options it keeps (not the whole struct: a session per idle stream).
  uint64_t max_message_size_;
  uint32_t max_frame_payload_;
  uint32_t protocol_version_;
  uint32_t extensions_;
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
  bool trim_output_ = false;     // trim() ran: free the output queue once it drains
  uint16_t stream_type_ = 0;     // the streamed message, while stream_left_ != 0
  uint16_t stream_flags_ = 0;    // its header flags but CONTINUED
  uint64_t stream_left_ = 0;     // its payload bytes not yet queued
  uint32_t frame_left_ = 0;      // of those, in the frame whose header is queued
  bool closed_ = false;          // End or Error was queued
  bool input_done_ = false;
  bool failed_ = false;
  tether_session_stats stats_{};
};

}  // namespace tether
