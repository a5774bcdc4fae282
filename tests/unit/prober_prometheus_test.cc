#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "prober_support.h"

namespace {

using namespace prober_test;

// A small parser of the text format: "# TYPE name type" lines and samples
// `name{label="value",...} number`, with label values unescaped. Keys are
// name{label=value,...} with labels in the order written.
struct Exposition {
  std::map<std::string, std::string> types;
  std::map<std::string, double> samples;
  std::string error;

  explicit Exposition(const std::string &text) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) {
        error = "empty line";
        return;
      }
      if (line.rfind("# HELP ", 0) == 0) continue;
      if (line.rfind("# TYPE ", 0) == 0) {
        std::istringstream words(line.substr(7));
        std::string name, type;
        words >> name >> type;
        types[name] = type;
        continue;
      }
      size_t i = 0;
      std::string key;
      while (i < line.size() && line[i] != '{' && line[i] != ' ') key += line[i++];
      if (i < line.size() && line[i] == '{') {
        key += '{';
        ++i;
        while (i < line.size() && line[i] != '}') {
          while (line[i] != '=') key += line[i++];
          key += '=';
          i += 2;  // ="
          while (line[i] != '"') {
            if (line[i] == '\\') {
              ++i;
              key += line[i] == 'n' ? '\n' : line[i];
            } else {
              key += line[i];
            }
            ++i;
          }
          ++i;  // closing quote
          if (line[i] == ',') key += line[i++];
        }
        key += '}';
        ++i;
      }
      if (i >= line.size() || line[i] != ' ') {
        error = "no value in: " + line;
        return;
      }
      samples[key] = std::stod(line.substr(i + 1));
    }
  }
};

TEST(ProberPrometheus, TextParsesBackToTheFigures) {
  tether_prober_options o = defaults();
  o.selection = TETHER_PROBE_ALL;
  o.pong_timeout_ns = 2 * kS;
  Harness h(o);
  for (uint64_t s : {1, 2, 3}) ASSERT_EQ(h->add_stream(s, "alpha", 0), TETHER_OK);
  ASSERT_EQ(h->add_stream(4, "be\"ta\\\n", 0), TETHER_OK);  // escaped in the labels
  auto pings = h.poll(0);
  ASSERT_EQ(pings.size(), 4u);
  h.answer(pings[0], 300 * 1000);        // 0.3 ms
  h.answer(pings[1], 7 * kMs);           // 7 ms
  h.answer(pings[2], 40 * kMs);          // 40 ms
  EXPECT_EQ(h.poll(1 * kS).size(), 3u);  // stream 4 still waits
  h.poll(2500 * kMs);                    // stream 4 times out after 2.5 s
  uint8_t junk[16] = {};
  ASSERT_EQ(h->on_pong(1, junk, 16, 3 * kS), TETHER_OK);

  const char *text = nullptr;
  size_t length = 0;
  ASSERT_EQ(h->prometheus(&text, &length), TETHER_OK);
  ASSERT_EQ(std::string(text).size(), length);
  Exposition e(std::string(text, length));
  ASSERT_EQ(e.error, "") << text;
  EXPECT_EQ(e.types["tether_ping_rtt_seconds"], "histogram");
  EXPECT_EQ(e.types["tether_ping_timeouts_total"], "counter");
  EXPECT_EQ(e.types["tether_pong_unexpected_total"], "counter");
  EXPECT_EQ(e.types["tether_deployment_state"], "gauge");

  auto bucket = [&](const std::string &deployment, const char *le) {
    return e.samples.at("tether_ping_rtt_seconds_bucket{deployment=" + deployment + ",le=" + le +
                        "}");
  };
  EXPECT_EQ(bucket("alpha", "0.0001"), 0);
  EXPECT_EQ(bucket("alpha", "0.0005"), 1);
  EXPECT_EQ(bucket("alpha", "0.005"), 1);
  EXPECT_EQ(bucket("alpha", "0.01"), 2);
  EXPECT_EQ(bucket("alpha", "0.05"), 3);
  EXPECT_EQ(bucket("alpha", "+Inf"), 3);
  EXPECT_DOUBLE_EQ(e.samples.at("tether_ping_rtt_seconds_sum{deployment=alpha}"), 0.0473);
  EXPECT_EQ(e.samples.at("tether_ping_rtt_seconds_count{deployment=alpha}"), 3);
  const std::string beta = "be\"ta\\\n";
  EXPECT_EQ(bucket(beta, "1"), 0);
  EXPECT_EQ(bucket(beta, "2.5"), 1);  // le is inclusive: 2.5 s counts
  EXPECT_DOUBLE_EQ(e.samples.at("tether_ping_rtt_seconds_sum{deployment=" + beta + "}"), 2.5);
  EXPECT_EQ(e.samples.at("tether_ping_timeouts_total{deployment=alpha}"), 0);
  EXPECT_EQ(e.samples.at("tether_ping_timeouts_total{deployment=" + beta + "}"), 1);
  EXPECT_EQ(e.samples.at("tether_pong_unexpected_total"), 1);
  EXPECT_EQ(e.samples.at("tether_deployment_state{deployment=alpha}"), 0);
  EXPECT_EQ(e.samples.at("tether_deployment_state{deployment=" + beta + "}"), 2);  // congested
}

TEST(ProberPrometheus, BucketsAreCumulativeAndEndAtTheCount) {
  tether::RttHistogram h;
  for (uint64_t v = 1000; v < 70'000'000'000; v = v * 3 / 2) h.record(v);
  std::string text;
  tether::prometheus::histogram(text, "x_seconds", {}, h);
  Exposition e(text);
  ASSERT_EQ(e.error, "");
  double previous = 0;
  for (const tether::prometheus::Bound &bound : tether::prometheus::kBounds) {
    double count = e.samples.at(std::string("x_seconds_bucket{le=") + bound.text + "}");
    EXPECT_GE(count, previous) << bound.text;
    previous = count;
  }
  EXPECT_LE(previous, static_cast<double>(h.count()));  // some values are above 60 s
  EXPECT_EQ(e.samples.at("x_seconds_bucket{le=+Inf}"), static_cast<double>(h.count()));
  EXPECT_EQ(e.samples.at("x_seconds_count"), static_cast<double>(h.count()));
}

}  // namespace
