#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "batcher_sink.h"
#include "flow/backoff.h"
#include "flow/crc32c.h"
#include "flow/spill_log.h"

namespace {

using tether::Backoff;
using tether::SpillLog;
using tether::SpillOptions;
using tether::SpillPosition;
using tether_test::TempDir;

TEST(FlowCrc32c, MatchesTheStandardCheckValues) {
  EXPECT_EQ(tether::crc32c("123456789", 9), 0xE3069283u);  // the CRC-32C check value
  EXPECT_EQ(tether::crc32c("", 0), 0u);
  uint8_t zeros[32] = {};
  EXPECT_EQ(tether::crc32c(zeros, sizeof zeros), 0x8A9136AAu);  // RFC 3720 B.4
  uint32_t split = tether::crc32c("12345", 5);
  EXPECT_EQ(tether::crc32c("6789", 4, split), 0xE3069283u) << "incremental equals one pass";
}

TEST(FlowBackoff, GrowsExponentiallyUpToTheCapWithJitterInTheUpperHalf) {
  Backoff backoff(10, 1000, 42);
  EXPECT_EQ(backoff.ceiling_ns(1), 10u);
  EXPECT_EQ(backoff.ceiling_ns(2), 20u);
  EXPECT_EQ(backoff.ceiling_ns(5), 160u);
  EXPECT_EQ(backoff.ceiling_ns(8), 1000u);
  EXPECT_EQ(backoff.ceiling_ns(4000), 1000u) << "no overflow for huge attempt numbers";
  bool varied = false;
  uint64_t first = backoff.delay_ns(9);
  for (int i = 0; i < 200; ++i) {
    uint64_t d = backoff.delay_ns(9);
    EXPECT_GE(d, 500u);
    EXPECT_LE(d, 1000u);
    varied |= d != first;
  }
  EXPECT_TRUE(varied) << "jitter spreads the delays";
  Backoff huge(UINT64_MAX / 2 + 1, UINT64_MAX, 1);
  EXPECT_EQ(huge.ceiling_ns(3), UINT64_MAX);
}

SpillOptions options_in(const TempDir &dir) {
  SpillOptions o;
  o.dir = dir.path;
  o.max_bytes = 1000;
  o.segment_bytes = 200;
  o.fsync = TETHER_SPILL_FSYNC_NEVER;
  return o;
}

TEST(FlowSpillLog, AppendsReadsBackInOrderAndReleasesWholeSegments) {
  TempDir dir;
  std::unique_ptr<SpillLog> log;
  std::string message;
  ASSERT_EQ(SpillLog::open(options_in(dir), &log, &message), TETHER_OK) << message;
  std::string body(40, 'b');  // 56 bytes a record: three per 200-byte segment
  SpillPosition end;
  for (uint64_t id = 1; id <= 9; ++id) {
    ASSERT_EQ(log->append(id, reinterpret_cast<const uint8_t *>(body.data()), body.size(), 0, &end,
                          &message),
              TETHER_OK)
        << message;
  }
  EXPECT_EQ(end.segment, 3u);
  EXPECT_EQ(log->pending(), 9u);
  std::vector<uint8_t> buffer;
  std::vector<tether_record> records;
  std::vector<SpillPosition> ends;
  ASSERT_EQ(log->read(120, 10, buffer, records, ends, &message), TETHER_OK);
  ASSERT_EQ(records.size(), 2u) << "120 bytes hold two 56-byte records";
  EXPECT_EQ(records[0].id, 1u);
  EXPECT_EQ(records[1].id, 2u);
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(records[1].data), records[1].length), body);
  ASSERT_EQ(log->read(1000, 2, buffer, records, ends, &message), TETHER_OK);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, 3u);
  EXPECT_EQ(records[1].id, 4u) << "reading crosses into the next segment";
  const uint64_t before = log->bytes();
  log->release_to(ends[0], 3);  // ids 1..3: the first segment is finished
  EXPECT_EQ(log->bytes(), before - (8 + 3 * 56));
  EXPECT_FALSE(std::filesystem::exists(dir / "00000000000000000001.spill"));
  EXPECT_EQ(log->pending(), 6u);
}

TEST(FlowSpillLog, RefusesPastItsCapAndStartsOverWhenEverythingIsReleased) {
  TempDir dir;
  SpillOptions o = options_in(dir);
  o.max_bytes = 8 + 3 * 56;
  std::unique_ptr<SpillLog> log;
  std::string message;
  ASSERT_EQ(SpillLog::open(o, &log, &message), TETHER_OK);
  std::string body(40, 'c');
  SpillPosition end;
  const auto *data = reinterpret_cast<const uint8_t *>(body.data());
  for (uint64_t id = 1; id <= 3; ++id)
    ASSERT_EQ(log->append(id, data, 40, 0, &end, &message), TETHER_OK);
  EXPECT_EQ(log->append(4, data, 40, 0, &end, &message), TETHER_QUEUE_FULL);
  EXPECT_NE(message.find("is full: 176 of 176 bytes"), std::string::npos) << message;
  std::vector<uint8_t> buffer;
  std::vector<tether_record> records;
  std::vector<SpillPosition> ends;
  ASSERT_EQ(log->read(1000, 10, buffer, records, ends, &message), TETHER_OK);
  ASSERT_EQ(records.size(), 3u);
  log->release_to(ends.back(), 3);
  EXPECT_EQ(log->bytes(), 8u) << "the only segment is cut back to its header";
  EXPECT_EQ(log->append(4, data, 40, 0, &end, &message), TETHER_OK);
}

TEST(FlowSpillLog, ReopeningFindsEveryRecordPending) {
  TempDir dir;
  std::string message;
  {
    std::unique_ptr<SpillLog> log;
    ASSERT_EQ(SpillLog::open(options_in(dir), &log, &message), TETHER_OK);
    SpillPosition end;
    for (uint64_t id = 1; id <= 5; ++id) {
      ASSERT_EQ(log->append(id, reinterpret_cast<const uint8_t *>("x"), 1, 0, &end, &message),
                TETHER_OK);
    }
  }
  tether::SpillScan scan = tether::verify_spill_dir(dir.path);
  EXPECT_EQ(scan.status, TETHER_OK);
  EXPECT_EQ(scan.records, 5u);
  std::unique_ptr<SpillLog> log;
  ASSERT_EQ(SpillLog::open(options_in(dir), &log, &message), TETHER_OK);
  EXPECT_EQ(log->pending(), 5u);
  std::vector<uint8_t> buffer;
  std::vector<tether_record> records;
  std::vector<SpillPosition> ends;
  ASSERT_EQ(log->read(1000, 10, buffer, records, ends, &message), TETHER_OK);
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[4].id, 5u);
}

}  // namespace
