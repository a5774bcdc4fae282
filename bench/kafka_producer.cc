// The producer of the kafka test part and benchmark (tests/kafka/kafka_test.sh): a
// batcher under the KAFKA policy in front of a PostgreSQL sink, fed 10x faster than
// that sink writes alone (measured first, like batcher_soak). Records that fit in
// memory go to the table directly; the overflow goes to Kafka for tether-drain.
// Prints a status line per second; appends each accepted id to --accepted.
//   kafka_producer --brokers B --topic T --table TBL --seconds S --accepted FILE
#include <sys/resource.h>
#include <tether.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "cli.h"
#include "pg_sink.h"

namespace {

using Clock = std::chrono::steady_clock;

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

std::string last_error(const tether_batcher *b) {
  char text[1024];
  tether_batcher_last_error(b, text, sizeof text);
  return text;
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app{"kafka_producer: a batcher under KAFKA in front of PostgreSQL, 10x its sink"};
  tether::cli::init(app, "kafka_producer");
  std::string brokers, topic, table = "records", pg, accepted_path;
  double seconds = 5, factor = 10;
  uint32_t budget_kib = 1024, in_flight_kib = 4096, record_bytes = 512, block_ms = 1000;
  uint64_t first_id = 1;
  app.add_option("--brokers", brokers)->required();
  app.add_option("--topic", topic)->required();
  app.add_option("--table", table)->capture_default_str();
  app.add_option("--pg", pg, "libpq connection string (\"\": the PG* environment)");
  app.add_option("--seconds", seconds)->capture_default_str();
  app.add_option("--factor", factor, "producer rate / the sink's rate alone")
      ->capture_default_str();
  app.add_option("--budget-kib", budget_kib, "max_queued_bytes")->capture_default_str();
  app.add_option("--in-flight-kib", in_flight_kib, "kafka max_in_flight_bytes")
      ->capture_default_str();
  app.add_option("--record-bytes", record_bytes)->capture_default_str();
  app.add_option("--block-ms", block_ms, "block_timeout_ns: the fallback's deadline")
      ->capture_default_str();
  app.add_option("--first-id", first_id)->capture_default_str();
  app.add_option("--accepted", accepted_path, "file the accepted ids are appended to")->required();
  std::string text;
  tether::cli::Outcome outcome = tether::cli::parse(app, argc, argv, &text);
  if (outcome != tether::cli::Outcome::kRun) return tether::cli::finish(outcome, text);

  std::string error;
  auto sink = tether::drain::PgSink::open(pg, table, &error);
  auto calibration = tether::drain::PgSink::open(pg, table + "_calibration", &error);
  if (!sink || !calibration) {
    std::fprintf(stderr, "kafka_producer: %s\n", error.c_str());
    return 1;
  }
  std::FILE *accepted = std::fopen(accepted_path.c_str(), "a");
  if (accepted == nullptr) {
    std::perror(accepted_path.c_str());
    return 1;
  }
  constexpr uint32_t kBatch = 8;  // records per sink transaction: a slow sink
  std::vector<uint8_t> body(record_bytes, 'x');
  // The sink alone, in its own table: records/s.
  std::vector<tether_record> batch(kBatch);
  uint64_t calibrated = 0;
  const auto calibration_end = Clock::now() + std::chrono::milliseconds(500);
  while (Clock::now() < calibration_end) {
    for (uint32_t i = 0; i < kBatch; ++i) batch[i] = {calibrated + i, body.data(), body.size()};
    if (calibration->write(batch.data(), kBatch) != TETHER_SINK_OK) {
      std::fprintf(stderr, "kafka_producer: %s\n", calibration->last_error().c_str());
      return 1;
    }
    calibrated += kBatch;
  }
  const double sink_rate = static_cast<double>(calibrated) / 0.5;
  const double rate = sink_rate * factor;

  tether_kafka_overflow_options ko;
  tether_kafka_overflow_options_init(&ko);
  ko.bootstrap_servers = brokers.c_str();
  ko.topic = topic.c_str();
  ko.max_in_flight_bytes = uint64_t{in_flight_kib} << 10;
  const char *config[] = {"linger.ms", "5", nullptr};
  ko.config = config;
  tether_batcher_options o;
  tether_batcher_options_init(&o);
  o.sink = tether::drain::PgSink::write_fn;
  o.sink_user_data = sink.get();
  o.policy = TETHER_OVERFLOW_KAFKA;
  o.kafka = &ko;
  o.max_queued_bytes = uint64_t{budget_kib} << 10;
  o.max_batch_records = kBatch;
  o.max_batch_bytes = 64 << 10;
  o.block_timeout_ns = uint64_t{block_ms} * 1000000;
  tether_batcher *b;
  char err[512];
  if (tether_batcher_new(&o, &b, err, sizeof err) != TETHER_OK) {
    std::fprintf(stderr, "kafka_producer: %s\n", err);
    return 1;
  }
  std::printf(
      "kafka_producer: sink alone %.0f records/s, producing at %.0f/s (%.0fx) for %.1f s; "
      "budget %u KiB in memory + %u KiB in flight\n",
      sink_rate, rate, factor, seconds, budget_kib, in_flight_kib);
  std::fflush(stdout);
  const auto start = Clock::now();
  auto next_report = start + std::chrono::seconds(1);
  uint64_t id = first_id, submitted = 0, timeouts = 0, other = 0;
  bool fallback_said = false, unreachable_said = false;
  const double baseline_mib = peak_rss_mib();
  for (;;) {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    if (elapsed >= seconds) break;
    if (static_cast<double>(submitted) > elapsed * rate) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      continue;
    }
    tether_status st = tether_batcher_submit(b, id, body.data(), body.size());
    if (st == TETHER_OK) {
      std::fprintf(accepted, "%llu\n", static_cast<unsigned long long>(id));
    } else if (st == TETHER_TIMEOUT) {
      ++timeouts;
      if (!fallback_said) {
        std::printf("kafka_producer: fallback engaged: %s: %s\n", tether_status_name(st),
                    last_error(b).c_str());
        fallback_said = true;
      }
    } else {
      ++other;
      std::printf("kafka_producer: submit %llu: %s: %s\n", static_cast<unsigned long long>(id),
                  tether_status_name(st), last_error(b).c_str());
    }
    ++id;
    ++submitted;
    if (Clock::now() >= next_report) {
      next_report += std::chrono::seconds(1);
      tether_batcher_stats s{};
      s.struct_size = sizeof s;
      tether_batcher_stats_get(b, &s);
      if (s.kafka_unreachable && !unreachable_said) {
        std::printf("kafka_producer: kafka unreachable, fallback BLOCK: %s\n",
                    last_error(b).c_str());
        unreachable_said = true;
      }
      std::printf(
          "kafka_producer: t=%.0f accepted %llu written %llu kafka_delivered %llu "
          "in_flight %llu unreachable %llu waits %llu timed_out %llu\n",
          elapsed, (unsigned long long)s.accepted, (unsigned long long)s.written,
          (unsigned long long)s.kafka_delivered, (unsigned long long)s.kafka_in_flight_bytes,
          (unsigned long long)s.kafka_unreachable, (unsigned long long)s.kafka_waits,
          (unsigned long long)s.timed_out);
      std::fflush(stdout);
    }
  }
  uint64_t unwritten = 0;
  tether_status closed = tether_batcher_close(b, 120ull * 1000000000, &unwritten);
  tether_batcher_stats s{};
  s.struct_size = sizeof s;
  tether_batcher_stats_get(b, &s);
  std::fclose(accepted);
  const double budget_mib = (budget_kib + in_flight_kib) / 1024.0;
  std::printf(
      "kafka_producer: done: accepted %llu written %llu kafka_produced %llu kafka_delivered %llu "
      "failed %llu timed_out %llu other %llu unwritten %llu close %s; peak RSS %.1f MiB (%.1f "
      "before the batcher), "
      "budget %.1f MiB (+16 MiB: %s)\n",
      (unsigned long long)s.accepted, (unsigned long long)s.written,
      (unsigned long long)s.kafka_produced, (unsigned long long)s.kafka_delivered,
      (unsigned long long)s.failed, (unsigned long long)timeouts, (unsigned long long)other,
      (unsigned long long)unwritten, tether_status_name(closed), peak_rss_mib(), baseline_mib,
      budget_mib, peak_rss_mib() <= budget_mib + 16 ? "within" : "OVER");
  tether_batcher_free(b);
  return closed == TETHER_OK && s.failed == 0 ? 0 : 1;
}
