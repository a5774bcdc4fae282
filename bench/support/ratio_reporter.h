// Console output plus a closing table that sets each benchmark's throughput against
// a baseline measured in the same run (e.g. BM_Decode/64 against BM_Memcpy/64). With
// --benchmark_repetitions the median of the repetitions is compared, and the spread
// (coefficient of variation of the repetitions) is printed beside it. Each ratio is
// also printed as a "figure:" line, which bench/report.sh lifts into its tables.
#pragma once

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tether_bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // Each pair: (subject name prefix, baseline name prefix); the argument suffix
  // ("/64") is matched between them. Colors only on a terminal: --benchmark_color
  // does not reach a reporter of our own, and a report written to a file must not
  // carry escape codes.
  explicit RatioReporter(std::vector<std::pair<std::string, std::string>> pairs)
      : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular),
        pairs_(std::move(pairs)) {}

  void ReportRuns(const std::vector<Run> &runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run &run : runs) {
      auto it = run.counters.find("bytes_per_second");
      if (it == run.counters.end()) continue;
      if (run.run_type == Run::RT_Iteration) {
        rates_[run.benchmark_name()].median = it->second.value;
      } else if (run.aggregate_name == "median") {
        rates_[run.run_name.str()].median = it->second.value;
      } else if (run.aggregate_name == "cv") {
        rates_[run.run_name.str()].cv = it->second.value;
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-34s %10s %8s %10s %8s %8s\n", "benchmark", "GB/s", "spread", "baseline",
                "spread", "ratio");
    for (const auto &[subject, baseline] : pairs_) {
      for (const auto &[name, rate] : rates_) {
        if (name.rfind(subject, 0) != 0) continue;
        std::string suffix = name.substr(subject.size());
        auto base = rates_.find(baseline + suffix);
        if (base == rates_.end() || base->second.median <= 0) continue;
        double ratio = rate.median / base->second.median;
        std::printf("%-34s %10.2f %8s %10.2f %8s %7.2fx\n", name.c_str(), rate.median / 1e9,
                    spread(rate).c_str(), base->second.median / 1e9, spread(base->second).c_str(),
                    ratio);
        figures_.push_back("figure: " + name + " | " + gbps(rate) + " | " + baseline + suffix +
                           " " + gbps(base->second) + " | " + format("%.2fx", ratio) + " | -");
      }
    }
    for (const std::string &line : figures_) std::printf("%s\n", line.c_str());
  }

 protected:
  template <typename... Args>
  static std::string format(const char *pattern, Args... args) {
    char text[128];
    std::snprintf(text, sizeof text, pattern, args...);
    return text;
  }

 private:
  struct Rate {
    double median = 0;
    double cv = -1;  // unknown without repetitions
  };
  static std::string spread(const Rate &rate) {
    return rate.cv < 0 ? "-" : format("%.1f%%", rate.cv * 100);
  }
  static std::string gbps(const Rate &rate) {
    return format("%.2f GB/s", rate.median / 1e9) +
           (rate.cv < 0 ? "" : " (spread " + spread(rate) + ")");
  }

  std::vector<std::pair<std::string, std::string>> pairs_;
  std::map<std::string, Rate> rates_;
  std::vector<std::string> figures_;
};

// A main() body: runs every benchmark, reported by `reporter`.
inline int run_with_reporter(int argc, char **argv, benchmark::BenchmarkReporter &reporter) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

// A main() body: runs every benchmark with the ratio table at the end.
inline int run_with_ratios(int argc, char **argv,
                           std::vector<std::pair<std::string, std::string>> pairs) {
  RatioReporter reporter(std::move(pairs));
  return run_with_reporter(argc, argv, reporter);
}

}  // namespace tether_bench
