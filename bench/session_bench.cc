// Session figures: Ping turnaround (feed one Ping frame, dispatch it, take the Pong
// bytes; median of repetitions, target < 200 ns) and reassembly of a 256 MiB message
// fed in 1 MiB chunks against memcpy of the same bytes in the same run (target >= 0.5x),
// into fresh memory as reassembly does, and into warm memory as the stricter bound.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "support/ratio_reporter.h"
#include "tether.h"

namespace {

constexpr size_t kChunk = 1 << 20;
constexpr size_t kMessage = 256 << 20;

void BM_PingTurnaround(benchmark::State &state) {
  // A 16-byte nonce, as the prober sends.
  uint8_t ping[8 + 2 + 16];
  tether_frame_header_encode(TETHER_MSG_PING, 0, 2 + 16, ping);
  ping[8] = 0x0a;
  ping[9] = 16;
  std::memset(ping + 10, 'n', 16);
  tether_session_options options;
  tether_session_options_init(&options);
  options.extensions = TETHER_EXT_PING;
  tether_session *s = nullptr;
  tether_session_new(&options, &s);
  uint64_t pong_bytes = 0;
  for (auto _ : state) {
    size_t consumed;
    tether_session_feed(s, ping, sizeof ping, &consumed);
    tether_event event;
    tether_session_next_event(s, &event);
    const uint8_t *out;
    size_t length;
    tether_session_pending_output(s, &out, &length);
    benchmark::DoNotOptimize(out[length - 1]);
    tether_session_consume_output(s, length);
    pong_bytes += length;
  }
  tether_session_stats stats;
  stats.struct_size = sizeof stats;
  tether_session_stats_get(s, &stats);
  auto iterations = static_cast<uint64_t>(state.iterations());
  if (stats.pings_answered != iterations || pong_bytes != iterations * sizeof ping) {
    state.SkipWithError("not every Ping was answered");
  }
  tether_session_free(s);
}
BENCHMARK(BM_PingTurnaround)->Repetitions(9)->ReportAggregatesOnly(true);

std::vector<uint8_t> random_chunk() {
  std::vector<uint8_t> chunk(kChunk);
  for (size_t i = 0; i < kChunk; ++i) chunk[i] = static_cast<uint8_t>(i * 2654435761u >> 13);
  return chunk;
}

// A fresh session per message: its reassembly buffer is new memory each time, as
// in a real stream, and is freed when the next message is dispatched.
void BM_Reassemble(benchmark::State &state) {
  size_t size = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> chunk = random_chunk();
  tether_session_options options;
  tether_session_options_init(&options);
  options.max_frame_payload = kChunk;
  options.max_message_size = size;
  options.extensions = TETHER_EXT_CHUNKED;
  uint8_t continued[8], last[8];
  tether_frame_header_encode(0x0400, TETHER_FLAG_CONTINUED, kChunk, continued);
  tether_frame_header_encode(0x0400, 0, kChunk, last);
  for (auto _ : state) {
    tether_session *s = nullptr;
    tether_session_new(&options, &s);
    size_t consumed;
    for (size_t at = 0; at < size; at += kChunk) {
      tether_session_feed(s, at + kChunk < size ? continued : last, 8, &consumed);
      tether_session_feed(s, chunk.data(), kChunk, &consumed);
    }
    tether_event event;
    if (tether_session_next_event(s, &event) != TETHER_OK || event.length != size) {
      state.SkipWithError("the message was not reassembled");
    }
    benchmark::DoNotOptimize(event.data[size - 1]);
    tether_session_free(s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}
BENCHMARK(BM_Reassemble)->Arg(kMessage)->Unit(benchmark::kMillisecond)->UseRealTime();

// The physical limit: the same chunks copied once into one buffer. Fresh memory each
// time too (malloc of 256 MiB is an mmap), so both pay for the page faults.
void BM_Memcpy(benchmark::State &state) {
  size_t size = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> chunk = random_chunk();
  for (auto _ : state) {
    auto *sink = static_cast<uint8_t *>(std::malloc(size));
    for (size_t at = 0; at < size; at += kChunk) std::memcpy(sink + at, chunk.data(), kChunk);
    benchmark::DoNotOptimize(sink[size - 1]);
    std::free(sink);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}
BENCHMARK(BM_Memcpy)->Arg(kMessage)->Unit(benchmark::kMillisecond)->UseRealTime();

// The stricter limit: the same copy into memory already faulted in and reused.
void BM_MemcpyWarm(benchmark::State &state) {
  size_t size = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> chunk = random_chunk();
  std::vector<uint8_t> sink(size, 1);
  for (auto _ : state) {
    for (size_t at = 0; at < size; at += kChunk)
      std::memcpy(sink.data() + at, chunk.data(), kChunk);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}
BENCHMARK(BM_MemcpyWarm)->Arg(kMessage)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char **argv) {
  return tether_bench::run_with_ratios(
      argc, argv, {{"BM_Reassemble", "BM_Memcpy"}, {"BM_Reassemble", "BM_MemcpyWarm"}});
}
