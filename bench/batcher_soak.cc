// Soak benchmark of the batcher (docs/batcher.md): a producer 10x faster than a
// SQLite sink (synchronous=FULL, one transaction per batch), for --seconds under each
// policy, then the same producer against an unbounded queue in the same run. Each
// scenario runs in its own child process so that its peak RSS is its own. Prints
// peak RSS against the budget + 16 MiB, records/s accepted and written, and accepted
// vs stored counts. --check exits 1 if a batcher scenario breaks the RSS target or
// stores a different count than it accepted.
#include <getopt.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tether.h"

namespace {

constexpr uint64_t kMiB = 1 << 20;
constexpr uint32_t kSinkBatchRecords = 8;  // small transactions: the slow sink

struct Config {
  double seconds = 60;
  size_t record_bytes = 512;
  uint64_t budget = 16 * kMiB;
  uint64_t unbounded_ceiling = 1024 * kMiB;  // the unbounded run stops here (the machine is shared)
  std::string dir = "build/bench-scratch";
  bool check = false;
};

struct Result {
  char name[16];
  double seconds;
  uint64_t accepted, refused, written_during, stored, left;
  uint64_t peak_rss, base_rss;
  double drain_seconds;
  int stopped_at_ceiling;
};

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uint64_t peak_rss() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<uint64_t>(u.ru_maxrss) * 1024;
}

