// The batcher's spill log: an append-only queue on disk, in segment files of one
// directory (format in tether.h, "Batcher"). Appends go to the newest segment; the
// sink side reads from a cursor and releases finished records by position, and a
// segment is deleted once everything in it is released. Not thread-safe: the batcher
// calls it under its lock.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace tether {

// A place in the log: a segment's sequence number and a byte offset in it.
struct SpillPosition {
  uint64_t segment = 0;
  uint64_t offset = 0;
  auto operator<=>(const SpillPosition &) const = default;
};

struct SpillOptions {
  std::string dir;
  uint64_t max_bytes = 0;      // the segments' total size never passes it
  uint64_t segment_bytes = 0;  // a new segment starts when the next record would pass it
  tether_spill_fsync fsync = TETHER_SPILL_FSYNC_INTERVAL;
  uint64_t fsync_interval_ns = 0;
  bool repair = false;
};

// The result of checking one directory (tether_spill_log_verify, and open()).
struct SpillScan {
  Status status = TETHER_OK;
  uint64_t segments = 0;
  uint64_t records = 0;
  uint64_t good_bytes = 0;
  uint64_t bad_offset = 0;
  std::string message;
};
SpillScan verify_spill_dir(const std::string &dir);

class SpillLog {
 public:
  // Creates dir if missing and reads what is in it: every record found is pending.
  // Damage: with repair, the good prefix is kept and the rest moved aside (see
  // damaged_bytes/repair_note); without, the scan's status and message.
  static Status open(const SpillOptions &options, std::unique_ptr<SpillLog> *out,
                     std::string *message);
  ~SpillLog();
  SpillLog(const SpillLog &) = delete;
  SpillLog &operator=(const SpillLog &) = delete;

  // One record at the end; *end receives the position after it. TETHER_QUEUE_FULL
  // when max_bytes would be passed, TETHER_IO when the file could not be written
  // (nothing is left of the record then).
  Status append(uint64_t id, const uint8_t *data, size_t length, uint64_t now_ns,
                SpillPosition *end, std::string *message);
  // INTERVAL: fdatasync if something was appended and not synced for the interval.
  void sync_if_due(uint64_t now_ns);

  // Reads records from the cursor: at least one if any is there, then more while
  // max_bytes (lengths plus headers) and max_records allow. records point into buffer;
  // ends[i] is the position after records[i]. TETHER_SPILL_CORRUPT if a record read
  // back fails its checksum.
  Status read(uint64_t max_bytes, size_t max_records, std::vector<uint8_t> &buffer,
              std::vector<tether_record> &records, std::vector<SpillPosition> &ends,
              std::string *message);
  // Moves the cursor over records served from memory.
  void skip_to(SpillPosition end) { cursor_ = end; }
  // Every record before end (count of them: released) is finished.
  void release_to(SpillPosition end, uint64_t released);

  uint64_t bytes() const { return bytes_; }
  uint64_t pending() const { return pending_; }
  uint64_t damaged_bytes() const { return damaged_bytes_; }
  const std::string &repair_note() const { return repair_note_; }

 private:
  struct Segment {
    uint64_t seq;
    int fd;
    uint64_t size;
  };
  explicit SpillLog(const SpillOptions &options) : options_(options) {}
  Status start_segment(uint64_t seq, std::string *message);
  std::string path_of(uint64_t seq) const;
  void sync_tail();

  SpillOptions options_;
  std::deque<Segment> segments_;  // oldest first; back() is the one appended to
  SpillPosition cursor_;
  uint64_t bytes_ = 0;
  uint64_t pending_ = 0;
  uint64_t damaged_bytes_ = 0;
  std::string repair_note_;
  bool dirty_ = false;  // appended since the last fdatasync
  uint64_t last_sync_ns_ = 0;
};

}  // namespace tether
