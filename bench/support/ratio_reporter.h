// Console output plus a closing table that sets each benchmark's throughput against
// a baseline measured in the same run (e.g. BM_Decode/64 against BM_Memcpy/64).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tether_bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // Each pair: (subject name prefix, baseline name prefix); the argument suffix
  // ("/64") is matched between them.
  explicit RatioReporter(std::vector<std::pair<std::string, std::string>> pairs)
      : pairs_(std::move(pairs)) {}

  void ReportRuns(const std::vector<Run> &runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run &run : runs) {
      auto it = run.counters.find("bytes_per_second");
      if (it != run.counters.end()) rates_[run.benchmark_name()] = it->second.value;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-28s %12s %12s %8s\n", "benchmark", "GB/s", "baseline", "ratio");
    for (const auto &[subject, baseline] : pairs_) {
      for (const auto &[name, rate] : rates_) {
        if (name.rfind(subject, 0) != 0) continue;
        std::string suffix = name.substr(subject.size());
        auto base = rates_.find(baseline + suffix);
        if (base == rates_.end() || base->second <= 0) continue;
        std::printf("%-28s %12.2f %12.2f %7.2fx\n", name.c_str(), rate / 1e9, base->second / 1e9,
                    rate / base->second);
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
  std::map<std::string, double> rates_;
};

// A main() body: runs every benchmark with the ratio table at the end.
inline int run_with_ratios(int argc, char **argv,
                           std::vector<std::pair<std::string, std::string>> pairs) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(std::move(pairs));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace tether_bench
