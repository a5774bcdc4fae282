// The batcher through the public API: batching, each overflow policy (memory),
// each sink result, oversize records, close with and without a reachable sink,
// misuse, stats and Prometheus text. Spill is in batcher_spill_test.cc.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "batcher_sink.h"
#include "tether.h"

namespace {

using tether_test::TestSink;

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kS = 1'000'000'000;

tether_batcher_options options_for(TestSink &sink) {
  tether_batcher_options options;
  tether_batcher_options_init(&options);
  sink.wire(options);
  options.backoff_initial_ns = 1 * kMs;
  options.backoff_max_ns = 4 * kMs;
  options.random_seed = 7;
  return options;
}

tether_batcher *make(const tether_batcher_options &options) {
  tether_batcher *b = nullptr;
  char error[256];
  EXPECT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_OK) << error;
  return b;
}

tether_status submit(tether_batcher *b, uint64_t id, const std::string &body) {
  return tether_batcher_submit(b, id, reinterpret_cast<const uint8_t *>(body.data()), body.size());
}

tether_batcher_stats stats_of(tether_batcher *b) {
  tether_batcher_stats s{};
  s.struct_size = sizeof s;
  EXPECT_EQ(tether_batcher_stats_get(b, &s), TETHER_OK);
  return s;
}

TEST(BatcherApi, BatchesAreCappedByCountAndBytesAndKeepSubmitOrder) {
  TestSink sink;
  sink.hold(true);  // let records pile up so that batches fill
  tether_batcher_options options = options_for(sink);
  options.max_batch_records = 4;
  options.max_batch_bytes = 3 * (10 + TETHER_BATCHER_RECORD_OVERHEAD);  // three 10-byte records
  options.linger_ns = 0;
  tether_batcher *b = make(options);
  ASSERT_EQ(submit(b, 0, "0123456789"), TETHER_OK);
  ASSERT_TRUE(sink.wait_for([&] { return sink.calls == 1; }));  // first batch: held in the sink
  for (uint64_t id = 1; id <= 9; ++id) ASSERT_EQ(submit(b, id, "0123456789"), TETHER_OK);
  ASSERT_EQ(submit(b, 10, "x"), TETHER_OK);
  sink.hold(false);
  uint64_t unwritten = 99;
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, &unwritten), TETHER_OK);
  EXPECT_EQ(unwritten, 0u);
  std::vector<uint64_t> expected;
  for (uint64_t id = 0; id <= 10; ++id) expected.push_back(id);
  EXPECT_EQ(sink.written, expected);
  for (size_t n : sink.batch_sizes) EXPECT_LE(n, 3u) << "three 10-byte records fill the bytes cap";
  EXPECT_EQ(sink.batch_sizes.size(), 5u);  // 1, 3, 3, 3, then "9" + "x" (10 + 1 bytes)
  tether_batcher_free(b);
}

TEST(BatcherApi, LingerSendsAPartialBatchWithoutWaitingForMore) {
  TestSink sink;
  tether_batcher_options options = options_for(sink);
  options.linger_ns = 5 * kMs;
  tether_batcher *b = make(options);
  ASSERT_EQ(submit(b, 1, "alone"), TETHER_OK);
  EXPECT_TRUE(sink.wait_for([&] { return sink.written.size() == 1; }))
      << "a lone record is written after the linger time, without close";
  tether_batcher_free(b);
}