uint64_t current_rss() {
  FILE *f = std::fopen("/proc/self/statm", "r");
  unsigned long long size = 0, resident = 0;
  if (f != nullptr) {
    if (std::fscanf(f, "%llu %llu", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

tether_sqlite_sink *open_sink(const std::string &path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  tether_sqlite_sink_options o;
  tether_sqlite_sink_options_init(&o);
  o.path = path.c_str();
  tether_sqlite_sink *sink = nullptr;
  char error[256];
  if (tether_sqlite_sink_open(&o, &sink, error, sizeof error) != TETHER_OK) {
    std::fprintf(stderr, "batcher_soak: %s\n", error);
    std::exit(1);
  }
  return sink;
}

uint64_t rows_of(tether_sqlite_sink *sink) {
  uint64_t n = 0;
  tether_sqlite_sink_count(sink, &n);
  return n;
}

// The sink's rate in records/s, writing batches of kSinkBatchRecords for `seconds`
// after as long a warm-up (a fresh database's first commits, which grow its WAL file,
// are slower than the steady state the scenarios run in).
double calibrate(const Config &c, double seconds) {
  tether_sqlite_sink *sink = open_sink(c.dir + "/calibrate.db");
  std::string body(c.record_bytes, 'c');
  std::vector<tether_record> batch(kSinkBatchRecords);
  uint64_t id = 0, measured_from = 0;
  const double start = now_s();
  double measure_start = start + seconds;
  bool measuring = false;
  while (now_s() - start < 2 * seconds) {
    if (!measuring && now_s() >= measure_start) {
      measuring = true;
      measured_from = id;
      measure_start = now_s();
    }
    for (tether_record &r : batch) {
      r = {++id, reinterpret_cast<const uint8_t *>(body.data()), body.size()};
    }
    tether_sqlite_sink_write(batch.data(), batch.size(), sink);
  }
  double rate = static_cast<double>(id - measured_from) / (now_s() - measure_start);
  tether_sqlite_sink_free(sink);
  return rate > 0 ? rate : 1;
}

// Paces the producer at `rate` records/s: sleeps while ahead of schedule.
struct Pacer {
  double start, rate;
  void wait(uint64_t i) const {
    double due = start + static_cast<double>(i) / rate;
    double ahead = due - now_s();
    if (ahead > 0.001) std::this_thread::sleep_for(std::chrono::duration<double>(ahead));
  }
};

Result run_batcher(const Config &c, tether_overflow_policy policy, const char *name, double rate) {
  Result r{};
  std::snprintf(r.name, sizeof r.name, "%s", name);
  r.base_rss = current_rss();
  std::string spill = c.dir + "/" + name + ".spill";
  std::filesystem::remove_all(spill);
  tether_sqlite_sink *sink = open_sink(c.dir + "/" + name + ".db");
  tether_batcher_options o;
  tether_batcher_options_init(&o);
  o.sink = tether_sqlite_sink_write;
  o.sink_user_data = sink;
  o.policy = policy;
  o.max_queued_bytes = c.budget;
  o.max_batch_records = kSinkBatchRecords;
  o.max_batch_bytes = 1 * kMiB;
  o.block_timeout_ns = 1'000'000'000;
  o.spill_dir = spill.c_str();
  o.spill_max_bytes = 2 * c.budget;
  o.spill_fsync = TETHER_SPILL_FSYNC_INTERVAL;
  tether_batcher *b = nullptr;
  char error[256];
  if (tether_batcher_new(&o, &b, error, sizeof error) != TETHER_OK) {
    std::fprintf(stderr, "batcher_soak: %s\n", error);
    std::exit(1);
  }
  std::string body(c.record_bytes, 'p');
  Pacer pacer{now_s(), rate};
  uint64_t i = 0;
  while (now_s() - pacer.start < c.seconds) {
    pacer.wait(i);
    ++i;
    std::memcpy(body.data(), &i, sizeof i);
    tether_status s =
        tether_batcher_submit(b, i, reinterpret_cast<const uint8_t *>(body.data()), body.size());
    (s == TETHER_OK ? r.accepted : r.refused)++;
  }
  r.seconds = now_s() - pacer.start;
  tether_batcher_stats st{};
  st.struct_size = sizeof st;
  tether_batcher_stats_get(b, &st);
  r.written_during = st.written;
  double drain = now_s();
  uint64_t unwritten = 0;
  tether_batcher_close(b, 600'000'000'000ull, &unwritten);
  r.drain_seconds = now_s() - drain;
  r.left = unwritten;
  tether_batcher_free(b);
  r.stored = rows_of(sink);
  tether_sqlite_sink_free(sink);
  r.peak_rss = peak_rss();
  return r;
}

// The same producer over a queue without a bound: a deque and a writer thread.
Result run_unbounded(const Config &c, double rate) {
  Result r{};
  std::snprintf(r.name, sizeof r.name, "unbounded");
  r.base_rss = current_rss();
  tether_sqlite_sink *sink = open_sink(c.dir + "/unbounded.db");
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<uint64_t, std::string>> queue;
  bool stop = false;
  std::atomic<uint64_t> written{0};
  std::thread writer([&] {
    std::vector<std::pair<uint64_t, std::string>> batch;
    std::vector<tether_record> records;
    for (;;) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || !queue.empty(); });
        if (stop) return;
        batch.clear();
        while (!queue.empty() && batch.size() < kSinkBatchRecords) {
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      records.clear();
      for (auto &[id, body] : batch) {
        records.push_back({id, reinterpret_cast<const uint8_t *>(body.data()), body.size()});
      }
      if (tether_sqlite_sink_write(records.data(), records.size(), sink) == TETHER_SINK_OK) {
        written += records.size();
      }
    }
  });
  std::string body(c.record_bytes, 'u');
  Pacer pacer{now_s(), rate};
  uint64_t i = 0;
  while (now_s() - pacer.start < c.seconds) {
    pacer.wait(i);
    ++i;
    {
      std::lock_guard lock(mu);
      queue.emplace_back(i, body);
    }
    cv.notify_one();
    ++r.accepted;
    if (i % 4096 == 0 && current_rss() > c.unbounded_ceiling) {
      r.stopped_at_ceiling = 1;
      break;
    }
  }
  r.seconds = now_s() - pacer.start;
  {
    std::lock_guard lock(mu);
    stop = true;
    r.left = queue.size();
  }
  cv.notify_one();
  writer.join();
  r.written_during = written;
  r.stored = rows_of(sink);
  tether_sqlite_sink_free(sink);
  r.peak_rss = peak_rss();
  return r;
}

// Runs fn in a child process and returns its Result through a pipe.
template <typename Fn>
Result in_child(Fn fn) {
  int fds[2];
  if (pipe(fds) != 0) std::exit(1);
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Result r = fn();
    ssize_t n = write(fds[1], &r, sizeof r);
    _exit(n == static_cast<ssize_t>(sizeof r) ? 0 : 1);
  }
  close(fds[1]);
  Result r{};
  ssize_t got = read(fds[0], &r, sizeof r);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != static_cast<ssize_t>(sizeof r) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "batcher_soak: a scenario failed\n");
    std::exit(1);
  }
  return r;
}

}  // namespace

