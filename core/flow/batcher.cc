#include "flow/batcher.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/allocator.h"
#include "flow/backoff.h"
#include "flow/kafka/kafka_producer.h"
#include "flow/spill_log.h"
#include "prober/prometheus.h"

namespace tether {
namespace {

constexpr uint64_t kOverhead = TETHER_BATCHER_RECORD_OVERHEAD;
static_assert(kOverhead == TETHER_SPILL_RECORD_HEADER_SIZE,
              "a record costs the same in memory and in the log");

uint64_t now_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

std::chrono::steady_clock::time_point at(uint64_t ns) {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns));
}

uint64_t add_saturating(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

struct Entry {
  uint64_t id;
  uint8_t *data;
  size_t length;
  uint64_t at_ns;     // when it was accepted (linger)
  SpillPosition end;  // SPILL: the position after it in the log
};

}  // namespace

void batcher_default_options(tether_batcher_options *o) {
  *o = tether_batcher_options{};
  o->struct_size = sizeof *o;
  o->max_queued_bytes = 64ull << 20;
  o->max_batch_bytes = 1ull << 20;
  o->max_batch_records = 1000;
  o->linger_ns = 10'000'000;
  o->policy = TETHER_OVERFLOW_REJECT;
  o->block_timeout_ns = 1'000'000'000;
  o->spill_max_bytes = 1ull << 30;
  o->spill_fsync = TETHER_SPILL_FSYNC_INTERVAL;
  o->spill_fsync_interval_ns = 100'000'000;
  o->max_attempts = 8;
  o->backoff_initial_ns = 10'000'000;
  o->backoff_max_ns = 1'000'000'000;
}

const char *batcher_options_problem(const tether_batcher_options &o) {
  if (o.sink == nullptr) return "sink is required";
  if (o.max_batch_bytes < 1 + kOverhead) return "max_batch_bytes must be at least 17";
  if (o.max_batch_bytes > UINT32_MAX) return "max_batch_bytes must be at most 4 GiB - 1";
  if (o.max_queued_bytes < o.max_batch_bytes) return "max_queued_bytes must be >= max_batch_bytes";
  if (o.max_batch_records < 1) return "max_batch_records must be at least 1";
  // Read as integers: a caller's out-of-range value must not be loaded as the enum.
  auto raw = [](const auto &field) {
    std::underlying_type_t<std::remove_cvref_t<decltype(field)>> value;
    std::memcpy(&value, &field, sizeof value);
    return static_cast<long long>(value);
  };
  const long long policy = raw(o.policy);
  if (policy < TETHER_OVERFLOW_REJECT || policy > TETHER_OVERFLOW_KAFKA) {
    return "policy must be TETHER_OVERFLOW_REJECT, _BLOCK, _SPILL or _KAFKA";
  }
  if (policy == TETHER_OVERFLOW_KAFKA) {
#ifndef TETHER_WITH_KAFKA
    return "policy TETHER_OVERFLOW_KAFKA needs libtether built with -DTETHER_KAFKA=ON";
#endif
    if (o.kafka == nullptr) return "kafka is required under KAFKA";
    if (const char *problem = kafka_overflow_options_problem(*o.kafka)) return problem;
    if (kafka_record_window(o.kafka->max_in_flight_bytes) <
        o.max_batch_bytes + TETHER_KAFKA_RECORD_OVERHEAD)
      return "kafka.max_in_flight_bytes must hold the requests' quarter and a record of "
             "max_batch_bytes + TETHER_KAFKA_RECORD_OVERHEAD";
  }
  if (policy == TETHER_OVERFLOW_SPILL) {
    if (o.spill_dir == nullptr || o.spill_dir[0] == '\0')
      return "spill_dir is required under SPILL";
    if (o.spill_max_bytes / 2 < o.max_batch_bytes) {
      return "spill_max_bytes must be >= 2 * max_batch_bytes";
    }
    const long long fsync = raw(o.spill_fsync);
    if (fsync < TETHER_SPILL_FSYNC_INTERVAL || fsync > TETHER_SPILL_FSYNC_NEVER) {
      return "spill_fsync must be TETHER_SPILL_FSYNC_INTERVAL, _ALWAYS or _NEVER";
    }
  }
  if (o.max_attempts < 1) return "max_attempts must be at least 1";
  if (o.backoff_max_ns < o.backoff_initial_ns)
    return "backoff_max_ns must be >= backoff_initial_ns";
  if (!Allocator::valid(o.allocator)) return "allocator: set all three functions or none";
  return nullptr;
}

