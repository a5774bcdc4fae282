// The smallest real handler lifecycle, SDK side (see tether.h, "Invocation"): Start +
// InputCommand in; OutputCommand (value or terminal Failure) + End, or an ErrorMessage,
// out. Sans-I/O over a Session: the transport feeds bytes and takes output, the
// dispatch loop calls poll(), the handler's result comes back through complete() or
// fail_*(). The C API is a thin shim over this class.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "common/allocator.h"
#include "common/byte_buffer.h"
#include "common/status.h"
#include "session/session.h"

namespace tether {

class Invocation {
 public:
  // Creates the Session from session_options (nullptr: defaults; validated by
  // Session::create). max_output_size must be > 0. On failure returns nullptr and
  // sets *status.
  static Invocation *create(const tether_session_options *session_options, uint64_t max_output_size,
                            Status *status);
  static void destroy(Invocation *invocation);

  // Transport side, forwarded to the Session.
  Status feed(const uint8_t *data, size_t length, size_t *consumed);
  Status finish_input();
  Status pending_output(const uint8_t **data, size_t *length);
  Status consume_output(size_t n);

  // The dispatch step: drives Session::next_event (Pings are answered there and
  // passed over here) until there is something for the caller:
  //   RUN       Start and InputCommand were read; input() is ready; run the handler.
  //   WRITABLE  output drained: a complete()/fail_*() that returned WOULD_BLOCK may retry.
  //   DONE      the stream's last message (End or Error) is queued; once the pending
  //             output is taken the transport ends the response.
  // After DONE, feed() takes and drops every byte.
  // TETHER_EMPTY: nothing to do until more input (or, while the handler runs, never
  // anything but Pings). TETHER_WOULD_BLOCK: a Pong does not fit until the transport
  // takes output; call again after. After DONE: TETHER_CLOSED. A malformed or unexpected message
  // returns its own status; an ErrorMessage naming it is queued and DONE follows. So
  // does input that ended before Start or InputCommand (PROTOCOL_VIOLATION, 571).
  Status poll(tether_invocation_event *event);

  // Valid from RUN until complete()/fail_*() succeed or the invocation is destroyed;
  // its memory is owned here and does not move across other calls (feed, poll, ...).
  const tether_invocation_input &input() const { return input_; }

  // The handler's result. Each returns TETHER_INVALID_STATE unless the handler runs,
  // TETHER_WOULD_BLOCK (nothing queued: call again after a WRITABLE event) when the
  // outbound budget is full. End follows the OutputCommand as soon as the budget
  // allows (poll() sends it), after every Ping read so far has been answered.
  //
  // complete(): OutputCommand{value}. When that message would exceed the output limit
  // (min of max_output_size and the Session's max_message_size) a terminal Failure
  // 413 naming the size and the limit is queued instead and TETHER_MESSAGE_TOO_LARGE
  // returned: the invocation still completes, it is never retried.
  Status complete(const uint8_t *value, size_t length);
  // OutputCommand{failure{code, message}}: the invocation completes, failed.
  Status fail_terminal(uint32_t code, const char *message, size_t length);
  // ErrorMessage{code, message}: the runtime retries the attempt. No End follows.
  Status fail_retryable(uint32_t code, const char *message, size_t length);
  // Streamed output: OutputCommand{value} of `length` value bytes, written in pieces
  // (tether.h, tether_invocation_output_begin). begin() checks the output limit up
  // front: over it, the 413 Failure is queued and MESSAGE_TOO_LARGE returned, as
  // complete() does; nothing of the value is. WOULD_BLOCK (nothing queued) at the high
  // watermark. write() queues as many bytes as fit under the high watermark
  // (*written; WOULD_BLOCK, a WRITABLE event to follow, when none fit). finish() once
  // all `length` bytes are written: End follows as after complete().
  Status output_begin(uint64_t length);
  Status output_write(const uint8_t *data, size_t length, size_t *written);
  Status output_finish();
  // Value bytes output_write() would take now; 0 when no output is open.
  uint64_t output_room() const { return streaming_ ? session_->stream_room() : 0; }
  bool output_open() const { return streaming_; }
  // Value bytes the open output still needs (0: none is open, or all were written).
  uint64_t output_left() const { return streaming_ ? session_->stream_left() : 0; }

  // Ends the stream with ErrorMessage{code, text} whatever the state (but DONE:
  // TETHER_CLOSED), the text cut to fit the limits; never refused by the budget. For
  // the transport's own errors: a handler without a result, a reply it could not apply.
  // A streamed output cut inside a frame leaves no room for it: TETHER_TRUNCATED, the
  // state is DONE and the transport must reset the stream (the runtime retries).
  Status abort(uint32_t code, const char *text, size_t length);

  tether_invocation_state state() const { return state_; }
  // RUN was reported: input() holds the handler's input.
  bool ran() const { return ran_; }
  // min(max_output_size, the Session's max_message_size)
  uint64_t output_limit() const { return output_limit_; }
  // The largest ErrorMessage body: also bounded by one control frame.
  uint64_t error_limit() const {
    return std::min<uint64_t>(output_limit_, session_->max_control_payload());
  }
  void session_stats(tether_session_stats *out) const;
  // The last failure: a misuse or refusal of a call, or else the stream's first fatal error.
  const ErrorSlot &error() const { return *last_; }
  const Allocator &allocator() const { return allocator_; }

  ~Invocation();

 private:
  friend class Allocator;  // create() constructs through it
  Invocation(const Allocator &allocator, Session *session, uint64_t output_limit);
  Status on_message(const tether_event &message, tether_invocation_event *event);
  Status keep(ByteBuffer &buffer, const tether_event &message);  // an owned copy
  // Queues ErrorMessage{code, text}, moves to DONE, records status with the text.
  Status refuse(uint32_t code, Status status, const char *format, ...)
      __attribute__((format(printf, 4, 5)));
  // A non-fatal failure of one call (misuse, WOULD_BLOCK, too large): kept apart from
  // error_, whose first fatal status sticks.
  Status usage(Status status, const char *format, ...) __attribute__((format(printf, 3, 4)));
  Status check_result(const char *call);
  Status check_message(const char *call, const char *message, size_t length, size_t size,
                       uint64_t limit);
  Status too_large(size_t size);        // the 413 Failure for an output of size bytes
  Status check_open(const char *call);  // an output is open on a stream still going
  Status queue_result(uint16_t type, const ByteBuffer &result);
  Status send_end();  // OK or an error
  // Queues the stream's last word as tether writes it (an ErrorMessage, or the 413
  // Failure as OutputCommand), text cut to fit; sets the state after it.
  Status queue_final(uint16_t type, uint32_t code, const char *text, size_t length);
  static size_t fitting(uint32_t code, const char *text, size_t length, uint64_t limit);

  Allocator allocator_;
  Session *session_;
  uint64_t output_limit_;  // min(max_output_size, the Session's max_message_size)
  tether_invocation_state state_ = TETHER_INVOCATION_WAITING_START;
  bool done_reported_ = false;
  bool ran_ = false;
  bool blocked_ = false;    // a result returned WOULD_BLOCK: report the next WRITABLE
  bool streaming_ = false;  // output_begin() succeeded, output_finish() not yet
  ByteBuffer start_;        // owned copies of Start and InputCommand that input_ points into
  ByteBuffer input_message_;
  ByteBuffer headers_;  // the tether_invocation_header array
  tether_invocation_input input_{};
  ErrorSlot error_;  // the stream's errors
  ErrorSlot usage_;
  const ErrorSlot *last_ = &error_;
};

}  // namespace tether
