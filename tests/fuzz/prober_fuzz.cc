// Drives a prober with a byte script: each step adds or removes a stream, advances
// the fake clock and polls, echoes or corrupts a sent Ping's body, or hands over raw
// bytes as a Pong. Checks the prober's counters stay consistent; sanitizers catch
// the rest. The first byte picks the selection policy and, with its top two bits set,
// ends the run with the Prometheus exposition: formatting that text under ASan and
// coverage costs more than the rest of a run, so one input in four asks for it.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tether.h"

namespace {

struct Sent {
  uint64_t stream;
  std::vector<uint8_t> body;  // the PingMessage: a valid PongMessage too
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tether_prober_options options;
  tether_prober_options_init(&options);
  options.pong_timeout_ns = 50'000'000;
  options.interval_ns = 10'000'000;
  options.suspect_interval_ns = 2'000'000;
  options.window_ns = 100'000'000;
  options.window_max_samples = 8;
  options.max_streams = 16;
  options.max_deployments = 4;
  if (size > 0) options.selection = static_cast<tether_probe_selection>((data[0] & 0x3f) % 3);
  const bool expose = size > 0 && (data[0] & 0xC0) == 0xC0;
  tether_prober *prober = nullptr;
  if (tether_prober_new(&options, &prober) != TETHER_OK) std::abort();
  const char *deployments[] = {"a", "b", "c", "d", "e"};
  std::vector<Sent> sent;
  uint64_t now = 0;
  size_t at = 1;
  while (at + 2 <= size) {
    uint8_t op = data[at], arg = data[at + 1];
    at += 2;
    switch (op % 6) {
      case 0:
        tether_prober_add_stream(prober, arg % 20, deployments[arg % 5], now);
        break;
      case 1:
        tether_prober_remove_stream(prober, arg % 20);
        break;
      case 2: {
        now += uint64_t{arg} * 500'000;
        const tether_ping *pings = nullptr;
        size_t count = 0;
        if (tether_prober_poll(prober, now, &pings, &count, nullptr) != TETHER_OK) std::abort();
        for (size_t i = 0; i < count; ++i) {
          if (pings[i].length != 26) std::abort();
          sent.push_back(Sent{pings[i].stream, {pings[i].frame + 8, pings[i].frame + 26}});
        }
        break;
      }
      case 3:
      case 4:
        if (!sent.empty()) {
          Sent &ping = sent[arg % sent.size()];
          std::vector<uint8_t> body = ping.body;
          if (op % 6 == 4) body[arg % body.size()] ^= static_cast<uint8_t>(op | 1);
          now += arg * 100'000;
          tether_prober_on_pong_message(prober, ping.stream, body.data(), body.size(), now);
        }
        break;
      case 5: {
        size_t n = arg % 32;
        if (n > size - at) n = size - at;
        tether_prober_on_pong_message(prober, arg % 20, data + at, n, now);
        at += n;
        break;
      }
    }
  }
  tether_prober_stats stats{};
  stats.struct_size = sizeof stats;
  tether_prober_stats_get(prober, &stats);
  if (stats.outstanding > stats.streams ||
      stats.pongs_matched + stats.timeouts > stats.pings_sent) {
    std::abort();
  }
  const char *text = nullptr;
  size_t length = 0;
  if (expose && (tether_prober_prometheus(prober, &text, &length) != TETHER_OK ||
                 std::strlen(text) != length)) {
    std::abort();
  }
  tether_prober_free(prober);
  return 0;
}
