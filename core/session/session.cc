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

// A complete inbound message in the queue, kept in wire layout so that a run of plain
// messages is handed out as it is (take_plain_frames): the frame header as read, then
// the payload. A Ping's payload is followed by a PingNote; a reassembled message
// carries the CONTINUED flag (no queued frame has it: such frames are chunks) and, in
// place of its payload, the pointer to its buffer.
struct Session::Record {
  FrameHeader header;  // flags without the CONTINUED marker
  bool external;
};

namespace {

struct PingNote {
  uint32_t nonce_offset;  // where the nonce starts in the payload
  uint8_t nonce_length;
  uint8_t answered;  // its Pong is queued
  uint8_t reserved[2];
};

}  // namespace

Session::Record Session::read_record(const uint8_t *at) {
  FrameHeader header = decode_header(at);
  bool external = (header.flags & kFlagContinued) != 0;
  header.flags &= static_cast<uint16_t>(~kFlagContinued);
  return Record{header, external};
}

size_t Session::record_stride(const Record &record) {
  if (record.external) return kFrameHeaderSize + sizeof(uint8_t *);
  size_t note = record.header.type == TETHER_MSG_PING ? sizeof(PingNote) : 0;
  return kFrameHeaderSize + record.header.length + note;
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
      max_message_size_(options.max_message_size),
      max_frame_payload_(options.max_frame_payload),
      protocol_version_(options.protocol_version),
      extensions_(options.extensions),
      frame_out_limit_(inbound_limits(options).max_frame_payload),
      reader_(inbound_limits(options), &allocator_),
      reassembly_(allocator, options.max_message_size),
      inbound_(allocator),
      outbound_(allocator),
      inbound_budget_(options.inbound_budget, options.inbound_budget),
      outbound_budget_(options.outbound_high_watermark, options.outbound_low_watermark),
      error_(&allocator_),
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

void Session::drop_inbound() {
  for (size_t at = 0; at < committed_;) {
    Record record = read_record(inbound_.data() + at);
    if (record.external) {
      uint8_t *data;
      std::memcpy(&data, inbound_.data() + at + kFrameHeaderSize, sizeof data);
      allocator_.release(data);
    }
    at += record_stride(record);
  }
  inbound_.shrink();
  committed_ = open_written_ = 0;
  special_queued_ = 0;
  reassembly_.reset();
  inbound_budget_.reset();
}

void Session::release_held() {
  allocator_.release(held_);
  held_ = nullptr;
  // A burst of large messages must not keep its queue memory once dispatched.
  if (inbound_.empty() && inbound_.capacity() > max_frame_payload_) inbound_.shrink();
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
        if (status == TETHER_FRAME_TOO_LARGE && (extensions_ & TETHER_EXT_CHUNKED) == 0) {
          // Without chunking the frame limit is the message limit: say so.
          error_.set(status,
                     "a %s message of %u bytes is over max_message_size %llu (chunked/1 not "
                     "negotiated: one frame per message)",
                     type_name(reader_.header().type), reader_.header().length,
                     static_cast<unsigned long long>(max_message_size_));
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
  bool ping = (extensions_ & TETHER_EXT_PING) != 0;
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
    size_t note = header.type == TETHER_MSG_PING ? sizeof(PingNote) : 0;
    status = inbound_.reserve_back(kFrameHeaderSize + header.length + note, SIZE_MAX);
    if (status != TETHER_OK) {
      error_.set(TETHER_NO_MEMORY, "no memory to queue a %u-byte %s message", header.length,
                 type_name(header.type));
      return fail(TETHER_NO_MEMORY);
    }
    encode_header(header, inbound_.back());
    inbound_.commit_back(kFrameHeaderSize);
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
    if (reader_.header().type == TETHER_MSG_PING) {
      const uint8_t *payload = inbound_.back() - open_written_;
      size_t offset = 0, length = 0;
      Status status = parse_ping(payload, open_written_, &offset, &length, error_);
      if (status != TETHER_OK) return fail(status);
      PingNote note{static_cast<uint32_t>(offset), static_cast<uint8_t>(length), 0, {}};
      std::memcpy(inbound_.back(), &note, sizeof note);  // admit_header made room
      inbound_.commit_back(sizeof note);
      ++special_queued_;
    }
  } else {  // the last chunk: the reassembled buffer joins the queue as it is
    FrameHeader header{reassembly_.type(),
                       static_cast<uint16_t>(reassembly_.flags() | kFlagContinued), 0};
    uint8_t *data;
    size_t size;
    reassembly_.take(&data, &size);
    header.length = static_cast<uint32_t>(size);  // at most max_message_size (UINT32_MAX)
    if (inbound_.reserve_back(kFrameHeaderSize + sizeof data, SIZE_MAX) != TETHER_OK) {
      allocator_.release(data);
      error_.set(TETHER_NO_MEMORY, "no memory to queue a reassembled %s message",
                 type_name(header.type));
      return fail(TETHER_NO_MEMORY);
    }
    encode_header(header, inbound_.back());
    std::memcpy(inbound_.back() + kFrameHeaderSize, &data, sizeof data);
    inbound_.commit_back(kFrameHeaderSize + sizeof data);
    ++special_queued_;
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
  // Inside an open frame of a streamed message no ErrorMessage can go: the stream just
  // ends there (error() still names the cause).
  if (!closed_ && cut_stream()) queue_error_message();
  closed_ = true;
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
  if (frame_left_ != 0) {
    return refuse(TETHER_WOULD_BLOCK,
                  "a Pong waits for the streamed %s frame in progress (%u bytes left in it)",
                  type_name(stream_type_), frame_left_);
  }
  size_t size = nonce_frame_size(length);
  if (!over_ceiling && outbound_budget_.used() + size > pong_ceiling_) {
    return refuse(TETHER_WOULD_BLOCK,
                  "%llu bytes of output wait for the transport: take output before more "
                  "Pings can be answered",
                  static_cast<unsigned long long>(outbound_budget_.used()));
  }
  if (append_nonce_frame(outbound_, TETHER_MSG_PONG, nonce, length) != TETHER_OK) {
    return refuse(TETHER_NO_MEMORY, "no memory to queue a Pong");
  }
  outbound_budget_.add(size);
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
  Record record = read_record(inbound_.data());
  const FrameHeader &header = record.header;
  const uint8_t *payload = inbound_.data() + kFrameHeaderSize;
  if (record.external) {
    std::memcpy(&held_, payload, sizeof held_);
    payload = held_;
  }
  if (header.type == TETHER_MSG_PING) {
    PingNote note;
    std::memcpy(&note, payload + header.length, sizeof note);
    const uint8_t *nonce = payload + note.nonce_offset;
    if (!note.answered && !closed_) {
      Status status = queue_pong(nonce, note.nonce_length, false);
      if (status != TETHER_OK) return status;  // the Ping stays first in the queue
      note.answered = 1;
    }
    *event = tether_event{TETHER_EVENT_PING, header.type,  header.flags, nonce,
                          note.nonce_length, note.answered};
  } else {
    *event =
        tether_event{TETHER_EVENT_MESSAGE, header.type, header.flags, payload, header.length, 0};
  }
  if (record.external || header.type == TETHER_MSG_PING) --special_queued_;
  size_t stride = record_stride(record);
  // The payload stays in place: inbound_ only moves bytes inside feed().
  inbound_.consume_front(stride);
  committed_ -= stride;
  inbound_budget_.release(header.length + kMessageOverhead);
  return TETHER_OK;
}

bool Session::take_plain_frames(const uint8_t **data, size_t *length) {
  release_held();
  if (failed_ || special_queued_ != 0 || committed_ == 0) return false;
  // Every queued Record is a plain one: header and payload as read, back to back.
  *data = inbound_.data();
  *length = committed_;
  inbound_.consume_front(committed_);   // the bytes stay in place until the next feed()
  inbound_budget_.release(committed_);  // kMessageOverhead + payload, per message
  committed_ = 0;
  writable_ = false;  // as next_event would have reported it first
  return true;
}

// ---- Output ------------------------------------------------------------------

// Before End: every Ping read so far is answered (PROTOCOL.md), so their Pongs go
// right before it; their events later report answered = 1.
Status Session::answer_queued_pings() {
  for (size_t at = 0; at < committed_;) {
    Record record = read_record(inbound_.data() + at);
    if (record.header.type == TETHER_MSG_PING) {
      uint8_t *payload = inbound_.data() + at + kFrameHeaderSize;
      PingNote note;
      std::memcpy(&note, payload + record.header.length, sizeof note);
      if (!note.answered) {
        Status status = queue_pong(payload + note.nonce_offset, note.nonce_length, true);
        if (status != TETHER_OK) return status;
        note.answered = 1;
        std::memcpy(payload + record.header.length, &note, sizeof note);
      }
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

Status Session::check_message(uint16_t type, uint64_t length, bool budgeted) {
  if (closed_) {
    return refuse(TETHER_CLOSED, "send of %s after the stream ended (End or Error was queued)",
                  type_name(type));
  }
  if (stream_left_ != 0) {
    return refuse(TETHER_INVALID_STATE,
                  "send of %s while a streamed %s message is open (%llu bytes of it to come)",
                  type_name(type), type_name(stream_type_),
                  static_cast<unsigned long long>(stream_left_));
  }
  if (classify_type(type, protocol_version_) == TypeClass::kUnknown) {
    return refuse(TETHER_INVALID_ARGUMENT, "send: message type 0x%04x is not known on protocol V%u",
                  type, protocol_version_);
  }
  if (type == TETHER_MSG_PING || type == TETHER_MSG_PONG) {
    return refuse(TETHER_INVALID_ARGUMENT,
                  "send: %s is not for the SDK to send (Pongs are queued by next_event)",
                  type_name(type));
  }
  if (length > max_message_size_) {
    return refuse(TETHER_MESSAGE_TOO_LARGE,
                  "a %s message of %llu bytes is over max_message_size %llu; nothing was queued",
                  type_name(type), static_cast<unsigned long long>(length),
                  static_cast<unsigned long long>(max_message_size_));
  }
  if (interleavable_control(type) && length > frame_out_limit_) {
    return refuse(TETHER_MESSAGE_TOO_LARGE,
                  "a %s message of %llu bytes is over max_frame_payload %u and cannot be "
                  "chunked; nothing was queued",
                  type_name(type), static_cast<unsigned long long>(length), frame_out_limit_);
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

void Session::message_queued(uint16_t type) {
  ++stats_.messages_out;
  pong_ceiling_ =
      saturating_add(std::max(outbound_budget_.used(), outbound_budget_.high()), kPongAllowance);
  if (type == TETHER_MSG_END || type == TETHER_MSG_ERROR) closed_ = true;
}

Status Session::queue_message(uint16_t type, const uint8_t *payload, size_t length, uint16_t flags,
                              bool budgeted) {
  if (payload == nullptr && length != 0) {
    return refuse(TETHER_INVALID_ARGUMENT, "send: payload is NULL with length %zu", length);
  }
  Status status = check_message(type, length, budgeted);
  if (status != TETHER_OK) return status;
  if (type == TETHER_MSG_END) {
    status = answer_queued_pings();
    if (status != TETHER_OK) return status;
  }
  flags &= static_cast<uint16_t>(~kFlagContinued);
  if (append_chunked(outbound_, type, flags, payload, length, frame_out_limit_) != TETHER_OK) {
    return refuse(TETHER_NO_MEMORY, "no memory to queue a %s message of %zu bytes", type_name(type),
                  length);
  }
  size_t frames = chunk_count(length, frame_out_limit_);
  outbound_budget_.add(frames * kFrameHeaderSize + length);
  stats_.frames_out += frames;
  if (frames > 1) stats_.chunks_out += frames;
  message_queued(type);
  return TETHER_OK;
}

Status Session::begin_stream(uint16_t type, uint64_t total, const uint8_t *prefix,
                             size_t prefix_length, uint16_t flags) {
  if ((prefix == nullptr && prefix_length != 0) || prefix_length > total) {
    return refuse(TETHER_INVALID_ARGUMENT,
                  "begin_stream: a prefix of %zu bytes for a message of %llu bytes", prefix_length,
                  static_cast<unsigned long long>(total));
  }
  if (type == TETHER_MSG_END || type == TETHER_MSG_ERROR) {
    return refuse(TETHER_INVALID_ARGUMENT, "begin_stream: %s is not streamed", type_name(type));
  }
  Status status = check_message(type, total, true);
  if (status != TETHER_OK) return status;
  stream_type_ = type;
  stream_flags_ = flags & static_cast<uint16_t>(~kFlagContinued);
  stream_left_ = total;
  frame_left_ = 0;
  size_t frames = chunk_count(total, frame_out_limit_);
  if (frames > 1) stats_.chunks_out += frames;
  if (total == 0) {  // one empty frame: the message is complete at once
    status = put_stream(nullptr, 0);
  } else {
    status = put_stream(prefix, prefix_length);
  }
  if (status != TETHER_OK) stream_left_ = 0;  // nothing was queued
  return status;
}

// Queues the next bytes of the streamed message, frame headers as frames begin.
// Storage for all of it is reserved first: on NO_MEMORY nothing is queued.
Status Session::put_stream(const uint8_t *data, size_t length) {
  uint64_t headers = 0;
  if (stream_left_ == 0) {
    headers = 1;  // the empty message's one frame
  } else if (length > frame_left_) {
    headers = (length - frame_left_ - 1) / frame_out_limit_ + 1;
  }
  if (outbound_.reserve_back(length + headers * kFrameHeaderSize, SIZE_MAX) != TETHER_OK) {
    return refuse(TETHER_NO_MEMORY, "no memory to queue %zu bytes of a streamed %s message", length,
                  type_name(stream_type_));
  }
  bool empty = stream_left_ == 0;
  size_t at = 0;
  while (at < length || empty) {
    if (frame_left_ == 0) {
      auto size = static_cast<uint32_t>(std::min<uint64_t>(stream_left_, frame_out_limit_));
      uint16_t more = size < stream_left_ ? kFlagContinued : 0;
      encode_header(FrameHeader{stream_type_, static_cast<uint16_t>(stream_flags_ | more), size},
                    outbound_.back());
      outbound_.commit_back(kFrameHeaderSize);
      outbound_budget_.add(kFrameHeaderSize);
      ++stats_.frames_out;
      frame_left_ = size;
    }
    size_t take = std::min<size_t>(length - at, frame_left_);
    if (take != 0) std::memcpy(outbound_.back(), data + at, take);
    outbound_.commit_back(take);
    outbound_budget_.add(take);
    at += take;
    frame_left_ -= static_cast<uint32_t>(take);
    stream_left_ -= take;
    empty = false;
  }
  if (stream_left_ == 0) message_queued(stream_type_);
  return TETHER_OK;
}

uint64_t Session::stream_room() const {
  uint64_t used = outbound_budget_.used(), high = outbound_budget_.high();
  return used < high ? std::min(stream_left_, high - used) : 0;
}

Status Session::write_stream(const uint8_t *data, size_t length, size_t *written) {
  *written = 0;
  if (stream_left_ == 0) {
    return refuse(TETHER_INVALID_STATE, "write_stream: no streamed message is open");
  }
  if (data == nullptr && length != 0) {
    return refuse(TETHER_INVALID_ARGUMENT, "write_stream: data is NULL with length %zu", length);
  }
  if (length > stream_left_) {
    return refuse(TETHER_INVALID_ARGUMENT,
                  "write_stream of %zu bytes past the declared length: %llu bytes are left; "
                  "nothing was queued",
                  length, static_cast<unsigned long long>(stream_left_));
  }
  if (!outbound_budget_.admit()) {
    return refuse(TETHER_WOULD_BLOCK,
                  "%llu bytes of output queued, at or above the high watermark %llu: wait "
                  "for a WRITABLE event",
                  static_cast<unsigned long long>(outbound_budget_.used()),
                  static_cast<unsigned long long>(outbound_budget_.high()));
  }
  size_t take = static_cast<size_t>(std::min<uint64_t>(length, stream_room()));
  Status status = put_stream(data, take);
  if (status == TETHER_OK) *written = take;
  return status;
}

bool Session::cut_stream() {
  if (stream_left_ == 0) return true;
  stream_left_ = 0;
  if (frame_left_ == 0) return true;
  frame_left_ = 0;
  closed_ = true;  // nothing may follow the bytes of a cut frame
  return false;
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
  if (outbound_.empty() && (trim_output_ || outbound_.capacity() > outbound_budget_.high())) {
    outbound_.shrink();
    trim_output_ = false;
  }
  return TETHER_OK;
}

void Session::trim() {
  release_held();
  if (inbound_.empty()) inbound_.shrink();
  if (outbound_.empty()) {
    outbound_.shrink();
  } else {
    trim_output_ = true;
  }
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
