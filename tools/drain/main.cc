// tether-drain: a Kafka consumer-group member that writes the batcher's overflow topic
// into PostgreSQL. Offsets are committed only after the database committed the batch,
// so a crash replays what was not committed and the idempotent sink (ON CONFLICT (id)
// DO NOTHING) stores nothing twice. Several instances with one --group split the
// partitions. See docs/kafka.md.
#include <librdkafka/rdkafka.h>
#include <tether.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cli.h"
#include "flow/backoff.h"
#include "pg_sink.h"

namespace {

std::atomic<bool> stop_requested{false};

struct Settings {
  std::string brokers, topic, group = "tether-drain", pg, table = "records";
  uint32_t batch_records = 1000;
  uint32_t linger_ms = 20;
  uint32_t create_partitions = 0;
};

struct Counts {
  uint64_t consumed = 0, inserted = 0, duplicates = 0, batches = 0, commits = 0;
  uint64_t commit_failures = 0, retries = 0, dropped_on_revoke = 0;
};

// A consumed record: its id (the key), its bytes, and where it came from.
struct Pending {
  std::vector<tether_record> records;
  std::vector<std::vector<uint8_t>> bodies;
  std::map<int32_t, int64_t> next_offsets;  // partition -> offset after its last record
  void clear() {
    records.clear();
    bodies.clear();
    next_offsets.clear();
  }
};

Pending *pending_for_rebalance = nullptr;
Counts *counts_for_rebalance = nullptr;

void print_counts(const char *when, const Counts &c) {
  std::printf(
      "tether-drain %s: consumed %llu, inserted %llu, duplicates %llu, batches %llu, commits "
      "%llu, commit failures %llu, retries %llu, dropped on revoke %llu\n",
      when, (unsigned long long)c.consumed, (unsigned long long)c.inserted,
      (unsigned long long)c.duplicates, (unsigned long long)c.batches,
      (unsigned long long)c.commits, (unsigned long long)c.commit_failures,
      (unsigned long long)c.retries, (unsigned long long)c.dropped_on_revoke);
  std::fflush(stdout);
}

void rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
               void *) {
  std::string names;
  for (int i = 0; i < parts->cnt; ++i) names += " " + std::to_string(parts->elems[i].partition);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    std::printf("tether-drain: assigned partitions:%s\n", names.c_str());
    std::fflush(stdout);
    rd_kafka_assign(rk, parts);
    return;
  }
  // Revoked: what is not committed goes to the next owner, which writes it (again).
  counts_for_rebalance->dropped_on_revoke += pending_for_rebalance->records.size();
  pending_for_rebalance->clear();
  std::printf("tether-drain: revoked partitions:%s\n", names.c_str());
  std::fflush(stdout);
  rd_kafka_assign(rk, nullptr);
}

bool create_topic(rd_kafka_t *rk, const Settings &s) {
  rd_kafka_NewTopic_t *topic =
      rd_kafka_NewTopic_new(s.topic.c_str(), static_cast<int>(s.create_partitions), 1, nullptr, 0);
  rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &topic, 1, nullptr, queue);
  rd_kafka_event_t *event = rd_kafka_queue_poll(queue, 30000);
  bool ok = false;
  if (event != nullptr) {
    size_t n;
    const rd_kafka_topic_result_t **results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &n);
    rd_kafka_resp_err_t err =
        n == 1 ? rd_kafka_topic_result_error(results[0]) : rd_kafka_event_error(event);
    ok = err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS;
    if (!ok) {
      std::fprintf(stderr, "tether-drain: creating topic %s: %s\n", s.topic.c_str(),
                   n == 1 ? rd_kafka_topic_result_error_string(results[0])
                          : rd_kafka_event_error_string(event));
    }
    rd_kafka_event_destroy(event);
  } else {
    std::fprintf(stderr, "tether-drain: creating topic %s: no answer from %s in 30 s\n",
                 s.topic.c_str(), s.brokers.c_str());
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(topic);
  return ok;
}

// Writes the batch (retrying while the database is unreachable), then commits its
// offsets. Returns false when asked to stop while the database was still refusing.
bool flush(rd_kafka_t *rk, tether::drain::PgSink &sink, const Settings &s, Pending &p, Counts &c,
           tether::Backoff &backoff) {
  if (p.records.empty()) return true;
  for (uint32_t attempt = 1;; ++attempt) {
    tether_sink_result result = sink.write(p.records.data(), p.records.size());
    if (result == TETHER_SINK_OK) break;
    std::fprintf(stderr, "tether-drain: %s\n", sink.last_error().c_str());
    if (result != TETHER_SINK_RETRYABLE || stop_requested) return false;
    ++c.retries;
    std::this_thread::sleep_for(std::chrono::nanoseconds(backoff.delay_ns(attempt)));
  }
  c.inserted += sink.last_inserted();
  c.duplicates += p.records.size() - sink.last_inserted();
  ++c.batches;
  rd_kafka_topic_partition_list_t *offsets =
      rd_kafka_topic_partition_list_new(static_cast<int>(p.next_offsets.size()));
  for (const auto &[partition, offset] : p.next_offsets)
    rd_kafka_topic_partition_list_add(offsets, s.topic.c_str(), partition)->offset = offset;
  rd_kafka_resp_err_t err = rd_kafka_commit(rk, offsets, 0);  // synchronous
  rd_kafka_topic_partition_list_destroy(offsets);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++c.commits;
  } else {
    // The rows are in; the next owner replays them and ON CONFLICT skips them.
    ++c.commit_failures;
    std::fprintf(stderr, "tether-drain: commit: %s\n", rd_kafka_err2str(err));
  }
  p.clear();
  return true;
}

