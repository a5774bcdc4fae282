// The SPILL policy through the public API: overflow into the log and back in order,
// the size cap, reopening drains first, close leaves the rest in the log, and
// malformed or truncated logs (an error naming the offset, the good prefix kept).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "batcher_sink.h"
#include "tether.h"

namespace {

using tether_test::TempDir;
using tether_test::TestSink;

constexpr uint64_t kS = 1'000'000'000;
const std::string kFirstSegment = "00000000000000000001.spill";

tether_batcher_options spill_options(TestSink &sink, const TempDir &dir) {
  tether_batcher_options options;
  tether_batcher_options_init(&options);
  sink.wire(options);
  options.policy = TETHER_OVERFLOW_SPILL;
  options.spill_dir = dir.path.c_str();
  options.max_batch_bytes = 4 * (20 + TETHER_BATCHER_RECORD_OVERHEAD);
  options.max_queued_bytes = options.max_batch_bytes;  // four 20-byte records in memory
  options.max_batch_records = 4;
  options.linger_ns = 0;
  options.spill_fsync = TETHER_SPILL_FSYNC_ALWAYS;
  options.backoff_initial_ns = 1'000'000;
  options.backoff_max_ns = 1'000'000;
  return options;
}

tether_status submit(tether_batcher *b, uint64_t id) {
  char body[20];
  std::snprintf(body, sizeof body, "record-%012llu", static_cast<unsigned long long>(id));
  return tether_batcher_submit(b, id, reinterpret_cast<const uint8_t *>(body), 19);
}

tether_batcher_stats stats_of(tether_batcher *b) {
  tether_batcher_stats s{};
  s.struct_size = sizeof s;
  EXPECT_EQ(tether_batcher_stats_get(b, &s), TETHER_OK);
  return s;
}

std::vector<uint64_t> range(uint64_t from, uint64_t to) {
  std::vector<uint64_t> ids;
  for (uint64_t id = from; id <= to; ++id) ids.push_back(id);
  return ids;
}

// A log of `count` records left behind by a batcher whose sink never wrote.
void leave_records(const TempDir &dir, uint64_t count) {
  TestSink sink;
  sink.decide = [](const tether_record *, size_t) { return TETHER_SINK_RETRYABLE; };
  tether_batcher_options options = spill_options(sink, dir);
  options.max_attempts = 1'000'000;
  tether_batcher *b = nullptr;
  char error[256];
  ASSERT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_OK) << error;
  for (uint64_t id = 1; id <= count; ++id) ASSERT_EQ(submit(b, id), TETHER_OK);
  uint64_t unwritten = 0;
  EXPECT_EQ(tether_batcher_close(b, 0, &unwritten), TETHER_TIMEOUT);
  EXPECT_EQ(unwritten, count);
  EXPECT_TRUE(sink.failed.empty()) << "under SPILL nothing is reported lost: it stays in the log";
  tether_batcher_free(b);
}

TEST(BatcherSpill, OverflowGoesToTheLogAndComesBackInOrder) {
  TempDir dir;
  TestSink sink;
  sink.hold(true);
  tether_batcher_options options = spill_options(sink, dir);
  tether_batcher *b = nullptr;
  char error[256];
  ASSERT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_OK) << error;
  for (uint64_t id = 1; id <= 50; ++id) ASSERT_EQ(submit(b, id), TETHER_OK) << id;
  tether_batcher_stats s = stats_of(b);
  EXPECT_EQ(s.accepted, 50u);
  EXPECT_GE(s.spilled, 40u) << "memory holds four records; the rest are only in the log";
  EXPECT_LE(s.peak_queued_bytes, options.max_queued_bytes);
  EXPECT_EQ(s.spill_records, 50u) << "every accepted record is in the log";
  sink.hold(false);
  EXPECT_EQ(tether_batcher_close(b, 30 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, range(1, 50));
  EXPECT_EQ(sink.bodies[49], "record-000000000050");
  s = stats_of(b);
  EXPECT_EQ(s.spill_records, 0u);
  EXPECT_EQ(s.spill_read, s.spilled);
  tether_batcher_free(b);
  tether_spill_report report{};
  report.struct_size = sizeof report;
  EXPECT_EQ(tether_spill_log_verify(dir.path.c_str(), &report), TETHER_OK) << report.message;
  EXPECT_EQ(report.records, 0u) << "finished records are released";
}

