#include "probe_run.h"

#include <algorithm>

#include "extension/extensions.h"
#include "h2/net.h"
#include "h2/runtime_messages.h"

namespace tether::probe {
namespace {

constexpr uint32_t kOffer = TETHER_EXT_PING | TETHER_EXT_CHUNKED;
constexpr int kHeadTimeoutMs = 10000;

// Frames as the stream's 200 allows them: CONTINUED chunks of at most 1 MiB only when
// it accepted chunked/1, otherwise one frame per message of up to 32 MiB.
std::unique_ptr<FrameDecoder> make_decoder(uint32_t version, uint32_t extensions) {
  FrameLimits limits;
  limits.protocol_version = version;
  limits.allow_continued = (extensions & TETHER_EXT_CHUNKED) != 0;
  limits.max_frame_payload =
      limits.allow_continued ? TETHER_DEFAULT_MAX_FRAME_PAYLOAD : TETHER_DEFAULT_MAX_MESSAGE_SIZE;
  return std::make_unique<FrameDecoder>(limits, 4 * size_t{limits.max_frame_payload} + 64,
                                        Allocator());
}

}  // namespace

std::unique_ptr<ProbeRun> ProbeRun::connect(const std::string &url,
                                            const tether_prober_options &prober_options,
                                            std::string *error, uint32_t version) {
  std::string host;
  uint16_t port = 0;
  if (!h2::parse_url(url, &host, &port)) {
    *error = "not an http://host:port URL: " + url;
    return nullptr;
  }
  std::unique_ptr<ProbeRun> run(new ProbeRun());
  Status status = TETHER_OK;
  run->prober_ = Prober::create(&prober_options, &status);
  if (run->prober_ == nullptr) {
    *error = std::string("prober options: ") + tether_status_str(status);
    return nullptr;
  }
  run->client_ = h2::Client::connect(host, port, run.get(), error);
  if (!run->client_) return nullptr;
  run->deployment_ = host + ":" + std::to_string(port);
  run->start_ns_ = h2::monotonic_ns();
  run->h2_interval_ns_ = prober_options.interval_ns;
  run->version_ = version;
  run->headers_ = {
      {"content-type", "application/vnd.restate.invocation.v" + std::to_string(version)},
      {TETHER_EXTENSIONS_HEADER, format_extensions(kOffer)}};
  return run;
}

ProbeRun::~ProbeRun() { Prober::destroy(prober_); }

double ProbeRun::elapsed_s() const { return double(h2::monotonic_ns() - start_ns_) / 1e9; }

bool ProbeRun::open_probe_streams(int n, const std::string &path, std::string *error) {
  std::vector<int32_t> opened;
  for (int i = 0; i < n; ++i) {
    int32_t id = client_->request("POST", path, headers_, true);
    if (id < 0) {
      *error = client_->error();
      return false;
    }
    streams_[id].probe = true;
    std::string start = h2::start_frame("probe-" + std::to_string(id), "probe", 1);
    client_->write(id, reinterpret_cast<const uint8_t *>(start.data()), start.size());
    opened.push_back(id);
  }
  // No Ping before the stream's 200 accepted ping/1.
  auto heard = [&] {
    return std::all_of(opened.begin(), opened.end(), [&](int32_t id) {
      auto it = streams_.find(id);
      return it == streams_.end() || it->second.status != 0;
    });
  };
  uint64_t deadline = h2::monotonic_ns() + uint64_t(kHeadTimeoutMs) * 1000000;
  while (!heard() && h2::monotonic_ns() < deadline) {
    if (client_->run(10) != TETHER_OK) return *error = client_->error(), false;
  }
  for (int32_t id : opened) {
    auto it = streams_.find(id);
    if (it == streams_.end() || it->second.status == 0) {
      *error = "stream " + std::to_string(id) + ": no response headers within " +
               std::to_string(kHeadTimeoutMs) + " ms (no Ping sent)";
      return false;
    }
    StreamState &s = it->second;
    if (s.status != 200) {
      *error = error_.empty() ? "HTTP " + std::to_string(s.status) : error_;
      return false;
    }
    if ((s.extensions & TETHER_EXT_PING) == 0) {
      *error = std::string("extension not accepted: this endpoint answers no Pings (offered \"") +
               format_extensions(kOffer) + "\" on " + path + ", its 200 accepted \"" +
               format_extensions(s.extensions) + "\")";
      return false;
    }
    prober_->add_stream(uint64_t(id), deployment_, h2::monotonic_ns());
    probe_streams_.push_back(id);
  }
  return true;
}

int32_t ProbeRun::call(const std::string &path, const std::string &input,
                       std::function<void(bool)> on_done) {
  int32_t id = client_->request("POST", path, headers_, true);
  if (id < 0) return -1;
  StreamState &s = streams_[id];
  s.on_done = std::move(on_done);
  std::string body =
      h2::start_frame("call-" + std::to_string(id), "call", 1) + h2::input_frame(input);
  client_->write(id, reinterpret_cast<const uint8_t *>(body.data()), body.size());
  client_->end(id);
  return id;
}

void ProbeRun::finish_probe_streams(int timeout_ms) {
  std::string input = h2::input_frame("probe done");
  for (int32_t id : probe_streams_) {
    prober_->remove_stream(uint64_t(id));
    client_->write(id, reinterpret_cast<const uint8_t *>(input.data()), input.size());
    client_->end(id);
  }
  probe_streams_.clear();
  uint64_t deadline = h2::monotonic_ns() + uint64_t(timeout_ms) * 1000000;
  while (client_->open_streams() > 0 && h2::monotonic_ns() < deadline) {
    if (client_->run(10) != TETHER_OK) break;
  }
}

bool ProbeRun::step(int max_wait_ms) {
  uint64_t now = h2::monotonic_ns();
  const tether_ping *pings = nullptr;
  size_t count = 0;
  uint64_t next = UINT64_MAX;
  prober_->poll(now, &pings, &count, &next);
  for (size_t i = 0; i < count; ++i) {
    int32_t id = static_cast<int32_t>(pings[i].stream);
    StreamState &s = streams_[id];
    s.ping_sent_ns = now;
    s.ping_phase = phase();
    client_->write(id, pings[i].frame, pings[i].length);
  }
  if (count > 0 || now >= next_h2_ping_ns_) {
    client_->ping();
    next_h2_ping_ns_ = now + h2_interval_ns_;
  }
  if (next_h2_ping_ns_ < next) next = next_h2_ping_ns_;
  int wait = max_wait_ms;
  if (next != UINT64_MAX) {
    uint64_t until = next > now ? (next - now) / 1000000 : 0;
    wait = int(std::min<uint64_t>(until, uint64_t(max_wait_ms)));
  }
  if (client_->run(wait) != TETHER_OK) {
    error_ = client_->error();
    return false;
  }
  return true;
}

void ProbeRun::begin_phase(const std::string &name) {
  end_phase();
  Phase p;
  p.name = name;
  p.start_s = elapsed_s();
  tether_prober_stats stats{};
  stats.struct_size = sizeof stats;
  prober_->stats(&stats);
  p.timeouts_before = stats.timeouts;
  phases_.push_back(std::move(p));
}

void ProbeRun::end_phase() {
  Phase *p = phase();
  if (p == nullptr) return;
  p->end_s = elapsed_s();
  prober_->state(deployment_, &p->state);
  tether_prober_stats stats{};
  stats.struct_size = sizeof stats;
  prober_->stats(&stats);
  p->app_timeouts = stats.timeouts - p->timeouts_before;
}

void ProbeRun::record(bool app, uint64_t rtt_ns, Phase *phase) {
  double ms = double(rtt_ns) / 1e6;
  samples_.push_back(Sample{elapsed_s(), ms, app});
  if (app) {
    ++app_samples_;
    last_app_ms_ = ms;
  } else {
    ++h2_samples_;
    last_h2_ms_ = ms;
  }
  if (phase != nullptr) (app ? phase->app : phase->h2).record(rtt_ns);
}

void ProbeRun::on_response(int32_t stream, const h2::ResponseHead &head) {
  auto it = streams_.find(stream);
  if (it != streams_.end()) {
    StreamState &s = it->second;
    s.status = head.status;
    s.extensions = head.extensions & kOffer;
    s.decoder = make_decoder(version_, s.extensions);
    if (head.status != 200) s.ok = false;
  }
  if (head.status != 200) {
    error_ = "HTTP " + std::to_string(head.status) + " on stream " + std::to_string(stream);
  }
}

void ProbeRun::on_data(int32_t stream, const uint8_t *data, size_t length) {
  auto it = streams_.find(stream);
  if (it == streams_.end()) return;
  StreamState &s = it->second;
  if (!s.decoder) return;  // a body before the headers: nghttp2 does not pass one
  while (length > 0) {
    size_t used = 0;
    Status status = s.decoder->feed(data, length, &used);
    data += used;
    length -= used;
    DecodedFrame frame;
    while (s.decoder->next(&frame) == TETHER_OK) on_frame(stream, s, frame);
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) {
      s.ok = false;
      error_ = std::string("bad response frames: ") + s.decoder->error().message();
      return;
    }
  }
}