TEST(BatcherApi, RejectPolicyRefusesAtOnceWhenTheBudgetIsFull) {
  TestSink sink;
  sink.hold(true);
  tether_batcher_options options = options_for(sink);
  options.policy = TETHER_OVERFLOW_REJECT;
  options.max_batch_bytes = 100 + TETHER_BATCHER_RECORD_OVERHEAD;
  options.max_queued_bytes = 3 * (100 + TETHER_BATCHER_RECORD_OVERHEAD);
  options.max_batch_records = 1;
  options.linger_ns = 0;
  tether_batcher *b = make(options);
  std::string body(100, 'r');
  for (uint64_t id = 1; id <= 3; ++id) ASSERT_EQ(submit(b, id, body), TETHER_OK);
  EXPECT_EQ(submit(b, 4, body), TETHER_QUEUE_FULL);
  EXPECT_EQ(submit(b, 5, body), TETHER_QUEUE_FULL);
  tether_batcher_stats s = stats_of(b);
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.accepted, 3u);
  EXPECT_LE(s.peak_queued_bytes, options.max_queued_bytes);
  sink.hold(false);
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, (std::vector<uint64_t>{1, 2, 3}));
  tether_batcher_free(b);
}

TEST(BatcherApi, BlockPolicyWaitsForRoomThenTimesOut) {
  TestSink sink;
  sink.hold(true);
  tether_batcher_options options = options_for(sink);
  options.policy = TETHER_OVERFLOW_BLOCK;
  options.block_timeout_ns = 20 * kMs;
  options.max_batch_bytes = 10 + TETHER_BATCHER_RECORD_OVERHEAD;
  options.max_queued_bytes = 2 * (10 + TETHER_BATCHER_RECORD_OVERHEAD);
  options.linger_ns = 0;
  tether_batcher *b = make(options);
  std::string body(10, 'b');
  ASSERT_EQ(submit(b, 1, body), TETHER_OK);
  ASSERT_EQ(submit(b, 2, body), TETHER_OK);
  EXPECT_EQ(submit(b, 3, body), TETHER_TIMEOUT) << "the sink holds everything: no room comes";
  EXPECT_EQ(stats_of(b).timed_out, 1u);
  // A producer that waits gets in once the sink takes records.
  tether_status later = TETHER_INTERNAL;
  std::thread producer([&] { later = submit(b, 4, body); });
  ASSERT_TRUE(sink.wait_for([&] { return sink.calls >= 1; }));
  sink.hold(false);
  producer.join();
  // (20 ms may pass before the sink runs on a loaded machine: then TIMEOUT is right too,
  // and the record is not kept.)
  ASSERT_TRUE(later == TETHER_OK || later == TETHER_TIMEOUT) << tether_status_name(later);
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  std::vector<uint64_t> expected{1, 2};
  if (later == TETHER_OK) expected.push_back(4);
  EXPECT_EQ(sink.written, expected);
  tether_batcher_free(b);
}

TEST(BatcherApi, BlockPolicyProducerWakesWhenRoomIsMade) {
  TestSink sink;
  sink.hold(true);
  tether_batcher_options options = options_for(sink);
  options.policy = TETHER_OVERFLOW_BLOCK;
  options.block_timeout_ns = 60 * kS;  // long: only room (or close) ends the wait
  options.max_batch_bytes = 10 + TETHER_BATCHER_RECORD_OVERHEAD;
  options.max_queued_bytes = 10 + TETHER_BATCHER_RECORD_OVERHEAD;
  options.linger_ns = 0;
  tether_batcher *b = make(options);
  std::string body(10, 'w');
  ASSERT_EQ(submit(b, 1, body), TETHER_OK);
  tether_status second = TETHER_INTERNAL;
  std::thread producer([&] { second = submit(b, 2, body); });
  ASSERT_TRUE(sink.wait_for([&] { return sink.calls == 1; }));
  sink.hold(false);
  producer.join();
  EXPECT_EQ(second, TETHER_OK);
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, (std::vector<uint64_t>{1, 2}));
  tether_batcher_free(b);
}