TEST(BatcherSpill, TheLogIsSizeCappedAndRefusesPastIt) {
  TempDir dir;
  TestSink sink;
  sink.hold(true);
  tether_batcher_options options = spill_options(sink, dir);
  options.spill_max_bytes = 2 * options.max_batch_bytes;  // 288: the header and seven records
  tether_batcher *b = nullptr;
  char error[256];
  ASSERT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_OK) << error;
  uint64_t id = 1;
  while (submit(b, id) == TETHER_OK) ++id;
  EXPECT_EQ(id - 1, 7u);
  EXPECT_EQ(submit(b, id), TETHER_QUEUE_FULL);
  char text[256];
  tether_batcher_last_error(b, text, sizeof text);
  EXPECT_NE(std::string(text).find("is full"), std::string::npos) << text;
  tether_batcher_stats s = stats_of(b);
  EXPECT_LE(s.peak_spill_bytes, options.spill_max_bytes);
  EXPECT_EQ(s.rejected, 2u);
  sink.hold(false);
  EXPECT_EQ(tether_batcher_close(b, 30 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, range(1, 7));
  tether_batcher_free(b);
}

TEST(BatcherSpill, CloseWithoutASinkKeepsTheRecordsAndReopeningDrainsThemFirst) {
  TempDir dir;
  leave_records(dir, 30);
  tether_spill_report report{};
  report.struct_size = sizeof report;
  ASSERT_EQ(tether_spill_log_verify(dir.path.c_str(), &report), TETHER_OK) << report.message;
  EXPECT_EQ(report.records, 30u);

  TestSink sink;
  tether_batcher_options options = spill_options(sink, dir);
  tether_batcher *b = nullptr;
  char error[256];
  ASSERT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_OK) << error;
  EXPECT_EQ(stats_of(b).replayed, 30u);
  for (uint64_t id = 31; id <= 40; ++id) ASSERT_EQ(submit(b, id), TETHER_OK);
  EXPECT_EQ(tether_batcher_close(b, 30 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, range(1, 40)) << "the old records first, then the new ones";
  tether_batcher_free(b);
}

TEST(BatcherSpill, ATruncatedLogNamesTheOffsetAndKeepsTheGoodPrefix) {
  TempDir dir;
  leave_records(dir, 10);
  std::string segment = dir / kFirstSegment;
  const uint64_t record = TETHER_SPILL_RECORD_HEADER_SIZE + 19;
  const uint64_t full = TETHER_SPILL_SEGMENT_HEADER_SIZE + 10 * record;
  ASSERT_EQ(std::filesystem::file_size(segment), full);
  std::filesystem::resize_file(segment, full - 5);  // the last record loses its end

  tether_spill_report report{};
  report.struct_size = sizeof report;
  EXPECT_EQ(tether_spill_log_verify(dir.path.c_str(), &report), TETHER_TRUNCATED);
  EXPECT_EQ(report.records, 9u);
  EXPECT_EQ(report.bad_offset, full - record);
  std::string message = report.message;
  EXPECT_NE(message.find(kFirstSegment), std::string::npos) << message;
  EXPECT_NE(message.find("truncated at offset " + std::to_string(full - record)), std::string::npos)
      << message;
  EXPECT_NE(message.find("9 good records"), std::string::npos) << message;

  TestSink sink;
  tether_batcher_options options = spill_options(sink, dir);
  tether_batcher *b = nullptr;
  char error[512];
  EXPECT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_TRUNCATED);
  EXPECT_EQ(b, nullptr);
  EXPECT_EQ(std::string(error), message) << "new refuses with the same clear error";

  options.spill_repair = 1;
  ASSERT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_OK) << error;
  tether_batcher_stats s = stats_of(b);
  EXPECT_EQ(s.replayed, 9u);
  EXPECT_EQ(s.spill_damaged_bytes, record - 5);
  tether_batcher_last_error(b, error, sizeof error);
  EXPECT_NE(std::string(error).find("repaired"), std::string::npos) << error;
  EXPECT_EQ(tether_batcher_close(b, 30 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, range(1, 9));
  tether_batcher_free(b);
  EXPECT_TRUE(std::filesystem::exists(segment + ".damaged-at-" + std::to_string(full - record)))
      << "the damaged bytes are kept aside, not deleted";
}

