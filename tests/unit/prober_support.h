// Drives a tether::Prober with a fake clock in unit tests: copies each poll's Pings
// and answers them with a Pong built from the Ping's own body.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "prober/prober.h"
#include "prober/prometheus.h"

namespace prober_test {

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kS = 1'000'000'000;

struct SentPing {
  uint64_t stream;
  std::vector<uint8_t> frame;
};

class Harness {
 public:
  explicit Harness(const tether_prober_options &options) {
    tether_status status;
    prober_ = tether::Prober::create(&options, &status);
    EXPECT_EQ(status, TETHER_OK);
  }
  ~Harness() { tether::Prober::destroy(prober_); }
  tether::Prober &operator*() { return *prober_; }
  tether::Prober *operator->() { return prober_; }

  std::vector<SentPing> poll(uint64_t now_ns, uint64_t *next = nullptr) {
    const tether_ping *pings = nullptr;
    size_t count = 0;
    uint64_t ignored;
    EXPECT_EQ(prober_->poll(now_ns, &pings, &count, next ? next : &ignored), TETHER_OK)
        << prober_->error().message();
    std::vector<SentPing> out;
    for (size_t i = 0; i < count; ++i) {
      out.push_back(SentPing{pings[i].stream, {pings[i].frame, pings[i].frame + pings[i].length}});
    }
    return out;
  }
  static std::vector<uint64_t> streams(const std::vector<SentPing> &pings) {
    std::vector<uint64_t> out;
    for (const SentPing &ping : pings) out.push_back(ping.stream);
    return out;
  }
  // A PongMessage has the same body as the PingMessage it answers.
  void answer(const SentPing &ping, uint64_t now_ns) {
    EXPECT_EQ(prober_->on_pong_message(ping.stream, ping.frame.data() + TETHER_FRAME_HEADER_SIZE,
                                       ping.frame.size() - TETHER_FRAME_HEADER_SIZE, now_ns),
              TETHER_OK)
        << prober_->error().message();
  }
  void answer_all(const std::vector<SentPing> &pings, uint64_t now_ns) {
    for (const SentPing &ping : pings) answer(ping, now_ns);
  }
  tether_prober_stats stats() {
    tether_prober_stats s{};
    prober_->stats(&s);
    return s;
  }

 private:
  tether::Prober *prober_ = nullptr;
};

inline tether_prober_options defaults() {
  tether_prober_options o;
  tether::prober_default_options(&o);
  return o;
}

}  // namespace prober_test