TEST(BatcherApi, CloseWakesABlockedProducerWithClosed) {
  TestSink sink;
  sink.hold(true);
  tether_batcher_options options = options_for(sink);
  options.policy = TETHER_OVERFLOW_BLOCK;
  options.block_timeout_ns = 60 * kS;
  options.max_batch_bytes = 10 + TETHER_BATCHER_RECORD_OVERHEAD;
  options.max_queued_bytes = 10 + TETHER_BATCHER_RECORD_OVERHEAD;
  tether_batcher *b = make(options);
  std::string body(10, 'c');
  ASSERT_EQ(submit(b, 1, body), TETHER_OK);
  ASSERT_TRUE(sink.wait_for([&] { return sink.calls == 1; }));
  tether_status blocked = TETHER_INTERNAL;
  std::thread producer([&] { blocked = submit(b, 2, body); });
  std::thread releaser([&] {
    // The sink returns only after close started, so the producer is still waiting.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    sink.hold(false);
  });
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  producer.join();
  releaser.join();
  EXPECT_TRUE(blocked == TETHER_CLOSED || blocked == TETHER_OK) << tether_status_name(blocked);
  EXPECT_EQ(submit(b, 3, body), TETHER_CLOSED);
  tether_batcher_free(b);
}

TEST(BatcherApi, OversizeRecordIsRefusedAtSubmitAndNothingIsQueued) {
  TestSink sink;
  tether_batcher_options options = options_for(sink);
  options.max_batch_bytes = 64;
  tether_batcher *b = make(options);
  std::string fits(64 - TETHER_BATCHER_RECORD_OVERHEAD, 'f');
  std::string over(64 - TETHER_BATCHER_RECORD_OVERHEAD + 1, 'o');
  EXPECT_EQ(submit(b, 1, over), TETHER_RECORD_TOO_LARGE);
  char error[256];
  tether_batcher_last_error(b, error, sizeof error);
  EXPECT_NE(std::string(error).find("max_batch_bytes 64"), std::string::npos) << error;
  EXPECT_EQ(submit(b, 2, fits), TETHER_OK);
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, (std::vector<uint64_t>{2}));
  tether_batcher_stats s = stats_of(b);
  EXPECT_EQ(s.too_large, 1u);
  EXPECT_EQ(s.accepted, 1u);
  tether_batcher_free(b);
}

TEST(BatcherApi, RetryableFailuresAreRetriedThenWritten) {
  TestSink sink;
  int failures_left = 3;
  sink.decide = [&](const tether_record *, size_t) {
    return failures_left-- > 0 ? TETHER_SINK_RETRYABLE : TETHER_SINK_OK;
  };
  tether_batcher_options options = options_for(sink);
  options.max_attempts = 5;
  tether_batcher *b = make(options);
  ASSERT_EQ(submit(b, 1, "one"), TETHER_OK);
  ASSERT_EQ(submit(b, 2, "two"), TETHER_OK);
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(sink.failed.empty());
  EXPECT_EQ(stats_of(b).retries, 3u);
  tether_batcher_free(b);
}

TEST(BatcherApi, RetriesAreBoundedAndTheRecordsReported) {
  TestSink sink;
  sink.decide = [](const tether_record *records, size_t) {
    return records[0].id == 1 ? TETHER_SINK_RETRYABLE : TETHER_SINK_OK;
  };
  tether_batcher_options options = options_for(sink);
  options.max_attempts = 4;
  options.max_batch_records = 1;
  tether_batcher *b = make(options);
  ASSERT_EQ(submit(b, 1, "never"), TETHER_OK);
  ASSERT_EQ(submit(b, 2, "behind"), TETHER_OK);
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  ASSERT_EQ(sink.failed.size(), 1u);
  EXPECT_EQ(sink.failed[0].id, 1u);
  EXPECT_EQ(sink.failed[0].reason, TETHER_RETRIES_EXHAUSTED);
  EXPECT_NE(sink.failed[0].message.find("4 attempts"), std::string::npos) << sink.failed[0].message;
  EXPECT_EQ(sink.written, (std::vector<uint64_t>{2})) << "the record behind is written";
  tether_batcher_stats s = stats_of(b);
  EXPECT_EQ(s.retries, 4u);
  EXPECT_EQ(s.failed, 1u);
  tether_batcher_free(b);
}

