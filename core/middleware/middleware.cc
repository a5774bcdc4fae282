#include "middleware/middleware.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "invocation/messages.h"
#include "session/owner.h"

namespace tether {
namespace {

constexpr uint32_t kPayloadTooLarge = 413;
// A handed-out span this large is not kept allocated for the next, smaller one.
constexpr size_t kKeepCapacity = 1u << 20;
// An SDK frame larger than this is passed on as it comes, in pieces under the high
// watermark, instead of being queued (or reassembled) whole: the SDK already holds
// one copy of it.
constexpr size_t kAppendAbove = 1u << 20;

}  // namespace

Middleware *Middleware::create(const tether_session_options *session_options,
                               uint64_t max_output_size, Status *status) {
  return create_over_session<Middleware>(session_options, max_output_size, status);
}

void Middleware::destroy(Middleware *middleware) {
  if (middleware == nullptr) return;
  Allocator allocator = middleware->allocator_;
  allocator.destroy(middleware);
}

Middleware::Middleware(const Allocator &allocator, Session *session, uint64_t output_limit)
    : allocator_(allocator),
      session_(session),
      output_limit_(output_limit),
      to_sdk_(allocator),
      partial_(allocator) {}

Middleware::~Middleware() { Session::destroy(session_); }

Status Middleware::usage(Status status, const char *format, ...) {
  char text[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  usage_.clear();
  usage_.set(status, "%s", text);
  last_ = &usage_;
  return status;
}

// ---- Runtime -> SDK ----------------------------------------------------------

Status Middleware::feed(const uint8_t *data, size_t length, size_t *consumed) {
  last_ = &session_->error();
  return session_->feed(data, length, consumed);
}

Status Middleware::finish_input() {
  last_ = &session_->error();
  Status status = session_->finish_input();
  if (status == TETHER_OK) input_finished_ = true;
  return status;
}

Status Middleware::take_sdk_input(const uint8_t **data, size_t *length) {
  last_ = &session_->error();
  if (data == nullptr || length == nullptr) {
    return usage(TETHER_INVALID_ARGUMENT, "take_sdk_input: data or length is NULL");
  }
  *data = nullptr;
  *length = 0;
  if (to_sdk_.capacity() > kKeepCapacity) to_sdk_.shrink();
  to_sdk_.clear();
  // The common case, no Ping and no chunks queued: the session's queue is already the
  // plain frames, handed out in place without a copy.
  if (session_->take_plain_frames(data, length)) return TETHER_OK;
  for (;;) {
    tether_event event;
    Status status = session_->next_event(&event);
    // WOULD_BLOCK: a Pong waits for the transport to take output; it stays first.
    if (status == TETHER_EMPTY || status == TETHER_WOULD_BLOCK) break;
    if (status != TETHER_OK) {
      to_sdk_.clear();  // the stream failed: the SDK is given nothing more
      return status;
    }
    if (event.kind != TETHER_EVENT_MESSAGE) continue;  // Pings are answered, WRITABLE is ours
    Status reserved = to_sdk_.reserve_back(kFrameHeaderSize + event.length, SIZE_MAX);
    if (reserved != TETHER_OK) {
      return usage(reserved, "no memory to hand a %s message of %zu bytes to the SDK",
                   type_name(event.type), event.length);
    }
    // A reassembled message carries its first chunk's flags without CONTINUED.
    encode_header(FrameHeader{event.type, event.flags, static_cast<uint32_t>(event.length)},
                  to_sdk_.back());
    if (event.length != 0) std::memcpy(to_sdk_.back() + kFrameHeaderSize, event.data, event.length);
    to_sdk_.commit_back(kFrameHeaderSize + event.length);
  }
  if (to_sdk_.empty() && input_finished_) return TETHER_CLOSED;
  *data = to_sdk_.empty() ? nullptr : to_sdk_.data();
  *length = to_sdk_.size();
  return TETHER_OK;
}

// ---- SDK -> runtime ----------------------------------------------------------

// What the session's answer to the SDK's frame means for the rest of its output:
// CLOSED (the stream already ended) drops it quietly, any other refusal drops it and
// names the frame.
Status Middleware::settle(Status status) {
  if (status == TETHER_CLOSED) {
    dropping_ = true;
    return TETHER_OK;
  }
  if (status != TETHER_OK) {
    dropping_ = true;
    error_.set(status, "the SDK's %s message (type 0x%04x, %u bytes) cannot be sent: %s",
               type_name(header_.type), header_.type, header_.length, session_->error().message());
    last_ = &error_;
  }
  return status;
}

// One whole SDK frame: queued through the session (which chunks it when chunked/1 is
// active). A stream that already ended (End sent, or malformed input answered with
// an ErrorMessage) drops the rest of the SDK's output.
Status Middleware::pass(const uint8_t *payload) {
  Status status = session_->send(header_.type, payload, header_.length, header_.flags);
  if (status == TETHER_WOULD_BLOCK) {
    last_ = &session_->error();
    return status;
  }
  in_payload_ = false;
  partial_.clear();
  if (partial_.capacity() > kKeepCapacity) partial_.shrink();
  return settle(status);
}

// Part of a large SDK frame (*used advanced by what the session took): TETHER_OK
// once the frame is complete or the data ran out, TETHER_WOULD_BLOCK at the high
// watermark.
Status Middleware::append(const uint8_t *data, size_t length, size_t *used) {
  if (opened_ && session_->stream_left() == 0) {  // the stream failed inside the frame
    dropping_ = true;
    return TETHER_OK;
  }
  Status status = TETHER_OK;
  if (!opened_) {
    status = session_->begin_stream(header_.type, header_.length, nullptr, 0, header_.flags);
    if (status == TETHER_OK) opened_ = true;
  }
  if (status == TETHER_OK && length != 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(length, session_->stream_left()));
    size_t took = 0;
    status = session_->write_stream(data, want, &took);
    *used += took;
    // Short of what the frame needs from this call: the watermark stopped it.
    if (status == TETHER_OK && took < want) status = TETHER_WOULD_BLOCK;
  }
  if (status == TETHER_OK && opened_ && session_->stream_left() == 0) {
    in_payload_ = appending_ = opened_ = false;
  }
  if (status == TETHER_WOULD_BLOCK) {
    last_ = &session_->error();
    return status;
  }
  return settle(status);
}

// The runtime would refuse this message and retry the invocation forever: it ends
// here, failed terminally, and nothing more of the SDK's output goes out.
Status Middleware::replace_oversize() {
  char text[200];
  int n = std::snprintf(
      text, sizeof text, "%s message of %u bytes exceeds the message size limit of %llu bytes",
      header_.type == TETHER_MSG_OUTPUT_COMMAND ? "output" : type_name(header_.type),
      header_.length, static_cast<unsigned long long>(output_limit_));
  dropping_ = true;
  replaced_ = true;
  ByteBuffer body(allocator_);
  Status status = encode_output_failure(body, kPayloadTooLarge, text, static_cast<size_t>(n));
  if (status == TETHER_OK) {
    status = session_->send_final(TETHER_MSG_OUTPUT_COMMAND, body.data(), body.size());
  }
  if (status == TETHER_OK) status = session_->send_final(TETHER_MSG_END, nullptr, 0);
  if (status != TETHER_OK && status != TETHER_CLOSED) {
    error_.set(status, "%s, and the 413 Failure could not be queued", text);
    last_ = &error_;
    return status;
  }
  return usage(TETHER_MESSAGE_TOO_LARGE, "%s: replaced by a terminal Failure 413", text);
}

Status Middleware::sdk_output(const uint8_t *data, size_t length, size_t *consumed) {
  size_t ignored = 0;
  if (consumed == nullptr) consumed = &ignored;
  *consumed = 0;
  last_ = &error_;
  if (data == nullptr && length != 0) {
    return usage(TETHER_INVALID_ARGUMENT, "sdk_output: data is NULL with length %zu", length);
  }
  if (output_ended_) return usage(TETHER_CLOSED, "sdk_output after sdk_output_end");
  size_t used = 0;
  while (!dropping_) {
    if (!in_payload_) {
      size_t take = std::min(kFrameHeaderSize - header_fill_, length - used);
      if (take != 0) std::memcpy(header_bytes_ + header_fill_, data + used, take);
      header_fill_ += take;
      used += take;
      if (header_fill_ < kFrameHeaderSize) break;
      header_fill_ = 0;
      header_ = decode_header(header_bytes_);
      if (header_.length > output_limit_) {
        *consumed = length;  // this message and everything after it are dropped
        return replace_oversize();
      }
      in_payload_ = true;
      appending_ = header_.length > kAppendAbove;
    }
    size_t available = length - used;
    Status status;
    if (appending_) {
      status = append(data + used, available, &used);
      if (status == TETHER_OK && in_payload_) break;  // the data ran out inside the frame
    } else if (partial_.empty() && available >= header_.length) {
      status = pass(data + used);  // the whole frame is in this call: no copy of our own
      if (status != TETHER_WOULD_BLOCK) used += header_.length;
    } else {
      size_t take = std::min<size_t>(header_.length - partial_.size(), available);
      status = partial_.append(data + used, take, SIZE_MAX);
      if (status != TETHER_OK) {
        *consumed = used;
        return usage(status, "no memory to hold a %u-byte SDK frame", header_.length);
      }
      used += take;
      if (partial_.size() < header_.length) break;
      status = pass(partial_.data());
    }
    if (status != TETHER_OK) {
      *consumed = used;
      return status;
    }
  }
  if (dropping_) used = length;
  *consumed = used;
  return TETHER_OK;
}

Status Middleware::sdk_output_end() {
  last_ = &error_;
  if (!dropping_ && in_payload_ && !appending_ && partial_.size() == header_.length) {
    // A whole frame still waits for room: sdk_output(NULL, 0) retries it once output
    // drained; ending now would lose it.
    return usage(TETHER_WOULD_BLOCK, "the SDK's last %s frame waits for output to drain",
                 type_name(header_.type));
  }
  output_ended_ = true;
  if (!dropping_ && (header_fill_ != 0 || in_payload_)) {
    return usage(TETHER_TRUNCATED, "the SDK's output ended inside a %s frame",
                 in_payload_ ? type_name(header_.type) : "(header of a)");
  }
  return TETHER_OK;
}

Status Middleware::pending_output(const uint8_t **data, size_t *length) {
  last_ = &session_->error();
  return session_->pending_output(data, length);
}

Status Middleware::consume_output(size_t n) {
  last_ = &session_->error();
  return session_->consume_output(n);
}

void Middleware::session_stats(tether_session_stats *out) const { session_->stats(out); }

}  // namespace tether