int main(int argc, char **argv) {
  Config c;
  static const option longs[] = {{"seconds", required_argument, nullptr, 's'},
                                 {"record-bytes", required_argument, nullptr, 'r'},
                                 {"budget-mib", required_argument, nullptr, 'b'},
                                 {"ceiling-mib", required_argument, nullptr, 'u'},
                                 {"dir", required_argument, nullptr, 'd'},
                                 {"check", no_argument, nullptr, 'c'},
                                 {nullptr, 0, nullptr, 0}};
  for (int o; (o = getopt_long(argc, argv, "", longs, nullptr)) != -1;) {
    switch (o) {
      case 's':
        c.seconds = std::atof(optarg);
        break;
      case 'r':
        c.record_bytes = std::strtoull(optarg, nullptr, 10);
        break;
      case 'b':
        c.budget = std::strtoull(optarg, nullptr, 10) * kMiB;
        break;
      case 'u':
        c.unbounded_ceiling = std::strtoull(optarg, nullptr, 10) * kMiB;
        break;
      case 'd':
        c.dir = optarg;
        break;
      case 'c':
        c.check = true;
        break;
      default:
        std::fprintf(stderr,
                     "usage: batcher_soak [--seconds S] [--record-bytes N] [--budget-mib N] "
                     "[--ceiling-mib N] [--dir DIR] [--check]\n");
        return 2;
    }
  }
  if (c.seconds <= 0 || c.record_bytes < 8 || c.budget < 2 * kMiB) {
    std::fprintf(stderr, "batcher_soak: --seconds > 0, --record-bytes >= 8, --budget-mib >= 2\n");
    return 2;
  }
  std::filesystem::create_directories(c.dir);
  double sink_rate = calibrate(c, std::min(2.0, c.seconds / 2));
  double rate = 10 * sink_rate;
  std::printf(
      "sink: SQLite, synchronous=FULL, %u records per transaction, %zu-byte records: "
      "%.0f records/s alone\n",
      kSinkBatchRecords, c.record_bytes, sink_rate);
  std::printf("producer: paced at %.0f records/s (10x) for %.0f s; budget %" PRIu64
              " MiB, RSS target budget + 16 MiB = %" PRIu64 " MiB\n\n",
              rate, c.seconds, c.budget / kMiB, c.budget / kMiB + 16);

  std::vector<Result> results;
  results.push_back(
      in_child([&] { return run_batcher(c, TETHER_OVERFLOW_REJECT, "reject", rate); }));
  results.push_back(in_child([&] { return run_batcher(c, TETHER_OVERFLOW_BLOCK, "block", rate); }));
  results.push_back(in_child([&] { return run_batcher(c, TETHER_OVERFLOW_SPILL, "spill", rate); }));
  results.push_back(in_child([&] { return run_unbounded(c, rate); }));

  std::printf("%-10s %9s %9s %11s %11s %7s %10s %10s %10s %8s %9s\n", "scenario", "peak MiB",
              "target", "accepted/s", "written/s", "x sink", "accepted", "refused", "stored",
              "left", "drain s");
  bool ok = true;
  const uint64_t target = c.budget + 16 * kMiB;
  for (const Result &r : results) {
    const bool bounded = std::strcmp(r.name, "unbounded") != 0;
    const double offered = static_cast<double>(r.accepted + r.refused) / r.seconds;
    const double written = static_cast<double>(r.written_during) / r.seconds;
    std::printf("%-10s %9.1f %9s %11.0f %11.0f %7.1f %10" PRIu64 " %10" PRIu64 " %10" PRIu64
                " %8" PRIu64 " %9.1f\n",
                r.name, static_cast<double>(r.peak_rss) / kMiB,
                bounded ? (r.peak_rss <= target ? "within" : "OVER") : "-",
                static_cast<double>(r.accepted) / r.seconds, written,
                written > 0 ? offered / written : 0.0, r.accepted, r.refused, r.stored, r.left,
                r.drain_seconds);
    if (bounded) {
      if (r.peak_rss > target) ok = false;
      if (r.stored != r.accepted) ok = false;
    }
  }
  const Result &unbounded = results.back();
  const Result &spill = results[2];
  std::printf(
      "\nunbounded queue: %.1f MiB peak after %.1f s%s, %" PRIu64
      " records still queued when it stopped; growth %.1f MiB/s.\n",
      static_cast<double>(unbounded.peak_rss) / kMiB, unbounded.seconds,
      unbounded.stopped_at_ceiling ? " (stopped at the ceiling)" : "", unbounded.left,
      static_cast<double>(unbounded.peak_rss - unbounded.base_rss) / kMiB / unbounded.seconds);
  std::printf("batcher (spill) peak / unbounded peak: %.2f\n",
              static_cast<double>(spill.peak_rss) / static_cast<double>(unbounded.peak_rss));
  std::printf("accepted == stored for every batcher scenario: %s\n", ok ? "yes" : "NO");
  std::printf(
      "(x sink: records offered per second over records written per second in the "
      "same scenario; under BLOCK submit waits, so it offers less)\n");
  return c.check && !ok ? 1 : 0;
}