TEST(BatcherApi, PermanentFailureReportsOnlyTheRefusedRecordsAndWritesTheOthers) {
  TestSink sink;
  sink.hold(true);
  sink.decide = [](const tether_record *records, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      if (records[i].id % 3 == 0) return TETHER_SINK_PERMANENT;  // a poison record
    }
    return TETHER_SINK_OK;
  };
  tether_batcher_options options = options_for(sink);
  options.linger_ns = 0;
  tether_batcher *b = make(options);
  ASSERT_EQ(submit(b, 1, "a"), TETHER_OK);
  ASSERT_TRUE(sink.wait_for([&] { return sink.calls == 1; }));
  for (uint64_t id = 2; id <= 7; ++id) ASSERT_EQ(submit(b, id, "r"), TETHER_OK);
  sink.hold(false);
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, (std::vector<uint64_t>{1, 2, 4, 5, 7}));
  ASSERT_EQ(sink.failed.size(), 2u);
  EXPECT_EQ(sink.failed[0].id, 3u);
  EXPECT_EQ(sink.failed[1].id, 6u);
  EXPECT_EQ(sink.failed[0].reason, TETHER_SINK_REJECTED);
  EXPECT_EQ(stats_of(b).retries, 0u) << "permanent failures are never retried as such";
  tether_batcher_free(b);
}

TEST(BatcherApi, ASinkResultOutsideTheEnumCountsAsPermanent) {
  TestSink sink;
  sink.decide = [](const tether_record *, size_t) { return static_cast<tether_sink_result>(42); };
  tether_batcher_options options = options_for(sink);
  tether_batcher *b = make(options);
  ASSERT_EQ(submit(b, 9, "x"), TETHER_OK);
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  ASSERT_EQ(sink.failed.size(), 1u);
  EXPECT_EQ(sink.failed[0].reason, TETHER_SINK_REJECTED);
  EXPECT_NE(sink.failed[0].message.find("result 42"), std::string::npos);
  tether_batcher_free(b);
}

TEST(BatcherApi, CloseWithAReachableSinkWritesEverything) {
  TestSink sink;
  tether_batcher_options options = options_for(sink);
  options.linger_ns = 60 * kS;  // only close sends the partial batch
  tether_batcher *b = make(options);
  for (uint64_t id = 1; id <= 100; ++id) ASSERT_EQ(submit(b, id, "v"), TETHER_OK);
  uint64_t unwritten = 99;
  EXPECT_EQ(tether_batcher_close(b, 10 * kS, &unwritten), TETHER_OK);
  EXPECT_EQ(unwritten, 0u);
  EXPECT_EQ(sink.written.size(), 100u);
  EXPECT_EQ(tether_batcher_close(b, 0, nullptr), TETHER_CLOSED);
  tether_batcher_free(b);
}

TEST(BatcherApi, CloseWithoutAReachableSinkReportsWhatItCouldNotWrite) {
  TestSink sink;
  sink.decide = [](const tether_record *, size_t) { return TETHER_SINK_RETRYABLE; };
  tether_batcher_options options = options_for(sink);
  options.max_attempts = 1'000'000;
  options.backoff_initial_ns = 5 * kMs;
  options.backoff_max_ns = 5 * kMs;
  tether_batcher *b = make(options);
  for (uint64_t id = 1; id <= 10; ++id) ASSERT_EQ(submit(b, id, "lost"), TETHER_OK);
  uint64_t unwritten = 0;
  EXPECT_EQ(tether_batcher_close(b, 50 * kMs, &unwritten), TETHER_TIMEOUT);
  EXPECT_EQ(unwritten, 10u);
  ASSERT_EQ(sink.failed.size(), 10u);
  std::set<uint64_t> reported;
  for (const auto &f : sink.failed) {
    EXPECT_EQ(f.reason, TETHER_TIMEOUT);
    reported.insert(f.id);
  }
  EXPECT_EQ(reported.size(), 10u);
  EXPECT_TRUE(sink.written.empty());
  tether_batcher_stats s = stats_of(b);
  EXPECT_EQ(s.queued_bytes, 0u);
  EXPECT_GT(s.retries, 0u);
  tether_batcher_free(b);
}

