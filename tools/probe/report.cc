#include "report.h"

namespace tether::probe {
namespace {

double ms(uint64_t ns) { return double(ns) / 1e6; }

void quantiles(std::FILE *out, const RttHistogram &h) {
  if (h.count() == 0) {
    std::fprintf(out, " %8s %8s %8s %8s", "-", "-", "-", "-");
    return;
  }
  std::fprintf(out, " %8.3f %8.3f %8.3f %8.3f", ms(h.quantile_ns(0.5)), ms(h.quantile_ns(0.9)),
               ms(h.quantile_ns(0.99)), ms(h.max_ns()));
}

}  // namespace

void print_table(std::FILE *out, const Phases &phases) {
  std::fprintf(out, "%-10s %7s | %-35s | %-35s | %s\n", "", "", "app Ping RTT (ms)",
               "HTTP/2 PING RTT (ms)", "");
  std::fprintf(out, "%-10s %7s | %8s %8s %8s %8s | %8s %8s %8s %8s | %s\n", "phase", "time", "p50",
               "p90", "p99", "max", "p50", "p90", "p99", "max", "state (samples app/h2, lost)");
  for (const Phase &p : phases) {
    std::fprintf(out, "%-10s %6.1fs |", p.name.c_str(), p.end_s - p.start_s);
    quantiles(out, p.app);
    std::fprintf(out, " |");
    quantiles(out, p.h2);
    std::fprintf(out, " | %s (%llu/%llu, %llu lost)\n", tether_deployment_state_name(p.state),
                 static_cast<unsigned long long>(p.app.count()),
                 static_cast<unsigned long long>(p.h2.count()),
                 static_cast<unsigned long long>(p.app_timeouts));
  }
}

}  // namespace tether::probe