void ProbeRun::on_frame(int32_t stream, StreamState &s, const DecodedFrame &frame) {
  switch (frame.header.type) {
    case TETHER_MSG_PONG: {
      uint64_t now = h2::monotonic_ns();
      tether_prober_stats before{}, after{};
      before.struct_size = after.struct_size = sizeof before;
      prober_->stats(&before);
      prober_->on_pong_message(uint64_t(stream), frame.payload, frame.header.length, now);
      prober_->stats(&after);
      if (after.pongs_matched > before.pongs_matched)
        record(true, now - s.ping_sent_ns, s.ping_phase);
      break;
    }
    case TETHER_MSG_ERROR:
      s.ok = false;
      s.ended = true;
      break;
    case TETHER_MSG_END:
      s.ended = true;
      break;
    default:
      break;
  }
}

void ProbeRun::on_close(int32_t stream, uint32_t error_code) {
  auto it = streams_.find(stream);
  if (it == streams_.end()) return;
  StreamState s = std::move(it->second);
  streams_.erase(it);
  if (s.probe) {
    prober_->remove_stream(uint64_t(stream));
    probe_streams_.erase(std::remove(probe_streams_.begin(), probe_streams_.end(), stream),
                         probe_streams_.end());
  }
  if (s.on_done) s.on_done(s.ok && s.ended && error_code == 0);
}

void ProbeRun::on_ping_ack(uint64_t rtt_ns) { record(false, rtt_ns, phase()); }

}  // namespace tether::probe