TEST(BatcherApi, FreeWithoutCloseReportsTheRecordsStillHeld) {
  TestSink sink;
  tether_batcher_options options = options_for(sink);
  options.linger_ns = 60 * kS;
  tether_batcher *b = make(options);
  ASSERT_EQ(submit(b, 1, "held"), TETHER_OK);
  tether_batcher_free(b);  // close(0): nothing more is written, the record is reported
  ASSERT_EQ(sink.failed.size() + sink.written.size(), 1u);
}

struct Reentrant {
  tether_batcher *batcher = nullptr;
  tether_status submit_status = TETHER_OK;
  tether_status close_status = TETHER_OK;
  size_t stats_ok = 0;
  static tether_sink_result sink(const tether_record *, size_t, void *self) {
    auto *r = static_cast<Reentrant *>(self);
    r->submit_status = tether_batcher_submit(r->batcher, 5, nullptr, 0);
    r->close_status = tether_batcher_close(r->batcher, 0, nullptr);
    tether_batcher_stats s{};
    s.struct_size = sizeof s;
    if (tether_batcher_stats_get(r->batcher, &s) == TETHER_OK) ++r->stats_ok;
    return TETHER_SINK_OK;
  }
};

TEST(BatcherApi, SubmitAndCloseFromTheSinkThreadAreRefused) {
  Reentrant r;
  tether_batcher_options options;
  tether_batcher_options_init(&options);
  options.sink = &Reentrant::sink;
  options.sink_user_data = &r;
  options.linger_ns = 0;
  char error[128];
  ASSERT_EQ(tether_batcher_new(&options, &r.batcher, error, sizeof error), TETHER_OK);
  ASSERT_EQ(tether_batcher_submit(r.batcher, 1, nullptr, 0), TETHER_OK);
  EXPECT_EQ(tether_batcher_close(r.batcher, 10 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(r.submit_status, TETHER_INVALID_STATE);
  EXPECT_EQ(r.close_status, TETHER_INVALID_STATE);
  EXPECT_EQ(r.stats_ok, 1u);
  tether_batcher_free(r.batcher);
}

TEST(BatcherApi, ManyProducersLoseNothing) {
  TestSink sink;
  tether_batcher_options options = options_for(sink);
  options.policy = TETHER_OVERFLOW_BLOCK;
  options.block_timeout_ns = 60 * kS;
  options.max_queued_bytes = 4096;
  options.max_batch_bytes = 1024;
  tether_batcher *b = make(options);
  std::vector<std::thread> producers;
  for (uint64_t t = 0; t < 4; ++t) {
    producers.emplace_back([&, t] {
      for (uint64_t i = 0; i < 500; ++i) EXPECT_EQ(submit(b, t * 1000 + i, "payload"), TETHER_OK);
    });
  }
  for (auto &p : producers) p.join();
  EXPECT_EQ(tether_batcher_close(b, 30 * kS, nullptr), TETHER_OK);
  std::set<uint64_t> ids(sink.written.begin(), sink.written.end());
  EXPECT_EQ(ids.size(), 2000u);
  EXPECT_EQ(sink.written.size(), 2000u);
  EXPECT_LE(stats_of(b).peak_queued_bytes, 4096u);
  tether_batcher_free(b);
}

TEST(BatcherApi, BadOptionsAndMisuseGetClearErrors) {
  TestSink sink;
  tether_batcher_options options = options_for(sink);
  const char *problem = nullptr;
  EXPECT_EQ(tether_batcher_options_check(&options, &problem), TETHER_OK);
  tether_batcher *b = nullptr;
  char error[256];

  tether_batcher_options bad = options;
  bad.sink = nullptr;
  EXPECT_EQ(tether_batcher_new(&bad, &b, error, sizeof error), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(error, "sink is required");
  EXPECT_EQ(b, nullptr);
  bad = options;
  bad.max_queued_bytes = bad.max_batch_bytes - 1;
  EXPECT_EQ(tether_batcher_options_check(&bad, &problem), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(problem, "max_queued_bytes must be >= max_batch_bytes");
  bad = options;
  bad.policy = TETHER_OVERFLOW_SPILL;
  EXPECT_EQ(tether_batcher_new(&bad, &b, error, sizeof error), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(error, "spill_dir is required under SPILL");
  bad = options;
  std::memset(&bad.policy, 0x09, 1);  // 9: not a tether_overflow_policy (set as bytes, as C may)
  EXPECT_EQ(tether_batcher_options_check(&bad, &problem), TETHER_INVALID_ARGUMENT);
  bad = options;
  bad.policy = TETHER_OVERFLOW_SPILL;
  bad.spill_dir = "/tmp";
  std::memset(&bad.spill_fsync, 0x7f, sizeof bad.spill_fsync);  // not a tether_spill_fsync
  EXPECT_EQ(tether_batcher_options_check(&bad, &problem), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(std::string(problem).find("spill_fsync"), std::string::npos) << problem;
  bad = options;
  bad.max_attempts = 0;
  EXPECT_EQ(tether_batcher_options_check(&bad, &problem), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(problem, "max_attempts must be at least 1");
  bad = options;
  bad.struct_size = 3;
  EXPECT_EQ(tether_batcher_new(&bad, &b, error, sizeof error), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_batcher_new(nullptr, &b, nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_batcher_new(&options, nullptr, error, sizeof error), TETHER_INVALID_ARGUMENT);

  b = make(options);
  EXPECT_EQ(tether_batcher_submit(nullptr, 1, nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_batcher_submit(b, 1, nullptr, 5), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_batcher_close(nullptr, 0, nullptr), TETHER_INVALID_ARGUMENT);
  tether_batcher_stats s{};
  s.struct_size = sizeof s + 8;
  EXPECT_EQ(tether_batcher_stats_get(b, &s), TETHER_INVALID_ARGUMENT);
  size_t length = 0;
  EXPECT_EQ(tether_batcher_prometheus(b, nullptr, 0, &length), TETHER_INVALID_ARGUMENT);
  EXPECT_GT(length, 0u) << "the size needed is reported";
  EXPECT_EQ(tether_batcher_last_error(nullptr, error, sizeof error), 0u);
  tether_batcher_free(b);
  tether_batcher_free(nullptr);
}

TEST(BatcherApi, PrometheusTextCountsOutcomes) {
  TestSink sink;
  tether_batcher_options options = options_for(sink);
  options.max_batch_bytes = 32;
  tether_batcher *b = make(options);
  ASSERT_EQ(submit(b, 1, "ok"), TETHER_OK);
  ASSERT_EQ(submit(b, 2, std::string(40, 'x')), TETHER_RECORD_TOO_LARGE);
  ASSERT_EQ(tether_batcher_close(b, 10 * kS, nullptr), TETHER_OK);
  size_t length = 0;
  ASSERT_EQ(tether_batcher_prometheus(b, nullptr, 0, &length), TETHER_INVALID_ARGUMENT);
  std::string text(length + 1, '\0');
  ASSERT_EQ(tether_batcher_prometheus(b, text.data(), text.size(), &length), TETHER_OK);
  text.resize(length);
  EXPECT_NE(text.find("tether_batcher_records_total{outcome=\"accepted\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_batcher_records_total{outcome=\"written\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("tether_batcher_records_total{outcome=\"too_large\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE tether_batcher_queued_bytes gauge\ntether_batcher_queued_bytes 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("tether_batcher_batches_total 1\n"), std::string::npos);
  tether_batcher_free(b);
}

}  // namespace
