#include "connection.h"

#include <algorithm>
#include <climits>

#include "common/byte_buffer.h"
#include "extension/extensions.h"
#include "h2/net.h"
#include "h2/runtime_messages.h"
#include "prober/ping_codec.h"

namespace tether::conformance {

const Message *Stream::find(uint16_t type) {
  size_t i = index_of(type);
  return i == SIZE_MAX ? nullptr : &messages()[i];
}

size_t Stream::count(uint16_t type) {
  return std::count_if(messages().begin(), messages().end(),
                       [type](const Message &m) { return m.type == type; });
}

size_t Stream::index_of(uint16_t type) {
  for (size_t i = 0; i < messages().size(); ++i) {
    if (messages()[i].type == type) return i;
  }
  return SIZE_MAX;
}

bool Stream::answered(const std::string &nonce) const {
  return std::any_of(pongs.begin(), pongs.end(),
                     [&](const PongSeen &p) { return p.nonce == nonce && p.rtt_ns != 0; });
}

std::unique_ptr<Connection> Connection::open(const Target &target, std::string *error,
                                             const h2::ClientOptions &options) {
  std::unique_ptr<Connection> c(new Connection(target));
  c->client_ = h2::Client::connect(target.host, target.port, c.get(), error, options);
  if (!c->client_) return nullptr;
  return c;
}

int32_t Connection::invoke(const std::string &handler, uint32_t version, uint32_t offer) {
  const char *value = format_extensions(offer);
  if (value == nullptr) {
    error_ = "offer " + std::to_string(offer) + " holds bits that are not TETHER_EXT_*";
    return -1;
  }
  int32_t id = invoke_raw(handler, version, offer == 0 ? nullptr : value);
  if (id >= 0) streams_[id].offered = offer;
  return id;
}

int32_t Connection::invoke_raw(const std::string &handler, uint32_t version, const char *offer) {
  if (version == 0) version = target_.version;
  h2::Headers headers{
      {"content-type", "application/vnd.restate.invocation.v" + std::to_string(version)}};
  if (offer != nullptr) headers.emplace_back(TETHER_EXTENSIONS_HEADER, offer);
  int32_t id = client_->request("POST", "/invoke/Echo/" + handler, headers, true);
  if (id < 0) {
    error_ = client_->error();
    return -1;
  }
  Stream &s = streams_[id];
  s.version = version;
  s.parser = make_parser(s);  // replaced once the response says what it accepted
  std::string name = "conformance-" + std::to_string(++calls_);
  send(id, h2::start_frame(name, name, 1));
  return id;
}

int32_t Connection::call(const std::string &handler, const std::string &input, uint32_t version,
                         uint32_t offer) {
  int32_t id = invoke(handler, version, offer);
  if (id < 0 || !send(id, h2::input_frame(input)) || !end(id)) return -1;
  return id;
}

int32_t Connection::get(const std::string &path, const std::string &accept) {
  h2::Headers headers;
  if (!accept.empty()) headers.emplace_back("accept", accept);
  int32_t id = client_->request("GET", path, headers, false);
  if (id < 0) error_ = client_->error();
  if (id >= 0) streams_[id];
  return id;
}

bool Connection::send(int32_t stream, const std::string &bytes) {
  return send(stream, reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
}

bool Connection::send(int32_t stream, const uint8_t *data, size_t length) {
  if (client_->write(stream, data, length) == TETHER_OK) return true;
  error_ = "stream " + std::to_string(stream) + " no longer takes a body";
  return false;
}

bool Connection::end(int32_t stream) { return client_->end(stream) == TETHER_OK; }

bool Connection::accepted(int32_t stream, uint32_t features) {
  constexpr int kHeadTimeoutMs = 30000;
  Stream &s = streams_[stream];
  if ((s.offered & features) != features) {
    error_ = std::string("not offered on this stream (offered \"") + format_extensions(s.offered) +
             "\")";
    return false;
  }
  if (!wait([&] { return s.status != 0 || s.closed; }, kHeadTimeoutMs) || s.status == 0) {
    error_ = "no response headers within " + std::to_string(kHeadTimeoutMs) +
             " ms: nothing of the extension was sent " + error_;
    return false;
  }
  if (s.status != 200) {
    error_ = "HTTP " + std::to_string(s.status) + " on stream " + std::to_string(stream);
    return false;
  }
  uint32_t missing = features & ~s.extensions;
  if (missing == 0) return true;
  error_ = (missing & TETHER_EXT_PING) ? "extension not accepted: this endpoint answers no Pings"
                                       : "extension not accepted: this endpoint takes no chunks";
  error_ += std::string(" (offered \"") + format_extensions(s.offered) + "\", accepted \"" +
            format_extensions(s.extensions) + "\")";
  return false;
}

std::string Connection::ping(int32_t stream) {
  if (!accepted(stream, TETHER_EXT_PING)) return "";
  return send_ping(stream);
}

std::string Connection::ping_unchecked(int32_t stream) { return send_ping(stream); }

std::string Connection::send_ping(int32_t stream) {
  Stream &s = streams_[stream];
  uint8_t nonce[NonceSource::kSize];
  ErrorSlot slot;
  ByteBuffer frame{Allocator()};
  if (nonces_.next(nonce, slot) != TETHER_OK ||
      append_ping_frame(frame, nonce, sizeof nonce) != TETHER_OK) {
    error_ = slot.failed() ? slot.message() : "no memory for a Ping frame";
    return "";
  }
  std::string key(reinterpret_cast<const char *>(nonce), sizeof nonce);
  if (!send(stream, frame.data(), frame.size())) return "";
  s.pings_out[key] = h2::monotonic_ns();
  ++pings_sent_;
  client_->run(0);  // on the wire now, so the RTT holds no wait of ours
  return key;
}

bool Connection::h2_ping() { return client_->ping() == TETHER_OK; }

bool Connection::wait(const std::function<bool()> &done, int timeout_ms) {
  uint64_t deadline = h2::monotonic_ns() + uint64_t(timeout_ms) * 1000000;
  while (!done()) {
    uint64_t now = h2::monotonic_ns();
    if (now >= deadline) return false;
    int step = static_cast<int>(std::min<uint64_t>((deadline - now) / 1000000 + 1, 10));
    if (client_->run(step) != TETHER_OK) {
      error_ = client_->error();
      return done();
    }
  }
  return true;
}

bool Connection::wait_closed(const std::vector<int32_t> &ids, int timeout_ms) {
  return wait(
      [&] {
        return std::all_of(ids.begin(), ids.end(), [&](int32_t id) { return streams_[id].closed; });
      },
      timeout_ms);
}

void Connection::scan_pongs(Stream &s) {
  for (; s.scanned < s.messages().size(); ++s.scanned) {
    const Message &m = s.messages()[s.scanned];
    if (m.type != TETHER_MSG_PONG) continue;
    const uint8_t *nonce = nullptr;
    size_t length = 0;
    ErrorSlot slot;
    PongSeen seen;
    seen.message = s.scanned;
    if (parse_pong(reinterpret_cast<const uint8_t *>(m.payload.data()), m.payload.size(), &nonce,
                   &length, slot) == TETHER_OK) {
      seen.nonce.assign(reinterpret_cast<const char *>(nonce), length);
    }
    auto it = s.pings_out.find(seen.nonce);
    if (it != s.pings_out.end()) {
      seen.rtt_ns = std::max<uint64_t>(m.at_ns - it->second, 1);
      s.pings_out.erase(it);
    }
    s.pongs.push_back(std::move(seen));
  }
}

void Connection::on_response(int32_t stream, const h2::ResponseHead &head) {
  Stream &s = streams_[stream];
  s.status = head.status;
  s.content_type = head.content_type;
  s.extensions = head.extensions & s.offered;
  s.unoffered = head.extensions & ~s.offered;
  if (s.parser) s.parser = make_parser(s);
}

// What the endpoint may send on s: CONTINUED chunks of at most max_frame_payload only
// when chunked/1 was accepted; otherwise one frame per message, however large.
std::unique_ptr<ResponseParser> Connection::make_parser(const Stream &s) const {
  FrameLimits limits;
  limits.protocol_version = s.version;
  limits.allow_continued = (s.extensions & TETHER_EXT_CHUNKED) != 0;
  limits.max_frame_payload =
      limits.allow_continued
          ? target_.max_frame_payload
          : static_cast<uint32_t>(std::min<uint64_t>(target_.max_message_size, UINT32_MAX));
  return std::make_unique<ResponseParser>(limits, target_.max_message_size);
}

void Connection::on_data(int32_t stream, const uint8_t *data, size_t length) {
  Stream &s = streams_[stream];
  s.bytes_in += length;
  if (!s.parser || s.status != 200) {
    s.body.append(reinterpret_cast<const char *>(data), length);
    return;
  }
  s.parser->feed(data, length, h2::monotonic_ns());
  scan_pongs(s);
}

void Connection::on_close(int32_t stream, uint32_t error_code) {
  Stream &s = streams_[stream];
  s.closed = true;
  s.reset_code = error_code;
  if (s.parser && s.status == 200) {
    s.parser->finish();
    scan_pongs(s);
  }
}

void Connection::on_ping_ack(uint64_t rtt_ns) { h2_rtts_.push_back(rtt_ns); }

}  // namespace tether::conformance
