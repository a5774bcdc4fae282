// Decode throughput of the tether_decoder handle (feed + next over a stream of
// frames) against memcpy of the same bytes, in the same run.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "support/ratio_reporter.h"
#include "tether.h"

namespace {

constexpr size_t kStreamBytes = 1 << 20;

std::vector<uint8_t> make_stream(size_t payload, size_t *frames) {
  std::vector<uint8_t> stream;
  *frames = 0;
  while (stream.size() + TETHER_FRAME_HEADER_SIZE + payload <= kStreamBytes) {
    size_t at = stream.size();
    stream.resize(at + TETHER_FRAME_HEADER_SIZE + payload, 0x5A);
    tether_frame_header_encode(0x0401, 0, static_cast<uint32_t>(payload), stream.data() + at);
    ++*frames;
  }
  return stream;
}

void BM_Decode(benchmark::State &state) {
  size_t frames = 0;
  std::vector<uint8_t> stream = make_stream(static_cast<size_t>(state.range(0)), &frames);
  tether_decoder_options options;
  tether_decoder_options_init(&options);
  options.max_buffered = 2 * kStreamBytes;
  tether_decoder *decoder = nullptr;
  tether_decoder_new(&options, &decoder);
  uint64_t checksum = 0;
  for (auto _ : state) {
    size_t consumed = 0;
    tether_decoder_feed(decoder, stream.data(), stream.size(), &consumed);
    tether_frame frame;
    while (tether_decoder_next(decoder, &frame) == TETHER_OK) checksum += frame.payload[0];
  }
  benchmark::DoNotOptimize(checksum);
  tether_decoder_free(decoder);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(state.iterations() * frames),
                                                  benchmark::Counter::kIsRate);
}

// The physical limit: copying the same bytes once.
void BM_Memcpy(benchmark::State &state) {
  size_t frames = 0;
  std::vector<uint8_t> stream = make_stream(static_cast<size_t>(state.range(0)), &frames);
  std::vector<uint8_t> sink(stream.size());
  for (auto _ : state) {
    std::memcpy(sink.data(), stream.data(), stream.size());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
}

BENCHMARK(BM_Decode)->Arg(64)->Arg(1024)->Arg(64 * 1024);
BENCHMARK(BM_Memcpy)->Arg(64)->Arg(1024)->Arg(64 * 1024);

}  // namespace

int main(int argc, char **argv) {
  return tether_bench::run_with_ratios(argc, argv, {{"BM_Decode", "BM_Memcpy"}});
}
