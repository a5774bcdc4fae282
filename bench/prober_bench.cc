// Cost of the prober's Ping/Pong cycle through the C API (poll a round of Pings on
// every stream, answer each with its echo), set against what the transport pays
// anyway in the same run: decoding the same frames with tether_decoder. The
// argument is the classification window (samples): a sample costs the same whatever
// its size (the classifier counts samples under its thresholds). The figure that
// matters is ns per Ping/Pong at the default window (1024 samples): target <= 300 ns.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "support/ratio_reporter.h"
#include "tether.h"

namespace {

constexpr uint64_t kStreams = 64;
constexpr size_t kPingFrame = 26;  // 8-byte header + PingMessage{16-byte nonce}
constexpr size_t kPongBody = 18;
constexpr int64_t kDefaultWindow = 1024;  // tether_prober_options.window_max_samples
constexpr double kTargetNs = 300;
constexpr char kPerPingPong[] = "ns_per_PingPong";

// One round of Pings on kStreams streams of one deployment and all their Pongs.
void BM_PingPongRound(benchmark::State &state) {
  tether_prober_options options;
  tether_prober_options_init(&options);
  options.selection = TETHER_PROBE_ALL;
  options.window_max_samples = static_cast<uint32_t>(state.range(0));
  options.window_ns = UINT64_MAX / 2;  // the window is bounded by its sample count only
  tether_prober *prober = nullptr;
  tether_prober_new(&options, &prober);
  for (uint64_t s = 0; s < kStreams; ++s) tether_prober_add_stream(prober, s, "dp", 0);
  uint64_t now = 0;
  for (auto _ : state) {
    const tether_ping *pings = nullptr;
    size_t count = 0;
    tether_prober_poll(prober, now, &pings, &count, nullptr);
    now += 1'000'000;  // 1 ms RTTs
    for (size_t i = 0; i < count; ++i) {
      tether_prober_on_pong_message(prober, pings[i].stream, pings[i].frame + 8,
                                    pings[i].length - 8, now);
    }
    now += options.interval_ns;
  }
  tether_prober_stats stats{};
  stats.struct_size = sizeof stats;
  tether_prober_stats_get(prober, &stats);
  if (stats.pongs_matched != stats.pings_sent) state.SkipWithError("unmatched Pongs");
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * kStreams * (kPingFrame + kPongBody)));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kStreams));
  // Inverted rate of kStreams * 1e-9 per iteration: seconds per Ping/Pong, in ns.
  state.counters[kPerPingPong] = benchmark::Counter(
      kStreams * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  tether_prober_free(prober);
}
BENCHMARK(BM_PingPongRound)->Arg(16)->Arg(128)->Arg(kDefaultWindow);

// The baseline: decoding one round of Ping frames (the argument only pairs it).
void BM_DecodeRound(benchmark::State &state) {
  std::vector<uint8_t> round;
  for (uint64_t s = 0; s < kStreams; ++s) {
    uint8_t frame[kPingFrame] = {};
    tether_frame_header_encode(TETHER_MSG_PONG, 0, kPongBody, frame);
    frame[8] = 0x0a;
    frame[9] = 16;
    round.insert(round.end(), frame, frame + kPingFrame);
  }
  tether_decoder *decoder = nullptr;
  tether_decoder_new(nullptr, &decoder);
  uint64_t checksum = 0;
  for (auto _ : state) {
    size_t consumed = 0;
    tether_decoder_feed(decoder, round.data(), round.size(), &consumed);
    tether_frame frame;
    while (tether_decoder_next(decoder, &frame) == TETHER_OK) checksum += frame.payload[1];
  }
  benchmark::DoNotOptimize(checksum);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * round.size()));
  tether_decoder_free(decoder);
}
BENCHMARK(BM_DecodeRound)->Arg(16)->Arg(128)->Arg(1024);

// Writing the exposition of 100 deployments.
void BM_Prometheus(benchmark::State &state) {
  tether_prober *prober = nullptr;
  tether_prober_new(nullptr, &prober);
  char id[16];
  for (uint64_t s = 0; s < 100; ++s) {
    std::snprintf(id, sizeof id, "dp_%02u", static_cast<unsigned>(s));
    tether_prober_add_stream(prober, s, id, 0);
  }
  const tether_ping *pings = nullptr;
  size_t count = 0;
  tether_prober_poll(prober, 0, &pings, &count, nullptr);
  for (size_t i = 0; i < count; ++i) {
    tether_prober_on_pong_message(prober, pings[i].stream, pings[i].frame + 8, pings[i].length - 8,
                                  1000 * (i + 1));
  }
  size_t bytes = 0;
  for (auto _ : state) {
    const char *text = nullptr;
    size_t length = 0;
    tether_prober_prometheus(prober, &text, &length);
    bytes += length;
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  tether_prober_free(prober);
}
BENCHMARK(BM_Prometheus);

// The ratio table, then the cost per Ping/Pong at the default window against its target.
class ProberReporter : public tether_bench::RatioReporter {
 public:
  ProberReporter()
      : RatioReporter(std::vector<std::pair<std::string, std::string>>{
            {"BM_PingPongRound", "BM_DecodeRound"}}) {}

  void ReportRuns(const std::vector<Run> &runs) override {
    RatioReporter::ReportRuns(runs);
    std::string name = "BM_PingPongRound/" + std::to_string(kDefaultWindow);
    for (const Run &run : runs) {
      auto it = run.counters.find(kPerPingPong);
      if (it == run.counters.end() || run.run_name.str() != name) continue;
      if (run.run_type == Run::RT_Iteration || run.aggregate_name == "median") {
        ns_ = it->second.value;
      } else if (run.aggregate_name == "cv") {
        spread_ = format(" (spread %.1f%%)", it->second.value * 100);
      }
    }
  }

  void Finalize() override {
    RatioReporter::Finalize();
    if (ns_ <= 0) return;
    std::printf(
        "prober cost per Ping/Pong at the default window (%lld samples): %.1f ns%s "
        "(target <= %.0f ns: %s)\n",
        static_cast<long long>(kDefaultWindow), ns_, spread_.c_str(), kTargetNs,
        ns_ <= kTargetNs ? "met" : "NOT met");
    std::printf(
        "figure: prober cost per Ping/Pong, window %lld | %.1f ns%s | limit %.0f ns | "
        "%.2fx | <= 1x: %s\n",
        static_cast<long long>(kDefaultWindow), ns_, spread_.c_str(), kTargetNs, ns_ / kTargetNs,
        ns_ <= kTargetNs ? "met" : "NOT met");
  }

 private:
  double ns_ = 0;
  std::string spread_;
};

}  // namespace

int main(int argc, char **argv) {
  ProberReporter reporter;
  return tether_bench::run_with_reporter(argc, argv, reporter);
}