TEST(BatcherSpill, ACorruptRecordNamesTheOffsetAndKeepsTheGoodPrefix) {
  TempDir dir;
  leave_records(dir, 10);
  std::string segment = dir / kFirstSegment;
  const uint64_t record = TETHER_SPILL_RECORD_HEADER_SIZE + 19;
  const uint64_t bad = TETHER_SPILL_SEGMENT_HEADER_SIZE + 4 * record;  // the fifth record
  {
    std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(bad + TETHER_SPILL_RECORD_HEADER_SIZE + 3));
    f.put('#');  // one byte of its body flips
  }
  tether_spill_report report{};
  report.struct_size = sizeof report;
  EXPECT_EQ(tether_spill_log_verify(dir.path.c_str(), &report), TETHER_SPILL_CORRUPT);
  EXPECT_EQ(report.records, 4u);
  EXPECT_EQ(report.bad_offset, bad);
  EXPECT_NE(std::string(report.message).find("corrupt at offset " + std::to_string(bad)),
            std::string::npos)
      << report.message;
  EXPECT_NE(std::string(report.message).find("checksum"), std::string::npos);

  TestSink sink;
  tether_batcher_options options = spill_options(sink, dir);
  tether_batcher *b = nullptr;
  char error[512];
  EXPECT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_SPILL_CORRUPT);
  options.spill_repair = 1;
  ASSERT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_OK) << error;
  EXPECT_EQ(tether_batcher_close(b, 30 * kS, nullptr), TETHER_OK);
  EXPECT_EQ(sink.written, range(1, 4)) << "only the records before the damage";
  tether_batcher_free(b);
}

TEST(BatcherSpill, ASegmentWithABadHeaderIsCorruptAtOffsetZero) {
  TempDir dir;
  {
    std::ofstream f(dir / kFirstSegment, std::ios::binary);
    f.write("NOPE\x01\0\0\0", 8);
  }
  tether_spill_report report{};
  report.struct_size = sizeof report;
  EXPECT_EQ(tether_spill_log_verify(dir.path.c_str(), &report), TETHER_SPILL_CORRUPT);
  EXPECT_EQ(report.bad_offset, 0u);
  EXPECT_NE(std::string(report.message).find("corrupt at offset 0"), std::string::npos)
      << report.message;
  {
    std::ofstream f(dir / kFirstSegment, std::ios::binary | std::ios::trunc);
    f << "TSP";
  }
  EXPECT_EQ(tether_spill_log_verify(dir.path.c_str(), &report), TETHER_TRUNCATED);
  EXPECT_NE(std::string(report.message).find("truncated at offset 0"), std::string::npos)
      << report.message;
  tether_spill_report wrong{};
  wrong.struct_size = 1;
  EXPECT_EQ(tether_spill_log_verify(dir.path.c_str(), &wrong), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_spill_log_verify(nullptr, &report), TETHER_INVALID_ARGUMENT);
}

TEST(BatcherSpill, AnUnusableSpillDirectoryIsAnIoErrorNamingIt) {
  TempDir dir;
  std::string file = dir / "not-a-directory";
  std::ofstream(file) << "x";
  TestSink sink;
  tether_batcher_options options = spill_options(sink, dir);
  options.spill_dir = file.c_str();
  tether_batcher *b = nullptr;
  char error[512];
  EXPECT_EQ(tether_batcher_new(&options, &b, error, sizeof error), TETHER_IO);
  EXPECT_NE(std::string(error).find(file), std::string::npos) << error;
}

}  // namespace
