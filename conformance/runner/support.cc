#include "support.h"

#include <cstdio>

#include "chunk/splitter.h"
#include "h2/runtime_messages.h"
#include "protocol.pb.h"

namespace tether::conformance {

namespace proto = dev::restate::service::protocol;

std::string strf(const char *format, ...) {
  va_list args;
  va_start(args, format);
  char buffer[1024];
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

Result pass(std::string figure) { return Result{Verdict::kPass, std::move(figure)}; }
Result fail(std::string figure) { return Result{Verdict::kFail, std::move(figure)}; }
Result skip(std::string figure) { return Result{Verdict::kSkip, std::move(figure)}; }

double ms(uint64_t ns) { return double(ns) / 1e6; }
double mib(uint64_t bytes) { return double(bytes) / (1 << 20); }

std::string rtt_summary(const RttHistogram &rtts) {
  return strf("p50 %.2f ms, max %.2f ms", ms(rtts.quantile_ns(0.5)), ms(rtts.max_ns()));
}

std::unique_ptr<Connection> connect(const Options &options, std::string *error,
                                    const h2::ClientOptions &client) {
  return Connection::open(options.target, error, client);
}

std::string pattern(size_t n, uint64_t seed) {
  std::string out(n, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;  // xorshift64
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x >> 56);
  }
  return out;
}

uint64_t digest(const std::string &bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char b : bytes) h = (h ^ b) * 0x100000001b3ull;
  return h;
}

std::string frame(uint16_t type, uint16_t flags, const std::string &payload) {
  std::string out(kFrameHeaderSize, '\0');
  encode_header(FrameHeader{type, flags, static_cast<uint32_t>(payload.size())},
                reinterpret_cast<uint8_t *>(out.data()));
  return out + payload;
}

ChunkedInput::ChunkedInput(const std::string &content, uint32_t max_frame_payload)
    : max_frame_payload_(max_frame_payload) {
  std::string whole = h2::input_frame(content);  // one frame: its body is the message
  body_ = whole.size() - kFrameHeaderSize;
  count_ = chunk_count(body_, max_frame_payload);
  append_chunked(frames_, TETHER_MSG_INPUT_COMMAND, 0,
                 reinterpret_cast<const uint8_t *>(whole.data()) + kFrameHeaderSize, body_,
                 max_frame_payload);
}

const uint8_t *ChunkedInput::frame(size_t i) const {
  return frames_.data() + i * (kFrameHeaderSize + max_frame_payload_);
}

size_t ChunkedInput::frame_size(size_t i) const {
  size_t done = i * size_t{max_frame_payload_};
  return kFrameHeaderSize + std::min<size_t>(max_frame_payload_, body_ - done);
}

bool output_of(Stream &s, std::string *value, std::string *why) {
  if (s.status != 200) return *why = strf("HTTP status %d: %.80s", s.status, s.body.c_str()), false;
  if (!s.parser->error().empty()) return *why = "malformed response: " + s.parser->error(), false;
  std::string error = error_of(s);
  if (!error.empty()) return *why = "ErrorMessage " + error, false;
  size_t output = s.index_of(TETHER_MSG_OUTPUT_COMMAND);
  if (output == SIZE_MAX) return *why = "no OutputCommand", false;
  proto::OutputCommandMessage message;
  if (!message.ParseFromString(s.messages()[output].payload)) {
    return *why = "OutputCommand is not valid protobuf", false;
  }
  if (message.has_failure()) {
    return *why = strf("terminal Failure %u: %.80s", message.failure().code(),
                       message.failure().message().c_str()),
           false;
  }
  size_t end = s.index_of(TETHER_MSG_END);
  if (end == SIZE_MAX || end < output) return *why = "no End after the OutputCommand", false;
  *value = message.value().content();
  return true;
}

std::string progress(Stream &s) {
  std::string out =
      strf("HTTP %d, %llu bytes", s.status, static_cast<unsigned long long>(s.bytes_in));
  if (!s.parser) return out;
  out += strf(", %zu messages", s.messages().size());
  for (size_t i = 0; i < s.messages().size() && i < 4; ++i) {
    out += strf("%s%s", i ? " " : " (", type_name(s.messages()[i].type));
  }
  if (!s.messages().empty()) out += s.messages().size() > 4 ? " ...)" : ")";
  if (!s.parser->error().empty()) out += ", malformed: " + s.parser->error();
  return out;
}

std::string error_of(Stream &s) {
  if (!s.parser) return "";
  const Message *m = s.find(TETHER_MSG_ERROR);
  if (m == nullptr) return "";
  proto::ErrorMessage error;
  if (!error.ParseFromString(m->payload)) return "(not valid protobuf)";
  return strf("code %u: %.120s", error.code(), error.message().c_str());
}

ChunkedSend send_with_pings(Connection &c, int32_t id, const ChunkedInput &input, int timeout_ms) {
  ChunkedSend out;
  Stream &s = c.stream(id);
  if (!c.accepted(id, kOfferAll)) return out.stopped = c.error(), out;
  for (size_t i = 0; i < input.count(); ++i) {
    if (!c.send(id, input.frame(i), input.frame_size(i))) {
      out.stopped = c.error();
      return out;
    }
    ++out.chunks_sent;
    if (i + 1 == input.count()) break;
    std::string nonce = c.ping(id);
    if (nonce.empty()) {
      out.stopped = c.error();
      return out;
    }
    bool answered =
        c.wait([&] { return s.answered(nonce) || s.closed || s.find(TETHER_MSG_ERROR) != nullptr; },
               timeout_ms);
    if (s.find(TETHER_MSG_ERROR) != nullptr) return out.stopped = "ErrorMessage", out;
    if (s.closed) return out.stopped = "stream closed", out;
    if (!answered) {
      out.stopped = strf("no Pong within %d ms after chunk %zu", timeout_ms, i + 1);
      return out;
    }
    ++out.pings_answered;
    for (const PongSeen &p : s.pongs) {
      if (p.nonce == nonce) out.rtts.record(p.rtt_ns);
    }
  }
  return out;
}

}  // namespace tether::conformance