struct Batcher::Impl {
  explicit Impl(const tether_batcher_options &o)
      : options(o),
        allocator(o.allocator),
        backoff(o.backoff_initial_ns, o.backoff_max_ns, o.random_seed ? o.random_seed : now_ns()) {}

  tether_batcher_options options;
  std::string spill_dir;
  Allocator allocator;
  Backoff backoff;  // sink thread only
  std::unique_ptr<SpillLog> log;
  std::unique_ptr<OverflowProducer> kafka;  // KAFKA
  uint64_t kafka_window = 0;                // KAFKA: kafka_record_window(max_in_flight_bytes)
  std::string kafka_reason;                 // KAFKA: librdkafka's latest "unreachable" text
  std::thread kafka_thread;                 // KAFKA: serves the delivery reports
  bool kafka_stop = false;
  std::mutex report_mu;  // on_failed calls never overlap (sink and Kafka threads)

  mutable std::mutex mu;
  std::condition_variable work_cv;  // the sink thread: records, close
  std::condition_variable room_cv;  // BLOCK producers: bytes released, close
  std::deque<Entry> queue;          // accepted, not yet with the sink
  uint64_t queue_bytes = 0;         // of `queue`
  uint64_t held_bytes = 0;          // queue + the batch with the sink (the budget)
  uint64_t held_records = 0;
  uint64_t disk_only = 0;    // SPILL: records in the log that memory does not hold, unread
  bool disk_batch = false;   // SPILL: a batch read back from the log is with the sink
  bool drain_stuck = false;  // SPILL: the log could not be read back; see last_error
  bool closing = false;
  bool closed = false;
  uint64_t deadline_ns = 0;
  uint64_t unwritten = 0;
  std::thread thread;
  std::thread::id sink_thread;
  tether_batcher_stats counters{};
  std::string error;

