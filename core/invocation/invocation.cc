#include "invocation/invocation.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "frame/header.h"
#include "invocation/messages.h"
#include "session/owner.h"

namespace tether {
namespace {

// ErrorMessage codes (sdk-shared-core) and the Failure code for oversize output.
constexpr uint32_t kJournalMismatch = 570;
constexpr uint32_t kProtocolViolation = 571;
constexpr uint32_t kPayloadTooLarge = 413;
constexpr uint32_t kInternal = 500;

// A message that could not be read: the peer's fault (571) unless memory ran out (500).
uint32_t unreadable_code(Status status) {
  return status == TETHER_NO_MEMORY ? kInternal : kProtocolViolation;
}

}  // namespace

Invocation *Invocation::create(const tether_session_options *session_options,
                               uint64_t max_output_size, Status *status) {
  return create_over_session<Invocation>(session_options, max_output_size, status);
}

void Invocation::destroy(Invocation *invocation) {
  if (invocation == nullptr) return;
  Allocator allocator = invocation->allocator_;
  allocator.destroy(invocation);
}

Invocation::Invocation(const Allocator &allocator, Session *session, uint64_t output_limit)
    : allocator_(allocator),
      session_(session),
      output_limit_(output_limit),
      start_(allocator),
      input_message_(allocator),
      headers_(allocator),
      error_(&allocator_),
      usage_(&allocator_) {}

Invocation::~Invocation() { Session::destroy(session_); }

Status Invocation::feed(const uint8_t *data, size_t length, size_t *consumed) {
  if (state_ == TETHER_INVOCATION_DONE && data != nullptr) {
    // The last message is queued: nothing reads later input, so it is taken and
    // dropped (kept, it would fill the inbound budget and stall the transport).
    *consumed = length;
    return TETHER_OK;
  }
  return session_->feed(data, length, consumed);
}
Status Invocation::finish_input() { return session_->finish_input(); }
Status Invocation::pending_output(const uint8_t **data, size_t *length) {
  return session_->pending_output(data, length);
}
Status Invocation::consume_output(size_t n) { return session_->consume_output(n); }
void Invocation::session_stats(tether_session_stats *out) const { session_->stats(out); }

Status Invocation::poll(tether_invocation_event *event) {
  last_ = &error_;
  for (;;) {
    if (state_ == TETHER_INVOCATION_DONE) {
      if (done_reported_) return TETHER_CLOSED;
      done_reported_ = true;
      *event = tether_invocation_event{TETHER_INVOCATION_EVENT_DONE, state_};
      return TETHER_OK;
    }
    tether_event next{};
    Status status = session_->next_event(&next);
    if (status == TETHER_EMPTY) {
      if (session_->input_exhausted()) {
        // No input can come any more: a stream still waiting for Start or its
        // InputCommand would otherwise poll EMPTY for good and never end.
        if (state_ == TETHER_INVOCATION_WAITING_START) {
          return refuse(kProtocolViolation, TETHER_PROTOCOL_VIOLATION,
                        "the input ended before Start");
        }
        if (state_ == TETHER_INVOCATION_WAITING_INPUT) {
          return refuse(kProtocolViolation, TETHER_PROTOCOL_VIOLATION,
                        "the input ended after Start, before InputCommand");
        }
      }
      if (state_ != TETHER_INVOCATION_ENDING) {
        // Idle until more input: keep no buffer meanwhile (a streamed output keeps its own).
        if (!streaming_) session_->trim();
        return TETHER_EMPTY;
      }
      status = send_end();
      if (status != TETHER_OK) return status;
      continue;  // reports DONE
    }
    if (status == TETHER_WOULD_BLOCK) {  // a Pong waits for output to drain (or a frame)
      return usage(status, "%s", session_->error().message());
    }
    if (status == TETHER_NO_MEMORY) {
      // No room for a Pong: a refusal, not a failed session, so nothing has told the
      // runtime yet. A retryable ErrorMessage ends the stream (the attempt is retried).
      return refuse(kInternal, status, "%s", session_->error().message());
    }
    if (status != TETHER_OK) {
      // The session failed the stream and queued an ErrorMessage naming why.
      state_ = TETHER_INVOCATION_DONE;
      return error_.set(status, "%s", session_->error().message());
    }
    if (next.kind == TETHER_EVENT_PING) continue;  // answered inside the session
    if (next.kind == TETHER_EVENT_WRITABLE) {
      if (!blocked_) continue;
      blocked_ = false;
      *event = tether_invocation_event{TETHER_INVOCATION_EVENT_WRITABLE, state_};
      return TETHER_OK;
    }
    status = on_message(next, event);
    if (status != TETHER_EMPTY) return status;
  }
}

Status Invocation::on_message(const tether_event &message, tether_invocation_event *event) {
  // V8: this lifecycle asks for no ephemeral state, and an SDK ignores ephemeral
  // notifications it did not ask for (PROTOCOL.md).
  if (ephemeral_notification(message.type)) return TETHER_EMPTY;
  switch (state_) {
    case TETHER_INVOCATION_WAITING_START: {
      if (message.type != TETHER_MSG_START) {
        return refuse(kProtocolViolation, TETHER_PROTOCOL_VIOLATION, "expected Start, got %s",
                      type_name(message.type));
      }
      Status status = keep(start_, message);
      if (status == TETHER_OK) status = parse_start(start_.data(), start_.size(), &input_, error_);
      if (status != TETHER_OK) {
        return refuse(unreadable_code(status), status, "%s", error_.message());
      }
      if (input_.known_entries == 0) {
        return refuse(kProtocolViolation, TETHER_PROTOCOL_VIOLATION,
                      "Start announces no journal entries; the input is the first");
      }
      if (input_.known_entries > 1) {
        // A replay: the journal holds entries this minimal lifecycle never writes.
        refuse(kJournalMismatch, TETHER_PROTOCOL_VIOLATION,
               "replaying a journal of %u entries is not supported (only Start + Input)",
               input_.known_entries);
        return poll(event);  // not the peer's fault: report DONE, not an error status
      }
      state_ = TETHER_INVOCATION_WAITING_INPUT;
      return TETHER_EMPTY;
    }
    case TETHER_INVOCATION_WAITING_INPUT: {
      if (message.type != TETHER_MSG_INPUT_COMMAND) {
        return refuse(kProtocolViolation, TETHER_PROTOCOL_VIOLATION,
                      "expected InputCommand after Start, got %s", type_name(message.type));
      }
      Status status = keep(input_message_, message);
      if (status == TETHER_OK) {
        status =
            parse_input(input_message_.data(), input_message_.size(), headers_, &input_, error_);
      }
      if (status != TETHER_OK) {
        return refuse(unreadable_code(status), status, "%s", error_.message());
      }
      state_ = TETHER_INVOCATION_RUNNING;
      ran_ = true;
      *event = tether_invocation_event{TETHER_INVOCATION_EVENT_RUN, state_};
      return TETHER_OK;
    }
    case TETHER_INVOCATION_RUNNING:
      return refuse(kProtocolViolation, TETHER_PROTOCOL_VIOLATION,
                    "unexpected %s while the handler runs (it sent no command)",
                    type_name(message.type));
    default:
      // The result is queued: later messages have nothing to act on.
      return TETHER_EMPTY;
  }
}

Status Invocation::keep(ByteBuffer &buffer, const tether_event &message) {
  buffer.clear();
  // Exactly its size: the copy is never appended to, and an idle stream keeps Start's.
  Status status = buffer.append(message.data, message.length, message.length);
  if (status != TETHER_OK) {
    error_.set(status, "no memory for a %s of %zu bytes", type_name(message.type), message.length);
  }
  return status;
}

Status Invocation::refuse(uint32_t code, Status status, const char *format, ...) {
  char text[256];
  va_list args;
  va_start(args, format);
  vsnprintf(text, sizeof text, format, args);
  va_end(args);
  Status encoded = queue_final(TETHER_MSG_ERROR, code, text, std::strlen(text));
  if (encoded != TETHER_OK && encoded != TETHER_CLOSED) {
    return error_.set(encoded, "%s (and the ErrorMessage could not be queued: %s)", text,
                      status_info(encoded)->name);
  }
  return error_.set(status, "%s", text);
}

// The longest prefix of text, cut at a UTF-8 boundary, whose Failure (the larger of
// Failure and ErrorMessage with the same fields) fits limit; 0 when none does.
size_t Invocation::fitting(uint32_t code, const char *text, size_t length, uint64_t limit) {
  while (length > 0 && output_failure_size(code, length) > limit) --length;
  while (length > 0 && (static_cast<uint8_t>(text[length]) & 0xC0) == 0x80) --length;
  return length;
}

Status Invocation::queue_final(uint16_t type, uint32_t code, const char *text, size_t length) {
  bool error = type == TETHER_MSG_ERROR;
  uint64_t limit = error ? error_limit() : output_limit_;
  length = fitting(code, text, length, limit);
  ByteBuffer result(allocator_);
  Status status = error ? encode_error(result, code, text, length)
                        : encode_output_failure(result, code, text, length);
  if (status == TETHER_OK) status = session_->send_final(type, result.data(), result.size());
  state_ = error || status != TETHER_OK ? TETHER_INVOCATION_DONE : TETHER_INVOCATION_ENDING;
  return status;
}

Status Invocation::abort(uint32_t code, const char *text, size_t length) {
  if (state_ == TETHER_INVOCATION_DONE) return TETHER_CLOSED;
  if (streaming_) {
    streaming_ = false;
    if (!session_->cut_stream()) {
      state_ = TETHER_INVOCATION_DONE;
      return error_.set(TETHER_TRUNCATED,
                        "the streamed output was cut inside a frame, so no ErrorMessage can "
                        "follow: reset the stream (the runtime retries)");
    }
  }
  Status status = queue_final(TETHER_MSG_ERROR, code, text, length);
  if (status != TETHER_OK) return error_.set(status, "the ErrorMessage could not be queued");
  return TETHER_OK;
}

Status Invocation::usage(Status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char text[256];
  vsnprintf(text, sizeof text, format, args);
  va_end(args);
  usage_.clear();
  last_ = &usage_;
  return usage_.set(status, "%s", text);
}

Status Invocation::check_result(const char *call) {
  if (streaming_) {
    return usage(TETHER_INVALID_STATE,
                 "%s: a streamed output is open (%llu value bytes to come): finish it first", call,
                 static_cast<unsigned long long>(session_->stream_left()));
  }
  if (state_ == TETHER_INVOCATION_RUNNING) return TETHER_OK;
  static constexpr const char *kStates[] = {"waiting for Start", "waiting for InputCommand",
                                            "running", "ending", "done"};
  return usage(TETHER_INVALID_STATE, "%s: no handler is running (the invocation is %s)", call,
               kStates[state_]);
}

// The encoded result is the caller's, freed when it returns (a retry after WOULD_BLOCK
// encodes it again), so a refused result never stays allocated.
Status Invocation::queue_result(uint16_t type, const ByteBuffer &result) {
  Status status = session_->send(type, result.data(), result.size());
  if (status == TETHER_WOULD_BLOCK) {
    blocked_ = true;
    return usage(status, "outbound budget full: retry after a WRITABLE event");
  }
  if (status != TETHER_OK) {
    char text[320];
    snprintf(text, sizeof text, "the result could not be queued: %s", session_->error().message());
    // Out of memory for the result: the runtime still hears of it, retryably (an
    // ErrorMessage is small), so the stream never ends without its last word.
    if (status == TETHER_NO_MEMORY) queue_final(TETHER_MSG_ERROR, kInternal, text, strlen(text));
    state_ = TETHER_INVOCATION_DONE;
    return error_.set(status, "%s", text);
  }
  state_ = type == TETHER_MSG_ERROR ? TETHER_INVOCATION_DONE : TETHER_INVOCATION_ENDING;
  return TETHER_OK;
}

Status Invocation::complete(const uint8_t *value, size_t length) {
  last_ = &error_;
  Status status = check_result("complete");
  if (status != TETHER_OK) return status;
  if (value == nullptr && length != 0) {
    return usage(TETHER_INVALID_ARGUMENT, "complete: value is NULL with length %zu", length);
  }
  size_t size = output_value_size(length);
  if (size > output_limit_) return too_large(size);
  ByteBuffer result(allocator_);
  status = encode_output_value(result, value, length);
  if (status != TETHER_OK) {
    return error_.set(status, "no memory to encode an output of %zu bytes", length);
  }
  return queue_result(TETHER_MSG_OUTPUT_COMMAND, result);
}

// The 413 Failure in place of an output over the limit (complete, output_begin).
Status Invocation::too_large(size_t size) {
  char text[160];
  int n = snprintf(text, sizeof text,
                   "output message of %zu bytes exceeds the message size limit of %llu bytes", size,
                   static_cast<unsigned long long>(output_limit_));
  // Cut to fit the limit it names (a Failure over it would be refused in turn), and
  // never held back by the budget: the invocation always completes with it.
  Status status =
      queue_final(TETHER_MSG_OUTPUT_COMMAND, kPayloadTooLarge, text, static_cast<size_t>(n));
  if (status != TETHER_OK) {
    return error_.set(status, "the 413 Failure could not be queued: %s",
                      session_->error().message());
  }
  return usage(TETHER_MESSAGE_TOO_LARGE, "%s", text);
}

Status Invocation::output_begin(uint64_t length) {
  last_ = &error_;
  Status status = check_result("output_begin");
  if (status != TETHER_OK) return status;
  // A length near 2^64 would wrap the encoded size.
  size_t size = length > SIZE_MAX - kOutputValuePrefixMax ? SIZE_MAX : output_value_size(length);
  if (size > output_limit_) return too_large(size);
  uint8_t prefix[kOutputValuePrefixMax];
  size_t prefix_length = put_output_value_prefix(prefix, static_cast<size_t>(length));
  status = session_->begin_stream(TETHER_MSG_OUTPUT_COMMAND, size, prefix, prefix_length);
  if (status == TETHER_WOULD_BLOCK) {
    blocked_ = true;
    return usage(status, "outbound budget full: retry after a WRITABLE event");
  }
  if (status != TETHER_OK) return usage(status, "%s", session_->error().message());
  streaming_ = true;
  return TETHER_OK;
}

// The stream ended under an open output (it failed, or was aborted).
Status Invocation::check_open(const char *call) {
  if (state_ == TETHER_INVOCATION_DONE) {
    streaming_ = false;
    return usage(TETHER_CLOSED, "%s: the stream ended: %s", call, error_.message());
  }
  if (!streaming_) {
    return usage(TETHER_INVALID_STATE, "%s: no streamed output is open (output_begin)", call);
  }
  return TETHER_OK;
}

Status Invocation::output_write(const uint8_t *data, size_t length, size_t *written) {
  last_ = &error_;
  *written = 0;
  Status status = check_open("output_write");
  if (status != TETHER_OK) return status;
  if (length > session_->stream_left()) {
    return usage(TETHER_INVALID_ARGUMENT,
                 "output_write of %zu bytes past the declared length: %llu bytes are left; "
                 "nothing was queued",
                 length, static_cast<unsigned long long>(session_->stream_left()));
  }
  if (length == 0) return TETHER_OK;
  status = session_->write_stream(data, length, written);
  if (status == TETHER_WOULD_BLOCK) blocked_ = true;
  if (status != TETHER_OK) return usage(status, "output_write: %s", session_->error().message());
  return TETHER_OK;
}

Status Invocation::output_finish() {
  last_ = &error_;
  Status status = check_open("output_finish");
  if (status != TETHER_OK) return status;
  uint64_t left = session_->stream_left();
  if (left != 0) {
    return usage(TETHER_INVALID_STATE,
                 "output_finish: %llu value bytes short of the length given to output_begin",
                 static_cast<unsigned long long>(left));
  }
  streaming_ = false;
  state_ = TETHER_INVOCATION_ENDING;
  return TETHER_OK;
}

Status Invocation::check_message(const char *call, const char *message, size_t length, size_t size,
                                 uint64_t limit) {
  if (message == nullptr && length != 0) {
    return usage(TETHER_INVALID_ARGUMENT, "%s: message is NULL with length %zu", call, length);
  }
  if (!valid_utf8(message, length)) {
    return usage(TETHER_INVALID_ARGUMENT, "%s: message is not valid UTF-8", call);
  }
  if (size > limit) {
    return usage(TETHER_MESSAGE_TOO_LARGE,
                 "%s: a message of %zu bytes exceeds the message size limit of %llu bytes", call,
                 size, static_cast<unsigned long long>(limit));
  }
  return TETHER_OK;
}

Status Invocation::fail_terminal(uint32_t code, const char *message, size_t length) {
  last_ = &error_;
  Status status = check_result("fail_terminal");
  if (status == TETHER_OK) {
    status = check_message("fail_terminal", message, length, output_failure_size(code, length),
                           output_limit_);
  }
  if (status != TETHER_OK) return status;
  ByteBuffer result(allocator_);
  status = encode_output_failure(result, code, message, length);
  if (status != TETHER_OK) return error_.set(status, "no memory to encode a Failure");
  return queue_result(TETHER_MSG_OUTPUT_COMMAND, result);
}

Status Invocation::fail_retryable(uint32_t code, const char *message, size_t length) {
  last_ = &error_;
  Status status = check_result("fail_retryable");
  if (status == TETHER_OK) {
    status = check_message("fail_retryable", message, length, output_failure_size(code, length),
                           error_limit());
  }
  if (status != TETHER_OK) return status;
  ByteBuffer result(allocator_);
  status = encode_error(result, code, message, length);
  if (status != TETHER_OK) return error_.set(status, "no memory to encode an ErrorMessage");
  return queue_result(TETHER_MSG_ERROR, result);
}

Status Invocation::send_end() {
  // Every Ping read so far has been dispatched (next_event is EMPTY): End may go.
  Status status = session_->send_final(TETHER_MSG_END, nullptr, 0);
  state_ = TETHER_INVOCATION_DONE;
  if (status != TETHER_OK) {
    return error_.set(status, "End could not be queued: %s", session_->error().message());
  }
  return TETHER_OK;
}

}  // namespace tether
