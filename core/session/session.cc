#include "session/session.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>

#include "chunk/splitter.h"
#include "frame/encoder.h"
#include "frame/error_message.h"
#include "frame/header.h"
#include "session/ping.h"

namespace tether {

// A complete inbound message in the queue, followed by its payload, or (external)
// by the pointer to its reassembled buffer.
struct Session::Record {
  uint64_t length;        // payload bytes
  uint32_t nonce_offset;  // Ping: where the nonce starts in the payload
  uint16_t type;
  uint16_t flags;
  uint8_t nonce_length;
  uint8_t external;
  uint8_t answered;  // Ping: its Pong is queued
  uint8_t reserved[5];
};

size_t Session::record_stride(const Record &record) {
  return sizeof record + (record.external ? sizeof(uint8_t *) : record.length);
}

namespace {

constexpr uint32_t kProtocolViolation = 571;  // ErrorMessage code (sdk-shared-core)
// Outbound bytes that Pongs may add above the level the last send() left: the
// queue stays bounded while a transport that takes no output is fed Pings.
constexpr uint64_t kPongAllowance = 64 * 1024;
constexpr uint64_t kDefaultHigh = 4u << 20;
// Budget charged per queued message on top of its payload (its frame header).
constexpr uint64_t kMessageOverhead = kFrameHeaderSize;

// A watermark near UINT64_MAX must not wrap the Pong ceiling to a small number.
uint64_t saturating_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

void session_default_options(tether_session_options *options) {
  *options = tether_session_options{};
  options->struct_size = sizeof *options;
  options->protocol_version = TETHER_PROTOCOL_MAX_VERSION;
  options->max_frame_payload = TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
  options->max_message_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
}

Session *Session::create(const tether_session_options *given, Status *status) {
  tether_session_options options;
  session_default_options(&options);
  if (given != nullptr) options = *given;
  *status = TETHER_INVALID_ARGUMENT;
  if (options.protocol_version < TETHER_PROTOCOL_MIN_VERSION ||
      options.protocol_version > TETHER_PROTOCOL_MAX_VERSION || options.max_frame_payload == 0 ||
      options.max_message_size == 0 || options.max_message_size > UINT32_MAX ||
      (options.extensions & ~TETHER_EXT_ALL) != 0 || !Allocator::valid(options.allocator)) {
    return nullptr;
  }
  uint64_t frame = options.max_frame_payload;
  uint64_t minimum = options.max_message_size + frame + kFrameHeaderSize;
  if (options.inbound_budget == 0) {
    options.inbound_budget = std::max(options.max_message_size + 2 * frame, minimum);
  }
  if (options.inbound_budget < minimum) return nullptr;
  if (options.outbound_high_watermark == 0) options.outbound_high_watermark = kDefaultHigh;
  if (options.outbound_low_watermark == 0) {
    options.outbound_low_watermark = options.outbound_high_watermark / 4;
  }
  if (options.outbound_low_watermark > options.outbound_high_watermark) return nullptr;

  Allocator allocator(options.allocator);
  void *memory = allocator.allocate(sizeof(Session));
  if (memory == nullptr) {
    *status = TETHER_NO_MEMORY;
    return nullptr;
  }
  *status = TETHER_OK;
  return new (memory) Session(allocator, options);
}

void Session::destroy(Session *session) {
  if (session == nullptr) return;
  Allocator allocator = session->allocator_;
  session->~Session();
  allocator.release(session);
}

namespace {

bool chunked(const tether_session_options &options) {
  return (options.extensions & TETHER_EXT_CHUNKED) != 0;
}

FrameLimits inbound_limits(const tether_session_options &options) {
  if (!chunked(options)) {
    // No chunking: one frame carries one message of up to max_message_size.
    return FrameLimits{static_cast<uint32_t>(options.max_message_size), false,
                       options.protocol_version};
  }
  auto frame = std::min<uint64_t>(options.max_frame_payload, options.max_message_size);
  return FrameLimits{static_cast<uint32_t>(frame), true, options.protocol_version};
}

}  // namespace

Session::Session(const Allocator &allocator, const tether_session_options &options)
    : allocator_(allocator),
      options_(options),
      frame_out_limit_(inbound_limits(options).max_frame_payload),
      reader_(inbound_limits(options)),
      reassembly_(allocator, options.max_message_size),
      inbound_(allocator),
      outbound_(allocator),
      held_pongs_(allocator),
      inbound_budget_(options.inbound_budget, options.inbound_budget),
      outbound_budget_(options.outbound_high_watermark, options.outbound_low_watermark),
      pong_ceiling_(saturating_add(options.outbound_high_watermark, kPongAllowance)) {
  stats_.struct_size = sizeof stats_;
}

Session::~Session() {
  drop_inbound();
  allocator_.release(held_);
}

const ErrorSlot &Session::error() const { return error_; }

// Records why a call was refused and returns that status (ErrorSlot::set would
// return the stream's fatal status instead once the stream has failed).
Status Session::refuse(Status status, const char *format, ...) {
  char text[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  error_.set(status, "%s", text);
  return status;
}
const tether_session_options &Session::options() const { return options_; }

void Session::drop_inbound() {
  for (size_t at = 0; at < committed_;) {
    Record record;
    std::memcpy(&record, inbound_.data() + at, sizeof record);
    if (record.external) {
      uint8_t *data;
      std::memcpy(&data, inbound_.data() + at + sizeof record, sizeof data);
      allocator_.release(data);
    }
    at += record_stride(record);
  }
  inbound_.shrink();
  committed_ = open_written_ = 0;
  reassembly_.reset();
  inbound_budget_.reset();
}

void Session::release_held() {
  allocator_.release(held_);
  held_ = nullptr;
  // A burst of large messages must not keep its queue memory once dispatched.
  if (inbound_.empty() && inbound_.capacity() > options_.max_frame_payload) inbound_.shrink();
}

// ---- Input -------------------------------------------------------------------

Status Session::feed(const uint8_t *data, size_t length, size_t *consumed) {
  *consumed = 0;
  if (data == nullptr && length != 0) {
    return refuse(TETHER_INVALID_ARGUMENT, "feed: data is NULL with length %zu", length);
  }
  if (failed_) return TETHER_STREAM_FAILED;  // error() keeps the cause
  if (input_done_) return refuse(TETHER_CLOSED, "feed after finish_input");
  release_held();
  size_t used = 0;
  Status status = pending_header_ ? admit_header() : TETHER_OK;
  while (status == TETHER_OK) {
    FrameReader::Result step = reader_.read(data + used, length - used);
    used += step.consumed;
    if (step.event == FrameReader::Event::kNeedMore) break;
    switch (step.event) {
      case FrameReader::Event::kHeader:
        pending_header_ = true;
        status = admit_header();
        break;
      case FrameReader::Event::kPayload:
        status = take_payload(step);
        break;
      default:
        status = reader_.error().status();
        if (status == TETHER_FRAME_TOO_LARGE && !chunked(options_)) {
          // Without chunking the frame limit is the message limit: say so.
          error_.set(status,
                     "a %s message of %u bytes is over max_message_size %llu (chunked/1 not "
                     "negotiated: one frame per message)",
                     type_name(reader_.header().type), reader_.header().length,
                     static_cast<unsigned long long>(options_.max_message_size));
        } else {
          error_.set(status, "%s", reader_.error().message());
        }
        status = fail(status);
        break;
    }
    if (status == TETHER_OK && used == length && step.event == FrameReader::Event::kPayload &&
        !step.end_of_frame) {
      break;
    }
  }
  stats_.bytes_in += used;
  *consumed = used;
  return status;
}

// A validated header: checks it against the protocol version and the message in
// progress, then against the budget, and makes room for its payload.
Status Session::admit_header() {
  const FrameHeader &header = reader_.header();
  bool ping = (options_.extensions & TETHER_EXT_PING) != 0;
  if ((header.type == TETHER_MSG_PING || header.type == TETHER_MSG_PONG) && !ping) {
    error_.set(TETHER_PROTOCOL_VIOLATION,
               "%s (type 0x%04x) on a stream that did not negotiate the ping/1 extension "
               "(tether-extensions)",
               type_name(header.type), header.type);
    return fail(TETHER_PROTOCOL_VIOLATION);
  }
  if (header.type == TETHER_MSG_PONG) {
    error_.set(TETHER_PROTOCOL_VIOLATION, "a Pong was sent to the SDK; only the SDK sends Pongs");
    return fail(TETHER_PROTOCOL_VIOLATION);
  }
  Reassembler::Role role;
  Status status = reassembly_.classify(header, &role, error_);
  if (status != TETHER_OK) return fail(status);
  bool completes = role == Reassembler::Role::kMessage || role == Reassembler::Role::kLastChunk;
  uint64_t need = header.length + (completes ? kMessageOverhead : 0);
  if (!inbound_budget_.fits(need)) return TETHER_WOULD_BLOCK;  // the header stays pending

  if (role == Reassembler::Role::kMessage) {
    status = inbound_.reserve_back(sizeof(Record) + header.length, SIZE_MAX);
    if (status != TETHER_OK) {
      error_.set(TETHER_NO_MEMORY, "no memory to queue a %u-byte %s message", header.length,
                 type_name(header.type));
      return fail(TETHER_NO_MEMORY);
    }
    Record record{};
    record.length = header.length;
    record.type = header.type;
    record.flags = header.flags;
    std::memcpy(inbound_.back(), &record, sizeof record);
    inbound_.commit_back(sizeof record);
    open_written_ = 0;
  } else {
    status = reassembly_.begin_chunk(header, role, error_);
    if (status != TETHER_OK) return fail(status);
    ++stats_.chunks_in;
  }
  inbound_budget_.add(need);
  ++stats_.frames_in;
  role_ = role;
  pending_header_ = false;
  return TETHER_OK;
}

Status Session::take_payload(const FrameReader::Result &step) {
  if (role_ == Reassembler::Role::kMessage) {
    if (step.size != 0) std::memcpy(inbound_.back(), step.data, step.size);
    inbound_.commit_back(step.size);
    open_written_ += step.size;
  } else {
    reassembly_.append(step.data, step.size);
  }
  return step.end_of_frame ? end_of_frame() : TETHER_OK;
}

Status Session::end_of_frame() {
  if (role_ == Reassembler::Role::kFirstChunk || role_ == Reassembler::Role::kChunk) {
    return TETHER_OK;
  }
  if (role_ == Reassembler::Role::kMessage) {
    uint8_t *at = inbound_.back() - open_written_ - sizeof(Record);
    Record record;
    std::memcpy(&record, at, sizeof record);
    if (record.type == TETHER_MSG_PING) {
      size_t offset = 0, length = 0;
      Status status = parse_ping(at + sizeof record, record.length, &offset, &length, error_);
      if (status != TETHER_OK) return fail(status);
      record.nonce_offset = static_cast<uint32_t>(offset);
      record.nonce_length = static_cast<uint8_t>(length);
      std::memcpy(at, &record, sizeof record);
    }
  } else {  // the last chunk: the reassembled buffer joins the queue as it is
    Record record{};
    record.type = reassembly_.type();
    record.flags = reassembly_.flags();
    record.external = 1;
    uint8_t *data;
    size_t size;
    reassembly_.take(&data, &size);
    record.length = size;
    if (inbound_.reserve_back(sizeof record + sizeof data, SIZE_MAX) != TETHER_OK) {
      allocator_.release(data);
      error_.set(TETHER_NO_MEMORY, "no memory to queue a reassembled %s message",
                 type_name(record.type));
      return fail(TETHER_NO_MEMORY);
    }
    std::memcpy(inbound_.back(), &record, sizeof record);
    std::memcpy(inbound_.back() + sizeof record, &data, sizeof data);
    inbound_.commit_back(sizeof record + sizeof data);
  }
  committed_ = inbound_.size();
  ++stats_.messages_in;
  return TETHER_OK;
}

Status Session::finish_input() {
  if (failed_) return TETHER_STREAM_FAILED;
  if (input_done_) return TETHER_OK;
  release_held();
  input_done_ = true;
  Status status = reader_.finish();
  if (status != TETHER_OK) {
    error_.set(status, "%s", reader_.error().message());
    return fail(status);
  }
  if (reassembly_.active()) {
    error_.set(TETHER_TRUNCATED, "stream ended inside a chunked %s message after %zu bytes",
               type_name(reassembly_.type()), reassembly_.size());
    return fail(TETHER_TRUNCATED);
  }
  return TETHER_OK;
}

// error_ holds the cause. Later input is refused, queued messages are dropped, and
// the runtime is told why in an ErrorMessage (unless End or Error already went).
Status Session::fail(Status status) {
  failed_ = true;
  pending_header_ = false;
  reader_.fail();
  drop_inbound();
  // Inside an appended message's frame no ErrorMessage can be framed: the stream
  // ends short there and the runtime fails it on the truncated frame.
  if (!closed_ && frame_left_ == 0) queue_error_message();
  closed_ = true;
  open_left_ = frame_left_ = 0;
  held_pongs_.clear();
  return status;
}

void Session::queue_error_message() {
  const char *text = error_.message();
  ByteBuffer body(allocator_);
  if (encode_error(body, kProtocolViolation, text, std::strlen(text)) != TETHER_OK ||
      append_frame(outbound_, TETHER_MSG_ERROR, 0, body.data(), static_cast<uint32_t>(body.size()),
                   SIZE_MAX) != TETHER_OK) {
    return;  // out of memory: error() still names the cause for the caller
  }
  outbound_budget_.add(kFrameHeaderSize + body.size());
  ++stats_.frames_out;
  ++stats_.messages_out;
}

// ---- Dispatch ----------------------------------------------------------------

Status Session::queue_pong(const uint8_t *nonce, size_t length, bool over_ceiling) {
  size_t size = nonce_frame_size(length);
  if (!over_ceiling && outbound_budget_.used() + size > pong_ceiling_) {
    return refuse(TETHER_WOULD_BLOCK,
                  "%llu bytes of output wait for the transport: take output before more "
                  "Pings can be answered",
                  static_cast<unsigned long long>(outbound_budget_.used()));
  }
  // Inside an appended message's frame a Pong cannot go out yet: it waits for the
  // frame's end (counted in the budget once it joins the output).
  bool hold = frame_left_ != 0;
  if (append_nonce_frame(hold ? held_pongs_ : outbound_, TETHER_MSG_PONG, nonce, length) !=
      TETHER_OK) {
    return refuse(TETHER_NO_MEMORY, "no memory to queue a Pong");
  }
  if (!hold) outbound_budget_.add(size);
  ++stats_.frames_out;
  ++stats_.messages_out;
  ++stats_.pings_answered;
  return TETHER_OK;
}

Status Session::next_event(tether_event *event) {
  if (event == nullptr) return refuse(TETHER_INVALID_ARGUMENT, "next_event: event is NULL");
  release_held();
  if (failed_) return error_.status();
  if (writable_) {
    writable_ = false;
    *event = tether_event{TETHER_EVENT_WRITABLE, 0, 0, nullptr, 0, 0};
    return TETHER_OK;
  }
  if (committed_ == 0) return TETHER_EMPTY;
  Record record;
  std::memcpy(&record, inbound_.data(), sizeof record);
  const uint8_t *payload = inbound_.data() + sizeof record;
  if (record.external) {
    std::memcpy(&held_, payload, sizeof held_);
    payload = held_;
  }
  if (record.type == TETHER_MSG_PING) {
    const uint8_t *nonce = payload + record.nonce_offset;
    if (!record.answered && !closed_) {
      Status status = queue_pong(nonce, record.nonce_length, false);
      if (status != TETHER_OK) return status;  // the Ping stays first in the queue
      record.answered = 1;
    }
    *event = tether_event{TETHER_EVENT_PING,   record.type,    record.flags, nonce,
                          record.nonce_length, record.answered};
  } else {
    *event = tether_event{TETHER_EVENT_MESSAGE,
                          record.type,
                          record.flags,
                          payload,
                          static_cast<size_t>(record.length),
                          0};
  }
  size_t stride = record_stride(record);
  // The payload stays in place: inbound_ only moves bytes inside feed().
  inbound_.consume_front(stride);
  committed_ -= stride;
  inbound_budget_.release(record.length + kMessageOverhead);
  return TETHER_OK;
}

// ---- Output ------------------------------------------------------------------

// Before End: every Ping read so far is answered (PROTOCOL.md), so their Pongs go
// right before it; their events later report answered = 1.
Status Session::answer_queued_pings() {
  for (size_t at = 0; at < committed_;) {
    Record record;
    std::memcpy(&record, inbound_.data() + at, sizeof record);
    if (record.type == TETHER_MSG_PING && !record.answered) {
      const uint8_t *nonce = inbound_.data() + at + sizeof record + record.nonce_offset;
      Status status = queue_pong(nonce, record.nonce_length, true);
      if (status != TETHER_OK) return status;
      record.answered = 1;
      std::memcpy(inbound_.data() + at, &record, sizeof record);
    }
    at += record_stride(record);
  }
  return TETHER_OK;
}

Status Session::send(uint16_t type, const uint8_t *payload, size_t length, uint16_t flags) {
  return queue_message(type, payload, length, flags, true);
}

Status Session::send_final(uint16_t type, const uint8_t *payload, size_t length) {
  return queue_message(type, payload, length, 0, false);
}

// The checks every send shares; TETHER_OK when the message may be queued.
Status Session::check_send(uint16_t type, size_t length, bool budgeted) {
  if (closed_) {
    return refuse(TETHER_CLOSED, "send of %s after the stream ended (End or Error was queued)",
                  type_name(type));
  }
  if (open_left_ != 0) {
    return refuse(TETHER_INVALID_ARGUMENT,
                  "send of %s while %zu bytes of an appended %s message are still to come",
                  type_name(type), open_left_, type_name(open_type_));
  }
  if (classify_type(type, options_.protocol_version) == TypeClass::kUnknown) {
    return refuse(TETHER_INVALID_ARGUMENT, "send: message type 0x%04x is not known on protocol V%u",
                  type, options_.protocol_version);
  }
  if (type == TETHER_MSG_PING || type == TETHER_MSG_PONG) {
    return refuse(TETHER_INVALID_ARGUMENT,
                  "send: %s is not for the SDK to send (Pongs are queued by next_event)",
                  type_name(type));
  }
  if (length > options_.max_message_size) {
    return refuse(TETHER_MESSAGE_TOO_LARGE,
                  "a %s message of %zu bytes is over max_message_size %llu; nothing was queued",
                  type_name(type), length,
                  static_cast<unsigned long long>(options_.max_message_size));
  }
  if (interleavable_control(type) && length > frame_out_limit_) {
    return refuse(TETHER_MESSAGE_TOO_LARGE,
                  "a %s message of %zu bytes is over max_frame_payload %u and cannot be "
                  "chunked; nothing was queued",
                  type_name(type), length, frame_out_limit_);
  }
  if (budgeted && !outbound_budget_.admit()) {
    return refuse(TETHER_WOULD_BLOCK,
                  "%llu bytes of output queued, at or above the high watermark %llu: wait "
                  "for a WRITABLE event",
                  static_cast<unsigned long long>(outbound_budget_.used()),
                  static_cast<unsigned long long>(outbound_budget_.high()));
  }
  return TETHER_OK;
}

void Session::count_message(size_t length) {
  size_t frames = chunk_count(length, frame_out_limit_);
  stats_.frames_out += frames;
  if (frames > 1) stats_.chunks_out += frames;
  ++stats_.messages_out;
  pong_ceiling_ =
      saturating_add(std::max(outbound_budget_.used(), outbound_budget_.high()), kPongAllowance);
}

Status Session::queue_message(uint16_t type, const uint8_t *payload, size_t length, uint16_t flags,
                              bool budgeted) {
  if (payload == nullptr && length != 0) {
    return refuse(TETHER_INVALID_ARGUMENT, "send: payload is NULL with length %zu", length);
  }
  Status checked = check_send(type, length, budgeted);
  if (checked != TETHER_OK) return checked;
  if (type == TETHER_MSG_END) {
    Status status = answer_queued_pings();
    if (status != TETHER_OK) return status;
  }
  flags &= static_cast<uint16_t>(~kFlagContinued);
  if (append_chunked(outbound_, type, flags, payload, length, frame_out_limit_) != TETHER_OK) {
    return refuse(TETHER_NO_MEMORY, "no memory to queue a %s message of %zu bytes", type_name(type),
                  length);
  }
  outbound_budget_.add(chunk_count(length, frame_out_limit_) * kFrameHeaderSize + length);
  count_message(length);
  if (type == TETHER_MSG_END || type == TETHER_MSG_ERROR) closed_ = true;
  return TETHER_OK;
}

Status Session::begin_message(uint16_t type, size_t length, uint16_t flags) {
  if (type == TETHER_MSG_END || type == TETHER_MSG_ERROR || length == 0) {
    return refuse(TETHER_INVALID_ARGUMENT,
                  "begin_message: a %s message of %zu bytes is for send(), not appended",
                  type_name(type), length);
  }
  Status checked = check_send(type, length, true);
  if (checked != TETHER_OK) return checked;
  open_type_ = type;
  open_flags_ = flags & static_cast<uint16_t>(~kFlagContinued);
  open_left_ = length;
  count_message(length);
  return open_frame();
}

// The header of the open message's next frame: the whole message, or its next chunk.
Status Session::open_frame() {
  size_t frame = std::min<size_t>(open_left_, frame_out_limit_);
  uint16_t flags = frame < open_left_ ? open_flags_ | kFlagContinued : open_flags_;
  if (outbound_.reserve_back(kFrameHeaderSize, SIZE_MAX) != TETHER_OK) {
    return refuse(TETHER_NO_MEMORY, "no memory to queue a %s frame header", type_name(open_type_));
  }
  encode_header(FrameHeader{open_type_, flags, static_cast<uint32_t>(frame)}, outbound_.back());
  outbound_.commit_back(kFrameHeaderSize);
  outbound_budget_.add(kFrameHeaderSize);
  frame_left_ = frame;
  return TETHER_OK;
}

Status Session::append_message(const uint8_t *data, size_t length, size_t *consumed) {
  *consumed = 0;
  if (data == nullptr && length != 0) {
    return refuse(TETHER_INVALID_ARGUMENT, "append_message: data is NULL with length %zu", length);
  }
  if (closed_) return refuse(TETHER_CLOSED, "append_message after the stream ended");
  if (open_left_ == 0) return refuse(TETHER_INVALID_ARGUMENT, "append_message: no message is open");
  while (*consumed < length && open_left_ != 0) {
    if (frame_left_ == 0) {  // a chunk boundary: Pongs held meanwhile go first
      Status status = release_held_pongs();
      if (status == TETHER_OK) status = open_frame();
      if (status != TETHER_OK) return status;
    }
    if (!outbound_budget_.admit()) {
      return refuse(TETHER_WOULD_BLOCK,
                    "%llu bytes of output queued, at or above the high watermark %llu: take "
                    "output, then append the rest",
                    static_cast<unsigned long long>(outbound_budget_.used()),
                    static_cast<unsigned long long>(outbound_budget_.high()));
    }
    size_t take =
        std::min({length - *consumed, frame_left_,
                  static_cast<size_t>(outbound_budget_.high() - outbound_budget_.used())});
    if (outbound_.append(data + *consumed, take, SIZE_MAX) != TETHER_OK) {
      return refuse(TETHER_NO_MEMORY, "no memory to queue %zu bytes of a %s message", take,
                    type_name(open_type_));
    }
    outbound_budget_.add(take);
    *consumed += take;
    frame_left_ -= take;
    open_left_ -= take;
  }
  return open_left_ == 0 ? release_held_pongs() : TETHER_OK;
}

Status Session::release_held_pongs() {
  if (held_pongs_.empty()) return TETHER_OK;
  if (outbound_.append(held_pongs_.data(), held_pongs_.size(), SIZE_MAX) != TETHER_OK) {
    return refuse(TETHER_NO_MEMORY, "no memory to queue the Pongs held behind a frame");
  }
  outbound_budget_.add(held_pongs_.size());
  held_pongs_.clear();
  held_pongs_.shrink();
  return TETHER_OK;
}

Status Session::pending_output(const uint8_t **data, size_t *length) {
  if (data == nullptr || length == nullptr) {
    return refuse(TETHER_INVALID_ARGUMENT, "pending_output: data or length is NULL");
  }
  *length = outbound_.size();
  *data = *length != 0 ? outbound_.data() : nullptr;
  return TETHER_OK;
}

Status Session::consume_output(size_t n) {
  if (n > outbound_.size()) {
    return refuse(TETHER_INVALID_ARGUMENT,
                  "consume_output of %zu bytes, but only %zu bytes are pending", n,
                  outbound_.size());
  }
  outbound_.consume_front(n);
  stats_.bytes_out += n;
  if (outbound_budget_.release(n)) writable_ = true;
  if (outbound_.empty() && outbound_.capacity() > outbound_budget_.high()) outbound_.shrink();
  return TETHER_OK;
}

void Session::stats(tether_session_stats *out) const {
  tether_session_stats all = stats_;
  all.inbound_buffered = inbound_budget_.used();
  all.outbound_buffered = outbound_budget_.used();
  all.peak_inbound_buffered = inbound_budget_.peak();
  all.peak_outbound_buffered = outbound_budget_.peak();
  size_t size = std::min(out->struct_size, sizeof all);
  if (size <= sizeof all.struct_size) return;
  std::memcpy(reinterpret_cast<uint8_t *>(out) + sizeof all.struct_size,
              reinterpret_cast<const uint8_t *>(&all) + sizeof all.struct_size,
              size - sizeof all.struct_size);
}

}  // namespace tether