  void set_error(const char *format, ...) __attribute__((format(printf, 2, 3))) {
    char text[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(text, sizeof text, format, args);
    va_end(args);
    error = text;
  }

  bool overdue() const { return closing && now_ns() >= deadline_ns; }

  Status submit(uint64_t id, const uint8_t *data, size_t length);
  // KAFKA, memory full: produce the record, or wait (the fallback, BLOCK) for room in
  // memory or in flight.
  Status overflow_to_kafka(std::unique_lock<std::mutex> &lock, Entry &entry, const uint8_t *data,
                           uint64_t cost);
  void kafka_delivered(uint64_t id, size_t length, bool ok, const char *why);
  void kafka_unreachable(const char *why);
  // After the sink thread ended: waits for the delivery reports until the deadline.
  void kafka_finish();
  // Copies the record into the memory queue; false when out of memory.
  bool keep_in_memory(Entry &entry, const uint8_t *data);
  void run();
  // Hands records to the sink until each one is written or reported; returns how many
  // are finished (fewer than count only when close's deadline cut a retry short).
  size_t deliver(const tether_record *records, size_t count);
  void report(const tether_record *records, size_t count, tether_status reason,
              const char *message);
  void finish(std::unique_lock<std::mutex> &lock);
};

Status Batcher::Impl::submit(uint64_t id, const uint8_t *data, size_t length) {
  if (std::this_thread::get_id() == sink_thread) return TETHER_INVALID_STATE;
  const uint64_t cost = static_cast<uint64_t>(length) + kOverhead;
  std::unique_lock lock(mu);
  if (closing) return TETHER_CLOSED;
  if (cost > options.max_batch_bytes) {
    ++counters.too_large;
    set_error("record %llu: %zu bytes + %llu overhead is more than max_batch_bytes %llu",
              static_cast<unsigned long long>(id), length,
              static_cast<unsigned long long>(kOverhead),
              static_cast<unsigned long long>(options.max_batch_bytes));
    return TETHER_RECORD_TOO_LARGE;
  }
  const bool fits = held_bytes + cost <= options.max_queued_bytes;
  Entry entry{id, nullptr, length, now_ns(), {}};
  switch (options.policy) {
    case TETHER_OVERFLOW_REJECT:
      if (!fits) {
        ++counters.rejected;
        return TETHER_QUEUE_FULL;
      }
      break;
    case TETHER_OVERFLOW_BLOCK:
      if (!fits) {
        uint64_t until = add_saturating(entry.at_ns, options.block_timeout_ns);
        room_cv.wait_until(lock, at(until), [&] {
          return closing || held_bytes + cost <= options.max_queued_bytes;
        });
        if (closing) return TETHER_CLOSED;
        if (held_bytes + cost > options.max_queued_bytes) {
          ++counters.timed_out;
          return TETHER_TIMEOUT;
        }
      }
      break;
    case TETHER_OVERFLOW_KAFKA:
      if (!fits) return overflow_to_kafka(lock, entry, data, cost);
      break;
    case TETHER_OVERFLOW_SPILL: {
      std::string message;
      Status s = log->append(id, data, length, entry.at_ns, &entry.end, &message);
      if (s != TETHER_OK) {
        if (s == TETHER_QUEUE_FULL) ++counters.rejected;
        error = message;
        return s;
      }
      counters.peak_spill_bytes = std::max(counters.peak_spill_bytes, log->bytes());
      // Memory is full, or records before this one are only in the log: keep the order
      // by reading this one back from the log too. (So does a failed allocation: the
      // record is safe in the log already.)
      if (fits && disk_only == 0 && !disk_batch && keep_in_memory(entry, data)) return TETHER_OK;
      ++disk_only;
      ++counters.spilled;
      ++counters.accepted;
      work_cv.notify_one();
      return TETHER_OK;
    }
  }
  return keep_in_memory(entry, data) ? TETHER_OK : TETHER_NO_MEMORY;
}

Status Batcher::Impl::overflow_to_kafka(std::unique_lock<std::mutex> &lock, Entry &entry,
                                        const uint8_t *data, uint64_t cost) {
  auto memory_fits = [&] { return held_bytes + cost <= options.max_queued_bytes; };
  const uint64_t kafka_cost = uint64_t{entry.length} + TETHER_KAFKA_RECORD_OVERHEAD;
  auto kafka_fits = [&] { return counters.kafka_in_flight_bytes + kafka_cost <= kafka_window; };
  if (!kafka_fits()) {
    ++counters.kafka_waits;
    const uint64_t until = add_saturating(entry.at_ns, options.block_timeout_ns);
    room_cv.wait_until(lock, at(until), [&] { return closing || memory_fits() || kafka_fits(); });
    if (closing) return TETHER_CLOSED;
    if (memory_fits()) return keep_in_memory(entry, data) ? TETHER_OK : TETHER_NO_MEMORY;
    if (!kafka_fits()) {
      ++counters.timed_out;
      set_error(
          "record %llu timed out after block_timeout_ns: memory is full and Kafka (%s) has not "
          "acknowledged %llu bytes in flight (%s)",
          static_cast<unsigned long long>(entry.id), kafka->target().c_str(),
          static_cast<unsigned long long>(counters.kafka_in_flight_bytes),
          counters.kafka_unreachable ? kafka_reason.c_str() : "brokers reachable, but slow");
      return TETHER_TIMEOUT;
    }
  }
  std::string message;
  // Under the lock: records reach librdkafka's queue in submit order.
  if (kafka->produce(entry.id, data, entry.length, &message) != TETHER_OK) {
    error = message;
    return TETHER_IO;
  }
  counters.kafka_in_flight_bytes += kafka_cost;
  counters.peak_kafka_in_flight_bytes =
      std::max(counters.peak_kafka_in_flight_bytes, counters.kafka_in_flight_bytes);
  ++counters.kafka_produced;
  ++counters.accepted;
  return TETHER_OK;
}

void Batcher::Impl::kafka_delivered(uint64_t id, size_t length, bool ok, const char *why) {
  {
    std::lock_guard lock(mu);
    counters.kafka_in_flight_bytes -= length + TETHER_KAFKA_RECORD_OVERHEAD;
    room_cv.notify_all();
    if (ok) {
      ++counters.kafka_delivered;
      counters.kafka_unreachable = 0;  // a broker acknowledged: it is back
      return;
    }
    ++counters.kafka_failed;
  }
  // The record's bytes are gone with the report: on_failed gets the id.
  const tether_record record{id, nullptr, 0};
  char message[512];
  std::snprintf(message, sizeof message, "kafka: record %llu not delivered to %s: %s",
                static_cast<unsigned long long>(id), kafka->target().c_str(), why);
  report(&record, 1, TETHER_IO, message);
}

void Batcher::Impl::kafka_unreachable(const char *why) {
  std::lock_guard lock(mu);
  counters.kafka_unreachable = 1;
  kafka_reason = why;
  set_error("kafka (%s) unreachable: %s", kafka->target().c_str(), why);
}

void Batcher::Impl::kafka_finish() {
  {
    std::lock_guard lock(mu);
    kafka_stop = true;
  }
  kafka_thread.join();
  const uint64_t now = now_ns();
  const uint64_t left_ns = deadline_ns > now ? deadline_ns - now : 0;
  const uint64_t left =
      kafka->flush(static_cast<int>(std::min<uint64_t>(left_ns / 1'000'000, INT32_MAX)));
  std::lock_guard lock(mu);
  unwritten += left;
}

bool Batcher::Impl::keep_in_memory(Entry &entry, const uint8_t *data) {
  if (entry.length > 0) {
    entry.data = static_cast<uint8_t *>(allocator.allocate(entry.length));
    if (entry.data == nullptr) return false;
    std::memcpy(entry.data, data, entry.length);
  }
  try {
    queue.push_back(entry);
  } catch (const std::bad_alloc &) {
    allocator.release(entry.data);
    return false;
  }
  const uint64_t cost = entry.length + kOverhead;
  queue_bytes += cost;
  held_bytes += cost;
  ++held_records;
  counters.peak_queued_bytes = std::max(counters.peak_queued_bytes, held_bytes);
  ++counters.accepted;
  work_cv.notify_one();
  return true;
}

void Batcher::Impl::report(const tether_record *records, size_t count, tether_status reason,
                           const char *message) {
  {
    std::lock_guard lock(mu);
    counters.failed += count;
    error = message;
  }
  std::lock_guard serial(report_mu);
  if (options.on_failed)
    options.on_failed(records, count, reason, message, options.failed_user_data);
}

size_t Batcher::Impl::deliver(const tether_record *records, size_t count) {
  for (uint32_t attempt = 1;; ++attempt) {
    tether_sink_result result = options.sink(records, count, options.sink_user_data);
    if (result == TETHER_SINK_OK) {
      std::lock_guard lock(mu);
      counters.written += count;
      ++counters.batches;
      return count;
    }
    if (result == TETHER_SINK_RETRYABLE) {
      {
        std::unique_lock lock(mu);
        ++counters.retries;
        if (attempt < options.max_attempts) {
          uint64_t until = add_saturating(now_ns(), backoff.delay_ns(attempt));
          if (closing) until = std::min(until, deadline_ns);
          work_cv.wait_until(lock, at(until), [&] { return overdue() || now_ns() >= until; });
          if (overdue()) return 0;
          continue;
        }
      }
      char message[160];
      std::snprintf(message, sizeof message,
                    "the sink failed %u attempts at %zu records from id %llu", attempt, count,
                    static_cast<unsigned long long>(records[0].id));
      report(records, count, TETHER_RETRIES_EXHAUSTED, message);
      return count;
    }
    // PERMANENT (or a value outside the enum).
    if (count == 1) {
      char message[160];
      std::snprintf(message, sizeof message, "the sink refused record %llu (result %d)",
                    static_cast<unsigned long long>(records[0].id), static_cast<int>(result));
      report(records, 1, TETHER_SINK_REJECTED, message);
      return 1;
    }
    // One record per call: only the ones the sink refuses alone are reported.
    for (size_t i = 0; i < count; ++i) {
      if (deliver(records + i, 1) == 0) return i;
    }
    return count;
  }
}

void Batcher::Impl::run() {
  const bool spill = options.policy == TETHER_OVERFLOW_SPILL;
  std::vector<Entry> batch;
  std::vector<tether_record> records;
  std::vector<SpillPosition> ends;
  std::vector<uint8_t> buffer;
  std::unique_lock lock(mu);
  for (;;) {
    const uint64_t now = now_ns();
    if (spill) log->sync_if_due(now);
    if (overdue()) break;
    if (!queue.empty()) {
      const Entry &front = queue.front();
      const bool ready = closing || disk_only > 0 || queue.size() >= options.max_batch_records ||
                         queue_bytes >= options.max_batch_bytes ||
                         now - front.at_ns >= options.linger_ns;
      if (!ready) {
        work_cv.wait_until(lock, at(front.at_ns + options.linger_ns));
        continue;
      }
      batch.clear();
      uint64_t bytes = 0;
      while (
          !queue.empty() && batch.size() < options.max_batch_records &&
          (batch.empty() || bytes + queue.front().length + kOverhead <= options.max_batch_bytes)) {
        bytes += queue.front().length + kOverhead;
        batch.push_back(queue.front());
        queue.pop_front();
      }
      queue_bytes -= bytes;
      if (spill) log->skip_to(batch.back().end);
      records.clear();
      for (const Entry &e : batch) records.push_back({e.id, e.data, e.length});
      lock.unlock();
      size_t done = deliver(records.data(), records.size());
      lock.lock();
      if (spill && done > 0) log->release_to(batch[done - 1].end, done);
      for (size_t i = 0; i < done; ++i) allocator.release(batch[i].data);
      uint64_t released = 0;
      for (size_t i = 0; i < done; ++i) released += batch[i].length + kOverhead;
      held_bytes -= released;
      held_records -= done;
      room_cv.notify_all();
      if (done < batch.size()) {
        // Cut short by close: put the rest back in front, in order.
        for (size_t i = batch.size(); i-- > done;) {
          queue.push_front(batch[i]);
          queue_bytes += batch[i].length + kOverhead;
        }
        break;
      }
      continue;
    }
    if (disk_only > 0 && !drain_stuck) {
      std::string message;
      Status s = log->read(options.max_batch_bytes,
                           std::min<uint64_t>(options.max_batch_records, disk_only), buffer,
                           records, ends, &message);
      if (s != TETHER_OK || records.empty()) {
        drain_stuck = true;  // stays in the log for the next open to report
        error = s != TETHER_OK ? message : "spill log: records counted but none could be read";
        continue;
      }
      uint64_t bytes = 0;
      for (const tether_record &r : records) bytes += r.length + kOverhead;
      disk_only -= records.size();
      counters.spill_read += records.size();
      disk_batch = true;
      held_bytes += bytes;
      held_records += records.size();
      counters.peak_queued_bytes = std::max(counters.peak_queued_bytes, held_bytes);
      lock.unlock();
      size_t done = deliver(records.data(), records.size());
      lock.lock();
      if (done > 0) log->release_to(ends[done - 1], done);
      disk_batch = false;
      held_bytes -= bytes;
      held_records -= records.size();
      room_cv.notify_all();
      if (done < records.size()) break;
      continue;
    }
    if (closing) break;
    if (spill && options.spill_fsync == TETHER_SPILL_FSYNC_INTERVAL) {
      work_cv.wait_until(lock, at(now + options.spill_fsync_interval_ns));
    } else {
      work_cv.wait(lock);
    }
  }
  finish(lock);
}

// After the loop: what was not written is counted, and reported unless the log keeps it.
void Batcher::Impl::finish(std::unique_lock<std::mutex> &lock) {
  std::vector<Entry> rest(queue.begin(), queue.end());
  queue.clear();
  queue_bytes = 0;
  held_bytes = 0;  // nothing is with the sink any more
  held_records = 0;
  if (options.policy == TETHER_OVERFLOW_SPILL) {
    unwritten = log->pending();
    for (Entry &e : rest) allocator.release(e.data);
    return;
  }
  unwritten = rest.size();
  if (rest.empty()) return;
  std::vector<tether_record> records;
  for (const Entry &e : rest) records.push_back({e.id, e.data, e.length});
  char message[160];
  std::snprintf(message, sizeof message, "close: %zu records left when the deadline passed",
                rest.size());
  lock.unlock();
  report(records.data(), records.size(), TETHER_TIMEOUT, message);
  lock.lock();
  for (Entry &e : rest) allocator.release(e.data);
}

Batcher *Batcher::create(const tether_batcher_options &options, Status *status,
                         std::string *message) {
  if (const char *problem = batcher_options_problem(options)) {
    *status = TETHER_INVALID_ARGUMENT;
    *message = problem;
    return nullptr;
  }
  try {
    return create_or_throw(options, status, message);
  } catch (const std::exception &e) {  // bad_alloc, or no thread could be started
    *status = TETHER_NO_MEMORY;
    *message = std::string("cannot create the batcher: ") + e.what();
    return nullptr;
  }
}

Batcher *Batcher::create_or_throw(const tether_batcher_options &options, Status *status,
                                  std::string *message) {
  auto impl = std::make_unique<Impl>(options);
  if (options.policy == TETHER_OVERFLOW_SPILL) {
    impl->spill_dir = options.spill_dir;
    impl->options.spill_dir = impl->spill_dir.c_str();
    SpillOptions spill;
    spill.dir = impl->spill_dir;
    spill.max_bytes = options.spill_max_bytes;
    spill.segment_bytes = std::max(options.spill_max_bytes / 4,
                                   options.max_batch_bytes + TETHER_SPILL_SEGMENT_HEADER_SIZE);
    spill.fsync = options.spill_fsync;
    spill.fsync_interval_ns = options.spill_fsync_interval_ns;
    spill.repair = options.spill_repair != 0;
    *status = SpillLog::open(spill, &impl->log, message);
    if (*status != TETHER_OK) return nullptr;
    impl->disk_only = impl->log->pending();
    impl->counters.replayed = impl->log->pending();
    impl->counters.spill_damaged_bytes = impl->log->damaged_bytes();
    impl->counters.peak_spill_bytes = impl->log->bytes();
    impl->error = impl->log->repair_note();
  } else {
    impl->options.spill_dir = nullptr;
  }
  impl->options.kafka = nullptr;  // not kept (the caller's)
  if (options.policy == TETHER_OVERFLOW_KAFKA) {
#ifdef TETHER_WITH_KAFKA
    Impl *i = impl.get();
    impl->kafka_window = kafka_record_window(options.kafka->max_in_flight_bytes);
    impl->kafka = open_kafka_producer(
        *options.kafka,
        [i](uint64_t id, size_t length, bool ok, const char *why) {
          i->kafka_delivered(id, length, ok, why);
        },
        [i](const char *why) { i->kafka_unreachable(why); }, status, message);
    if (impl->kafka == nullptr) return nullptr;
    impl->kafka_thread = std::thread([i] {
      for (;;) {
        {
          std::lock_guard lock(i->mu);
          if (i->kafka_stop) return;
        }
        i->kafka->poll(50);
      }
    });
#endif
  }
  auto batcher = std::unique_ptr<Batcher>(new Batcher());
  batcher->impl_ = impl.get();
  Impl *i = batcher->impl_;
  {
    std::lock_guard lock(i->mu);  // sink_thread is read by submit under the lock
    i->thread = std::thread([i] {
      {
        std::lock_guard inner(i->mu);
        i->sink_thread = std::this_thread::get_id();
      }
      i->run();
    });
  }
  impl.release();
  *status = TETHER_OK;
  return batcher.release();
}

Status Batcher::submit(uint64_t id, const uint8_t *data, size_t length) {
  return impl_->submit(id, data, length);
}

Status Batcher::close(uint64_t timeout_ns, uint64_t *unwritten) {
  Impl &i = *impl_;
  {
    std::lock_guard lock(i.mu);
    if (std::this_thread::get_id() == i.sink_thread) return TETHER_INVALID_STATE;
    if (i.closing) return TETHER_CLOSED;
    i.closing = true;
    i.deadline_ns = add_saturating(now_ns(), timeout_ns);
    i.work_cv.notify_all();
    i.room_cv.notify_all();
  }
  i.thread.join();
  if (i.kafka) i.kafka_finish();
  std::lock_guard lock(i.mu);
  i.closed = true;
  if (unwritten != nullptr) *unwritten = i.unwritten;
  return i.unwritten == 0 ? TETHER_OK : TETHER_TIMEOUT;
}

void Batcher::destroy(Batcher *batcher) {
  if (batcher == nullptr) return;
  if (batcher->impl_->thread.joinable()) batcher->close(0, nullptr);
  delete batcher->impl_;
  delete batcher;
}

void Batcher::stats(tether_batcher_stats *out) const {
  std::lock_guard lock(impl_->mu);
  *out = impl_->counters;
  out->struct_size = sizeof *out;
  out->queued_records = impl_->held_records;
  out->queued_bytes = impl_->held_bytes;
  if (impl_->log) {
    out->spill_records = impl_->log->pending();
    out->spill_bytes = impl_->log->bytes();
  }
}

std::string Batcher::prometheus() const {
  tether_batcher_stats s;
  stats(&s);
  std::string out;
  char number[32];
  namespace p = prometheus;
  p::family(out, "tether_batcher_records_total", "counter",
            "Records by outcome: accepted, written, failed, rejected (by policy), timed_out "
            "(BLOCK), too_large, spilled (kept only in the spill log), replayed (found in the "
            "log at open).");
  const std::pair<const char *, uint64_t> outcomes[] = {
      {"accepted", s.accepted}, {"written", s.written},     {"failed", s.failed},
      {"rejected", s.rejected}, {"timed_out", s.timed_out}, {"too_large", s.too_large},
      {"spilled", s.spilled},   {"replayed", s.replayed},
  };
  const std::pair<const char *, uint64_t> kafka_outcomes[] = {
      {"kafka_produced", s.kafka_produced},
      {"kafka_delivered", s.kafka_delivered},
      {"kafka_failed", s.kafka_failed},
  };
  for (const auto &[outcome, value] : outcomes) {
    p::sample(out, "tether_batcher_records_total", {{"outcome", outcome}},
              p::format_u64(number, value));
  }
  for (const auto &[outcome, value] : kafka_outcomes) {
    if (impl_->kafka) {
      p::sample(out, "tether_batcher_records_total", {{"outcome", outcome}},
                p::format_u64(number, value));
    }
  }
  const struct {
    const char *name, *type, *help;
    uint64_t value;
  } singles[] = {
      {"tether_batcher_batches_total", "counter", "Sink calls that returned OK.", s.batches},
      {"tether_batcher_retries_total", "counter", "Sink calls that returned RETRYABLE.", s.retries},
      {"tether_batcher_queued_bytes", "gauge", "Bytes held in memory against max_queued_bytes.",
       s.queued_bytes},
      {"tether_batcher_queued_records", "gauge", "Records held in memory.", s.queued_records},
      {"tether_batcher_spill_bytes", "gauge", "Size of the spill log's segments.", s.spill_bytes},
      {"tether_batcher_spill_records", "gauge", "Records in the spill log not yet finished.",
       s.spill_records},
      {"tether_batcher_kafka_in_flight_bytes", "gauge",
       "KAFKA: bytes produced, not yet acknowledged.", s.kafka_in_flight_bytes},
      {"tether_batcher_kafka_unreachable", "gauge", "KAFKA: 1 while no broker answers.",
       s.kafka_unreachable},
  };
  for (const auto &m : singles) {
    if (!impl_->kafka && std::strncmp(m.name, "tether_batcher_kafka", 20) == 0) continue;
    p::family(out, m.name, m.type, m.help);
    p::sample(out, m.name, {}, p::format_u64(number, m.value));
  }
  return out;
}

std::string Batcher::last_error() const {
  std::lock_guard lock(impl_->mu);
  return impl_->error;
}

}  // namespace tether
