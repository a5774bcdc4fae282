// The SQLite sink: idempotent on the record id, one transaction per batch, lock
// contention is RETRYABLE, bad options get clear errors; and behind a batcher.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "batcher_sink.h"
#include "tether.h"

namespace {

using tether_test::TempDir;

tether_sqlite_sink *open_sink(const std::string &path, uint32_t busy_timeout_ms = 5000) {
  tether_sqlite_sink_options options;
  tether_sqlite_sink_options_init(&options);
  options.path = path.c_str();
  options.busy_timeout_ms = busy_timeout_ms;
  tether_sqlite_sink *sink = nullptr;
  char error[256];
  EXPECT_EQ(tether_sqlite_sink_open(&options, &sink, error, sizeof error), TETHER_OK) << error;
  return sink;
}

uint64_t rows(tether_sqlite_sink *sink) {
  uint64_t n = 0;
  EXPECT_EQ(tether_sqlite_sink_count(sink, &n), TETHER_OK);
  return n;
}

TEST(SqliteSink, WritesEachIdOnceHoweverOftenItComes) {
  TempDir dir;
  tether_sqlite_sink *sink = open_sink(dir / "a.db");
  std::string a = "first", b = "second", empty;
  tether_record batch[] = {{1, reinterpret_cast<const uint8_t *>(a.data()), a.size()},
                           {UINT64_MAX, reinterpret_cast<const uint8_t *>(b.data()), b.size()},
                           {7, nullptr, 0}};
  EXPECT_EQ(tether_sqlite_sink_write(batch, 3, sink), TETHER_SINK_OK);
  EXPECT_EQ(tether_sqlite_sink_write(batch, 3, sink), TETHER_SINK_OK) << "a replay is fine";
  EXPECT_EQ(rows(sink), 3u);
  tether_sqlite_sink_free(sink);

  sqlite3 *db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "a.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt *st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT id, body FROM records ORDER BY id", -1, &st, nullptr),
            SQLITE_OK);
  std::vector<std::pair<int64_t, std::string>> got;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const auto *blob = static_cast<const char *>(sqlite3_column_blob(st, 1));
    size_t n = static_cast<size_t>(sqlite3_column_bytes(st, 1));
    got.emplace_back(sqlite3_column_int64(st, 0), blob ? std::string(blob, n) : std::string());
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], (std::pair<int64_t, std::string>{-1, "second"})) << "UINT64_MAX as int64 bits";
  EXPECT_EQ(got[1], (std::pair<int64_t, std::string>{1, "first"}));
  EXPECT_EQ(got[2], (std::pair<int64_t, std::string>{7, ""}));
}

TEST(SqliteSink, ALockedDatabaseIsRetryableAndTheBatchLeavesNothingBehind) {
  TempDir dir;
  tether_sqlite_sink *sink = open_sink(dir / "b.db", 0);
  sqlite3 *other = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "b.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::string body = "x";
  tether_record record{1, reinterpret_cast<const uint8_t *>(body.data()), 1};
  EXPECT_EQ(tether_sqlite_sink_write(&record, 1, sink), TETHER_SINK_RETRYABLE);
  EXPECT_NE(std::string(tether_sqlite_sink_last_error(sink)).find("locked"), std::string::npos)
      << tether_sqlite_sink_last_error(sink);
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_EQ(rows(sink), 0u);
  EXPECT_EQ(tether_sqlite_sink_write(&record, 1, sink), TETHER_SINK_OK);
  EXPECT_STREQ(tether_sqlite_sink_last_error(sink), "");
  EXPECT_EQ(rows(sink), 1u);
  tether_sqlite_sink_free(sink);
}

TEST(SqliteSink, BadOptionsGetClearErrors) {
  TempDir dir;
  tether_sqlite_sink_options options;
  tether_sqlite_sink_options_init(&options);
  tether_sqlite_sink *sink = nullptr;
  char error[256];
  EXPECT_EQ(tether_sqlite_sink_open(&options, &sink, error, sizeof error), TETHER_INVALID_ARGUMENT);
  EXPECT_STREQ(error, "path is required");
  std::string path = dir / "c.db";
  options.path = path.c_str();
  options.table = "1; DROP TABLE x";
  EXPECT_EQ(tether_sqlite_sink_open(&options, &sink, error, sizeof error), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(std::string(error).find("table must be"), std::string::npos);
  options.table = "records";
  options.path = dir.path.c_str();  // a directory
  EXPECT_EQ(tether_sqlite_sink_open(&options, &sink, error, sizeof error), TETHER_IO);
  EXPECT_NE(std::string(error).find(dir.path), std::string::npos) << error;
  EXPECT_EQ(sink, nullptr);
  EXPECT_EQ(tether_sqlite_sink_open(nullptr, &sink, error, sizeof error), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_sqlite_sink_write(nullptr, 0, nullptr), TETHER_SINK_PERMANENT);
  EXPECT_EQ(tether_sqlite_sink_count(nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  tether_sqlite_sink_free(nullptr);
}

TEST(SqliteSink, BehindABatcherEveryAcceptedRecordIsStored) {
  TempDir dir;
  tether_sqlite_sink *sink = open_sink(dir / "d.db");
  tether_batcher_options options;
  tether_batcher_options_init(&options);
  options.sink = tether_sqlite_sink_write;
  options.sink_user_data = sink;
  options.policy = TETHER_OVERFLOW_SPILL;
  std::string spill = dir / "spill";
  options.spill_dir = spill.c_str();
  options.max_queued_bytes = 4096;
  options.max_batch_bytes = 4096;
  tether_batcher *b = nullptr;
  char error[256];
  ASSERT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_OK) << error;
  std::string body(100, 'p');
  for (uint64_t id = 1; id <= 2000; ++id) {
    ASSERT_EQ(
        tether_batcher_submit(b, id, reinterpret_cast<const uint8_t *>(body.data()), body.size()),
        TETHER_OK);
  }
  EXPECT_EQ(tether_batcher_close(b, 60'000'000'000ull, nullptr), TETHER_OK);
  tether_batcher_free(b);
  EXPECT_EQ(rows(sink), 2000u);
  tether_sqlite_sink_free(sink);
}

}  // namespace
