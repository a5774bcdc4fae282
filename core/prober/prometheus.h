// Prometheus text exposition (format 0.0.4): metric family headers, samples with
// escaped labels, and an RttHistogram as a `_bucket`/`_sum`/`_count` histogram in
// seconds. Templates over the output string so any caller (the prober, the probe
// CLI's HTTP/2 PING series) can write into its own string type.
#pragma once

#include <cinttypes>
#include <cstdio>
#include <initializer_list>
#include <iterator>
#include <string_view>

#include "prober/histogram.h"

namespace tether::prometheus {

struct Label {
  std::string_view name;
  std::string_view value;
};

// Upper bounds of the exposed histogram buckets: 100 us .. 60 s, then +Inf.
struct Bound {
  const char *text;
  uint64_t ns;
};
inline constexpr Bound kBounds[] = {
    {"0.0001", 100'000},    {"0.00025", 250'000},   {"0.0005", 500'000},   {"0.001", 1'000'000},
    {"0.0025", 2'500'000},  {"0.005", 5'000'000},   {"0.01", 10'000'000},  {"0.025", 25'000'000},
    {"0.05", 50'000'000},   {"0.1", 100'000'000},   {"0.25", 250'000'000}, {"0.5", 500'000'000},
    {"1", 1'000'000'000},   {"2.5", 2'500'000'000}, {"5", 5'000'000'000},  {"10", 10'000'000'000},
    {"30", 30'000'000'000}, {"60", 60'000'000'000},
};

template <typename String>
void family(String &out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// Runs without a character to escape (every label value in practice) go in one append.
inline void escape_into(std::string_view value, auto &out) {
  while (!value.empty()) {
    size_t plain = value.find_first_of("\\\"\n");
    out.append(value.substr(0, plain));
    if (plain == std::string_view::npos) return;
    char c = value[plain];
    out.append(c == '\\' ? "\\\\" : c == '"' ? "\\\"" : "\\n");
    value.remove_prefix(plain + 1);
  }
}

// {a="x",b="y"} from the list, then `extra` if given; nothing when both are empty.
template <typename String>
void labels(String &out, std::initializer_list<Label> list, const Label *extra = nullptr) {
  if (list.size() == 0 && extra == nullptr) return;
  char separator = '{';
  auto one = [&](const Label &label) {
    out.push_back(separator);
    separator = ',';
    out.append(label.name).append("=\"");
    escape_into(label.value, out);
    out.append("\"");
  };
  for (const Label &label : list) one(label);
  if (extra != nullptr) one(*extra);
  out.append("}");
}

template <typename String>
void sample(String &out, std::string_view name, std::initializer_list<Label> list,
            std::string_view value, std::string_view suffix = {}, const Label *extra = nullptr) {
  out.append(name).append(suffix);
  labels(out, list, extra);
  out.append(" ").append(value).append("\n");
}

inline std::string_view format_u64(char (&buffer)[32], uint64_t value) {
  int n = std::snprintf(buffer, sizeof buffer, "%" PRIu64, value);
  return std::string_view(buffer, static_cast<size_t>(n));
}

// Exact decimal seconds of a nanosecond count.
inline std::string_view format_seconds(char (&buffer)[32], uint64_t ns) {
  int n = std::snprintf(buffer, sizeof buffer, "%" PRIu64 ".%09" PRIu64, ns / 1'000'000'000,
                        ns % 1'000'000'000);
  return std::string_view(buffer, static_cast<size_t>(n));
}

// The samples of one histogram series (write its family header once, before).
// Bucket counts come from RttHistogram::counts_at_or_below.
template <typename String>
void histogram(String &out, std::string_view name, std::initializer_list<Label> list,
               const RttHistogram &h) {
  char number[32];
  constexpr size_t n = std::size(kBounds);
  uint64_t bounds[n], counts[n];
  for (size_t i = 0; i < n; ++i) bounds[i] = kBounds[i].ns;
  h.counts_at_or_below(bounds, n, counts);
  for (size_t i = 0; i < n; ++i) {
    Label le{"le", kBounds[i].text};
    sample(out, name, list, format_u64(number, counts[i]), "_bucket", &le);
  }
  Label inf{"le", "+Inf"};
  sample(out, name, list, format_u64(number, h.count()), "_bucket", &inf);
  sample(out, name, list, format_seconds(number, h.sum_ns()), "_sum");
  sample(out, name, list, format_u64(number, h.count()), "_count");
}

}  // namespace tether::prometheus
