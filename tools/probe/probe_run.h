// One probing run against one deployment (one HTTP/2 connection): probe streams that
// stay open after Start (the runtime may Ping before Input arrives), the prober's
// Pings on them, an HTTP/2 PING at each round on the same connection, and plain
// calls (Start + Input) for load. RTTs go to the current phase's histograms and to
// a time series for the chart.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "frame/decoder.h"
#include "h2/client.h"
#include "prober/histogram.h"
#include "prober/prober.h"

namespace tether::probe {

struct Sample {
  double at_s;  // since the run began
  double rtt_ms;
  bool app;  // app Ping/Pong (true) or HTTP/2 PING
};

struct Phase {
  std::string name;
  double start_s = 0, end_s = 0;
  RttHistogram app, h2;
  uint64_t app_timeouts = 0;  // Pongs that did not come within the prober's timeout
  uint64_t timeouts_before = 0;
  tether_deployment_state state = TETHER_DEPLOYMENT_HEALTHY;  // at the phase's end
};

// A deque: Pings keep a pointer to the phase they were sent in.
using Phases = std::deque<Phase>;

class ProbeRun : public h2::ClientListener {
 public:
  // prober_options: scheduling and thresholds; the deployment is named after url.
  // Invocation streams use content type v`version` and offer "ping/1, chunked/1".
  static std::unique_ptr<ProbeRun> connect(const std::string &url,
                                           const tether_prober_options &prober_options,
                                           std::string *error, uint32_t version = 6);
  ~ProbeRun() override;

  // Opens n probe streams on path (Start with known_entries = 1, no Input yet) and
  // waits for their response headers; false with *error naming why unless every one
  // accepted ping/1 ("extension not accepted: this endpoint answers no Pings").
  bool open_probe_streams(int n, const std::string &path, std::string *error);
  // Starts a call: Start + Input(input), ended. on_done runs when its stream closes.
  int32_t call(const std::string &path, const std::string &input,
               std::function<void(bool ok)> on_done);
  // Sends Input to every probe stream, waits (up to timeout_ms) for them to end.
  void finish_probe_streams(int timeout_ms);

  // Sends due Pings and, at the prober's interval, an HTTP/2 PING (in the same write
  // as the Pings when both are due), then handles input for up to max_wait_ms. False (reason in
  // error()) once the connection failed.
  bool step(int max_wait_ms);

  void begin_phase(const std::string &name);
  void end_phase();
  const Phases &phases() const { return phases_; }
  const std::vector<Sample> &samples() const { return samples_; }
  double elapsed_s() const;
  Prober &prober() { return *prober_; }
  const std::string &deployment() const { return deployment_; }
  const std::string &error() const { return error_; }
  uint64_t app_samples() const { return app_samples_; }
  uint64_t h2_samples() const { return h2_samples_; }
  double last_app_ms() const { return last_app_ms_; }
  double last_h2_ms() const { return last_h2_ms_; }

  // ClientListener
  void on_response(int32_t stream, const h2::ResponseHead &head) override;
  void on_data(int32_t stream, const uint8_t *data, size_t length) override;
  void on_close(int32_t stream, uint32_t error_code) override;
  void on_ping_ack(uint64_t rtt_ns) override;

 private:
  struct StreamState {
    bool probe = false;
    int status = 0;           // 0 until the response headers came
    uint32_t extensions = 0;  // TETHER_EXT_* its 200 accepted
    bool ended = false;       // End or Error read
    uint64_t ping_sent_ns = 0;
    Phase *ping_phase = nullptr;            // the phase the Ping was sent in gets its RTT
    std::unique_ptr<FrameDecoder> decoder;  // made from the accepted set
    std::function<void(bool)> on_done;
    bool ok = true;
  };
  ProbeRun() = default;
  Phase *phase() { return phases_.empty() || phases_.back().end_s > 0 ? nullptr : &phases_.back(); }
  void record(bool app, uint64_t rtt_ns, Phase *phase);
  void on_frame(int32_t stream, StreamState &s, const DecodedFrame &frame);

  std::unique_ptr<h2::Client> client_;
  h2::Headers headers_;  // of every invocation stream
  uint32_t version_ = 0;
  Prober *prober_ = nullptr;
  std::string deployment_;
  std::string error_;
  uint64_t start_ns_ = 0;
  uint64_t h2_interval_ns_ = 0;  // HTTP/2 PINGs at the prober's interval, whatever it skips
  uint64_t next_h2_ping_ns_ = 0;
  std::unordered_map<int32_t, StreamState> streams_;
  std::vector<int32_t> probe_streams_;
  Phases phases_;
  std::vector<Sample> samples_;
  uint64_t app_samples_ = 0, h2_samples_ = 0;
  double last_app_ms_ = 0, last_h2_ms_ = 0;
};

}  // namespace tether::probe
