#include "svg.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace tether::probe {
namespace {

constexpr double kWidth = 960, kHeight = 480;
constexpr double kLeft = 70, kRight = 20, kTop = 50, kBottom = 60;
constexpr double kMinMs = 0.01, kMaxMs = 10000;  // log axis: 10 us .. 10 s
const char *const kShades[] = {"#e8f5e9", "#ffebee", "#e3f2fd", "#fff8e1"};

struct Axes {
  double duration_s;
  double x(double s) const { return kLeft + (kWidth - kLeft - kRight) * s / duration_s; }
  double y(double ms) const {
    double v = std::log10(std::clamp(ms, kMinMs, kMaxMs));
    double lo = std::log10(kMinMs), hi = std::log10(kMaxMs);
    return kTop + (kHeight - kTop - kBottom) * (hi - v) / (hi - lo);
  }
};

void series(std::FILE *f, const Axes &a, const std::vector<Sample> &samples, bool app,
            const char *color) {
  std::fprintf(f, "<g fill=\"%s\" fill-opacity=\"0.7\">\n", color);
  for (const Sample &s : samples) {
    if (s.app != app) continue;
    std::fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\"/>\n", a.x(s.at_s), a.y(s.rtt_ms),
                 app ? "2.6" : "1.8");
  }
  std::fprintf(f, "</g>\n");
}

}  // namespace

bool write_svg(const std::string &path, const Phases &phases, const std::vector<Sample> &samples,
               const std::string &title, std::string *error) {
  std::FILE *f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    *error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  double duration = 1;
  for (const Phase &p : phases) duration = std::max(duration, p.end_s);
  for (const Sample &s : samples) duration = std::max(duration, s.at_s);
  Axes a{duration};
  double plot_bottom = kHeight - kBottom;

  std::fprintf(f,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
               kWidth, kHeight, kWidth, kHeight);
  std::fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
  std::fprintf(f, "<text x=\"%.0f\" y=\"20\" font-size=\"16\" font-weight=\"bold\">%s</text>\n",
               kLeft, title.c_str());

  // Phases, shaded and labelled.
  for (size_t i = 0; i < phases.size(); ++i) {
    const Phase &p = phases[i];
    double x0 = a.x(p.start_s), x1 = a.x(p.end_s);
    std::fprintf(f, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"/>\n",
                 x0, kTop, x1 - x0, plot_bottom - kTop, kShades[i % 4]);
    std::fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
                 (x0 + x1) / 2, kTop + 16, p.name.c_str());
  }

  // Axes: decades on y, seconds on x.
  for (double ms = kMinMs; ms <= kMaxMs * 1.001; ms *= 10) {
    double y = a.y(ms);
    std::fprintf(f,
                 "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ccc\" "
                 "stroke-dasharray=\"3,3\"/>\n",
                 kLeft, y, kWidth - kRight, y);
    std::fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%g ms</text>\n", kLeft - 6,
                 y + 4, ms);
  }
  int step = duration > 30 ? 5 : (duration > 10 ? 2 : 1);
  for (int s = 0; s <= int(duration); s += step) {
    std::fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d s</text>\n", a.x(s),
                 plot_bottom + 18, s);
  }
  std::fprintf(f,
               "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
               "stroke=\"#333\"/>\n",
               kLeft, kTop, kWidth - kLeft - kRight, plot_bottom - kTop);
  std::fprintf(f,
               "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">time since start (RTT, log "
               "scale)</text>\n",
               (kLeft + kWidth - kRight) / 2, kHeight - 20);

  series(f, a, samples, false, "#1565c0");
  series(f, a, samples, true, "#e65100");

  // Legend.
  double lx = kLeft, ly = 42;
  std::fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"4\" fill=\"#e65100\"/>\n", lx, ly - 4);
  std::fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">app Ping/Pong (dispatch loop)</text>\n", lx + 8, ly);
  std::fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"4\" fill=\"#1565c0\"/>\n", lx + 200, ly - 4);
  std::fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">HTTP/2 PING</text>\n", lx + 208, ly);
  std::fprintf(f, "</svg>\n");
  bool ok = std::fclose(f) == 0;
  if (!ok) *error = "cannot write " + path + ": " + std::strerror(errno);
  return ok;
}

}  // namespace tether::probe