int run(const Settings &s) {
  std::string error;
  auto sink = tether::drain::PgSink::open(s.pg, s.table, &error);
  if (!sink) {
    std::fprintf(stderr, "tether-drain: %s\n", error.c_str());
    return 1;
  }
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  const std::pair<const char *, std::string> settings[] = {
      {"bootstrap.servers", s.brokers},  {"group.id", s.group},
      {"enable.auto.commit", "false"},  // offsets move only after the database commit
      {"auto.offset.reset", "earliest"}, {"enable.partition.eof", "false"},
      {"session.timeout.ms", "6000"},    {"heartbeat.interval.ms", "500"},
  };
  for (const auto &[key, value] : settings) {
    if (rd_kafka_conf_set(conf, key, value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "tether-drain: %s=%s: %s\n", key, value.c_str(), errstr);
      rd_kafka_conf_destroy(conf);
      return 1;
    }
  }
  rd_kafka_conf_set_rebalance_cb(conf, rebalance);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    std::fprintf(stderr, "tether-drain: %s\n", errstr);
    rd_kafka_conf_destroy(conf);
    return 1;
  }
  if (s.create_partitions > 0 && !create_topic(rk, s)) {
    rd_kafka_destroy(rk);
    return 1;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, s.topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "tether-drain: subscribe %s: %s\n", s.topic.c_str(),
                 rd_kafka_err2str(err));
    rd_kafka_destroy(rk);
    return 1;
  }
  Pending pending;
  Counts counts;
  pending_for_rebalance = &pending;
  counts_for_rebalance = &counts;
  tether::Backoff backoff(10'000'000, 1'000'000'000, 1);
  auto oldest = std::chrono::steady_clock::now();
  int status = 0;
  while (!stop_requested) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 10);
    if (m != nullptr) {
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (pending.records.empty()) oldest = std::chrono::steady_clock::now();
        uint64_t id = 0;
        const auto *key = static_cast<const uint8_t *>(m->key);
        for (size_t i = 0; i < 8 && m->key_len == 8; ++i) id = id << 8 | key[i];
        if (m->key_len != 8) {
          std::fprintf(stderr,
                       "tether-drain: partition %d offset %lld: key of %zu bytes, not a "
                       "record id (8); skipped\n",
                       m->partition, (long long)m->offset, m->key_len);
        } else {
          const auto *body = static_cast<const uint8_t *>(m->payload);
          pending.bodies.emplace_back(body, body + m->len);
          pending.records.push_back({id, nullptr, m->len});
        }
        pending.next_offsets[m->partition] = m->offset + 1;
        ++counts.consumed;
      } else {
        std::fprintf(stderr, "tether-drain: %s\n", rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
    const bool full = pending.records.size() >= s.batch_records;
    const bool lingered =
        !pending.next_offsets.empty() &&
        std::chrono::steady_clock::now() - oldest >= std::chrono::milliseconds(s.linger_ms);
    if (full || lingered) {
      for (size_t i = 0; i < pending.records.size(); ++i)
        pending.records[i].data = pending.bodies[i].data();
      if (!flush(rk, *sink, s, pending, counts, backoff)) {
        status = 1;
        break;
      }
    }
  }
  if (status == 0) {
    for (size_t i = 0; i < pending.records.size(); ++i)
      pending.records[i].data = pending.bodies[i].data();
    if (!flush(rk, *sink, s, pending, counts, backoff)) status = 1;
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  print_counts("stopped", counts);
  return status;
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app{"tether-drain: Kafka overflow topic -> PostgreSQL, offsets after the commit"};
  tether::cli::init(app, "tether-drain");
  Settings s;
  app.add_option("--brokers", s.brokers, "Kafka bootstrap servers, host:port[,...]")->required();
  app.add_option("--topic", s.topic, "the batcher's overflow topic")->required();
  app.add_option("--group", s.group, "consumer group; instances in one group split the partitions")
      ->capture_default_str();
  app.add_option("--pg", s.pg,
                 "libpq connection string (\"\": PGHOST, PGPORT, ... from the "
                 "environment)")
      ->capture_default_str();
  app.add_option("--table", s.table,
                 "table (id bigint PRIMARY KEY, body bytea), created if "
                 "missing")
      ->capture_default_str();
  app.add_option("--batch-records", s.batch_records, "records per database transaction")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(1u, 32768u))
      ->capture_default_str();
  app.add_option("--linger-ms", s.linger_ms, "longest a consumed record waits for its batch")
      ->check(tether::cli::decimal())
      ->capture_default_str();
  app.add_option("--create-topic", s.create_partitions,
                 "create the topic with this many partitions if it is missing (0: do not)")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(0u, 10000u));
  std::string text;
  tether::cli::Outcome outcome = tether::cli::parse(app, argc, argv, &text);
  if (outcome != tether::cli::Outcome::kRun) return tether::cli::finish(outcome, text);
  std::signal(SIGTERM, [](int) { stop_requested = true; });
  std::signal(SIGINT, [](int) { stop_requested = true; });
  return run(s);
}
