#include "flow/spill_log.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "flow/crc32c.h"

namespace tether {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[4] = {'T', 'S', 'P', 'L'};
constexpr uint32_t kVersion = 1;
constexpr uint64_t kSegmentHeader = TETHER_SPILL_SEGMENT_HEADER_SIZE;
constexpr uint64_t kRecordHeader = TETHER_SPILL_RECORD_HEADER_SIZE;
constexpr const char *kSuffix = ".spill";
constexpr size_t kDigits = 20;

void put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_u32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}
uint64_t get_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// The checksum of a record: its length and id fields, then its bytes.
uint32_t record_crc(const uint8_t *header, const uint8_t *data, size_t length) {
  uint32_t c = crc32c(header, 4);
  c = crc32c(header + 8, 8, c);
  return crc32c(data, length, c);
}

bool read_exact(int fd, void *buffer, size_t n, uint64_t offset) {
  auto *p = static_cast<uint8_t *>(buffer);
  while (n > 0) {
    ssize_t got = pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  char text[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(text, sizeof text, fmt, args);
  va_end(args);
  return text;
}

// Segment files of dir in sequence order; false (and *message) if it cannot be listed.
bool list_segments(const std::string &dir, std::vector<uint64_t> *seqs, std::string *message) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    *message =
        format("spill log %s: cannot list the directory: %s", dir.c_str(), ec.message().c_str());
    return false;
  }
  for (const fs::directory_entry &entry : it) {
    std::string name = entry.path().filename().string();
    if (name.size() != kDigits + std::strlen(kSuffix) || !name.ends_with(kSuffix)) continue;
    if (!std::all_of(name.begin(), name.begin() + kDigits,
                     [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    seqs->push_back(std::stoull(name.substr(0, kDigits)));
  }
  std::sort(seqs->begin(), seqs->end());
  return true;
}

// Checks one segment: header, then records up to the end. Fills scan (records,
// good_bytes = offset after the last good record) and returns its status.
Status scan_segment(int fd, const std::string &path, uint64_t size, SpillScan *scan) {
  uint8_t header[kRecordHeader];
  scan->good_bytes = 0;
  if (size < kSegmentHeader) {
    scan->bad_offset = 0;
    scan->message = format("spill log %s: truncated at offset 0: %" PRIu64
                           " bytes, shorter than the %" PRIu64 "-byte segment header",
                           path.c_str(), size, kSegmentHeader);
    return scan->status = TETHER_TRUNCATED;
  }
  if (!read_exact(fd, header, kSegmentHeader, 0)) {
    scan->message = format("spill log %s: cannot read: %s", path.c_str(), std::strerror(errno));
    return scan->status = TETHER_IO;
  }
  if (std::memcmp(header, kMagic, 4) != 0 || get_u32(header + 4) != kVersion) {
    scan->bad_offset = 0;
    scan->message = format("spill log %s: corrupt at offset 0: not a version %u segment header",
                           path.c_str(), kVersion);
    return scan->status = TETHER_SPILL_CORRUPT;
  }
  uint64_t offset = kSegmentHeader;
  std::vector<uint8_t> chunk(64 * 1024);
  while (offset < size) {
    const uint64_t good = scan->records;
    if (size - offset < kRecordHeader) {
      scan->bad_offset = offset;
      scan->message =
          format("spill log %s: truncated at offset %" PRIu64 ": %" PRIu64
                 " bytes left, a record header is %" PRIu64 "; %" PRIu64 " good records before it",
                 path.c_str(), offset, size - offset, kRecordHeader, good);
      scan->good_bytes = offset;
      return scan->status = TETHER_TRUNCATED;
    }
    if (!read_exact(fd, header, kRecordHeader, offset)) {
      scan->message = format("spill log %s: cannot read: %s", path.c_str(), std::strerror(errno));
      return scan->status = TETHER_IO;
    }
    uint64_t length = get_u32(header);
    if (length > size - offset - kRecordHeader) {
      scan->bad_offset = offset;
      scan->message = format("spill log %s: truncated at offset %" PRIu64
                             ": the record there "
                             "announces %" PRIu64 " bytes, %" PRIu64 " are left; %" PRIu64
                             " good records before it",
                             path.c_str(), offset, length, size - offset - kRecordHeader, good);
      scan->good_bytes = offset;
      return scan->status = TETHER_TRUNCATED;
    }
    uint32_t c = crc32c(header, 4);
    c = crc32c(header + 8, 8, c);
    for (uint64_t done = 0; done < length;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), length - done));
      if (!read_exact(fd, chunk.data(), n, offset + kRecordHeader + done)) {
        scan->message = format("spill log %s: cannot read: %s", path.c_str(), std::strerror(errno));
        return scan->status = TETHER_IO;
      }
      c = crc32c(chunk.data(), n, c);
      done += n;
    }
    if (c != get_u32(header + 4)) {
      scan->bad_offset = offset;
      scan->message = format("spill log %s: corrupt at offset %" PRIu64
                             ": record checksum 0x%08x stored, 0x%08x computed; %" PRIu64
                             " good records before it",
                             path.c_str(), offset, get_u32(header + 4), c, good);
      scan->good_bytes = offset;
      return scan->status = TETHER_SPILL_CORRUPT;
    }
    offset += kRecordHeader + length;
    ++scan->records;
  }
  scan->good_bytes = offset;
  return scan->status = TETHER_OK;
}

std::string segment_path(const std::string &dir, uint64_t seq) {
  char name[64];
  std::snprintf(name, sizeof name, "/%020" PRIu64 "%s", seq, kSuffix);
  return dir + name;
}

uint64_t file_size(int fd) {
  off_t end = lseek(fd, 0, SEEK_END);
  return end < 0 ? 0 : static_cast<uint64_t>(end);
}

void sync_dir(const std::string &dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  ::close(fd);
}

// Moves bytes [from, size) of a damaged segment to "<path>.damaged-at-<from>" and cuts
// the segment there. False (and *message) if that fails.
bool move_aside(int fd, const std::string &path, uint64_t from, uint64_t size,
                std::string *message) {
  std::string aside = format("%s.damaged-at-%" PRIu64, path.c_str(), from);
  int out = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    *message = format("spill log %s: cannot create %s: %s", path.c_str(), aside.c_str(),
                      std::strerror(errno));
    return false;
  }
  std::vector<uint8_t> chunk(64 * 1024);
  bool ok = true;
  for (uint64_t at = from; at < size && ok;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), size - at));
    ok = read_exact(fd, chunk.data(), n, at) &&
         write(out, chunk.data(), n) == static_cast<ssize_t>(n);
    at += n;
  }
  ok = ok && fsync(out) == 0;
  ::close(out);
  if (!ok || ftruncate(fd, static_cast<off_t>(from)) != 0 || fdatasync(fd) != 0) {
    *message = format("spill log %s: cannot move the damaged tail aside: %s", path.c_str(),
                      std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace

SpillScan verify_spill_dir(const std::string &dir) {
  SpillScan total;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return total;
  std::vector<uint64_t> seqs;
  if (!list_segments(dir, &seqs, &total.message)) {
    total.status = TETHER_IO;
    return total;
  }
  for (uint64_t seq : seqs) {
    std::string path = segment_path(dir, seq);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      total.status = TETHER_IO;
      total.message = format("spill log %s: cannot open: %s", path.c_str(), std::strerror(errno));
      return total;
    }
    SpillScan one;
    Status status = scan_segment(fd, path, file_size(fd), &one);
    ::close(fd);
    ++total.segments;
    total.records += one.records;
    if (status != TETHER_OK) {
      total.status = status;
      total.bad_offset = one.bad_offset;
      total.good_bytes += one.good_bytes > kSegmentHeader ? one.good_bytes - kSegmentHeader : 0;
      total.message = one.message;
      return total;
    }
    total.good_bytes += one.good_bytes - kSegmentHeader;
  }
  return total;
}

Status SpillLog::open(const SpillOptions &options, std::unique_ptr<SpillLog> *out,
                      std::string *message) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) {
    *message = format("spill log %s: cannot create the directory: %s", options.dir.c_str(),
                      ec.message().c_str());
    return TETHER_IO;
  }
  std::unique_ptr<SpillLog> log(new SpillLog(options));
  std::vector<uint64_t> seqs;
  if (!list_segments(options.dir, &seqs, message)) return TETHER_IO;
  for (uint64_t seq : seqs) {
    std::string path = segment_path(options.dir, seq);
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      *message = format("spill log %s: cannot open: %s", path.c_str(), std::strerror(errno));
      return TETHER_IO;
    }
    uint64_t size = file_size(fd);
    SpillScan scan;
    Status status = scan_segment(fd, path, size, &scan);
    if (status == TETHER_IO || (status != TETHER_OK && !options.repair)) {
      ::close(fd);
      *message = scan.message;
      return status;
    }
    if (status != TETHER_OK) {
      if (!move_aside(fd, path, scan.good_bytes, size, message)) {
        ::close(fd);
        return TETHER_IO;
      }
      log->damaged_bytes_ += size - scan.good_bytes;
      log->repair_note_ = scan.message + " (repaired: the rest moved to " + path +
                          format(".damaged-at-%" PRIu64 ")", scan.good_bytes);
      size = scan.good_bytes;
      if (size < kSegmentHeader) {  // nothing usable: the whole file went aside
        ::close(fd);
        fs::remove(path, ec);
        continue;
      }
    }
    log->segments_.push_back({seq, fd, size});
    log->bytes_ += size;
    log->pending_ += scan.records;
  }
  uint64_t next = log->segments_.empty() ? 1 : log->segments_.back().seq + 1;
  if (log->segments_.empty() || log->pending_ > 0) {
    // Appends go to a fresh segment, after everything found.
    if (Status s = log->start_segment(next, message); s != TETHER_OK) return s;
  }
  log->cursor_ = {log->segments_.front().seq, kSegmentHeader};
  *out = std::move(log);
  return TETHER_OK;
}

SpillLog::~SpillLog() {
  if (options_.fsync != TETHER_SPILL_FSYNC_NEVER && dirty_) sync_tail();
  for (Segment &s : segments_) ::close(s.fd);
}

std::string SpillLog::path_of(uint64_t seq) const { return segment_path(options_.dir, seq); }

Status SpillLog::start_segment(uint64_t seq, std::string *message) {
  std::string path = path_of(seq);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  uint8_t header[kSegmentHeader];
  std::memcpy(header, kMagic, 4);
  put_u32(header + 4, kVersion);
  if (fd < 0 || pwrite(fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header)) {
    *message = format("spill log %s: cannot create: %s", path.c_str(), std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return TETHER_IO;
  }
  if (options_.fsync != TETHER_SPILL_FSYNC_NEVER) sync_dir(options_.dir);
  segments_.push_back({seq, fd, kSegmentHeader});
  bytes_ += kSegmentHeader;
  return TETHER_OK;
}

Status SpillLog::append(uint64_t id, const uint8_t *data, size_t length, uint64_t now_ns,
                        SpillPosition *end, std::string *message) {
  const uint64_t frame = kRecordHeader + length;
  Segment *tail = &segments_.back();
  const bool roll = tail->size > kSegmentHeader && tail->size + frame > options_.segment_bytes;
  if (bytes_ + frame + (roll ? kSegmentHeader : 0) > options_.max_bytes) {
    *message = format("spill log %s is full: %" PRIu64 " of %" PRIu64 " bytes",
                      options_.dir.c_str(), bytes_, options_.max_bytes);
    return TETHER_QUEUE_FULL;
  }
  if (roll) {
    if (options_.fsync != TETHER_SPILL_FSYNC_NEVER && dirty_) sync_tail();
    if (Status s = start_segment(tail->seq + 1, message); s != TETHER_OK) return s;
    tail = &segments_.back();
  }
  uint8_t header[kRecordHeader];
  put_u32(header, static_cast<uint32_t>(length));
  put_u64(header + 8, id);
  put_u32(header + 4, record_crc(header, data, length));
  // One write per record: a process killed mid-run leaves whole records behind.
  iovec parts[2] = {{header, sizeof header}, {const_cast<uint8_t *>(data), length}};
  uint64_t written = 0;
  while (written < frame) {
    ssize_t n;
    if (written < kRecordHeader) {
      iovec rest[2] = {{header + written, kRecordHeader - written}, parts[1]};
      n = pwritev(tail->fd, rest, 2, static_cast<off_t>(tail->size + written));
    } else {
      n = pwrite(tail->fd, data + (written - kRecordHeader), frame - written,
                 static_cast<off_t>(tail->size + written));
    }
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *message = format("spill log %s: cannot append: %s", path_of(tail->seq).c_str(),
                        n < 0 ? std::strerror(errno) : "no progress");
      if (ftruncate(tail->fd, static_cast<off_t>(tail->size)) != 0) {
        // The partial record stays; a later open reports it as a truncation.
      }
      return TETHER_IO;
    }
    written += static_cast<uint64_t>(n);
  }
  tail->size += frame;
  bytes_ += frame;
  ++pending_;
  dirty_ = true;
  if (options_.fsync == TETHER_SPILL_FSYNC_ALWAYS) {
    sync_tail();
  } else {
    sync_if_due(now_ns);
  }
  *end = {tail->seq, tail->size};
  return TETHER_OK;
}

void SpillLog::sync_tail() {
  fdatasync(segments_.back().fd);
  dirty_ = false;
}

void SpillLog::sync_if_due(uint64_t now_ns) {
  if (!dirty_ || options_.fsync != TETHER_SPILL_FSYNC_INTERVAL) return;
  if (now_ns - last_sync_ns_ < options_.fsync_interval_ns) return;
  sync_tail();
  last_sync_ns_ = now_ns;
}

Status SpillLog::read(uint64_t max_bytes, size_t max_records, std::vector<uint8_t> &buffer,
                      std::vector<tether_record> &records, std::vector<SpillPosition> &ends,
                      std::string *message) {
  records.clear();
  buffer.clear();
  ends.clear();
  struct Found {
    uint64_t id;
    size_t at;
    size_t length;
  };
  std::vector<Found> found;
  uint64_t taken = 0;
  while (found.size() < max_records) {
    auto it = std::find_if(segments_.begin(), segments_.end(),
                           [&](const Segment &s) { return s.seq == cursor_.segment; });
    if (it == segments_.end()) break;
    Segment *segment = &*it;
    if (cursor_.offset >= segment->size) {
      if (std::next(it) == segments_.end()) break;
      cursor_ = {std::next(it)->seq, kSegmentHeader};
      continue;
    }
    uint8_t header[kRecordHeader];
    if (!read_exact(segment->fd, header, kRecordHeader, cursor_.offset)) {
      *message = format("spill log %s: cannot read at offset %" PRIu64 ": %s",
                        path_of(segment->seq).c_str(), cursor_.offset, std::strerror(errno));
      return TETHER_IO;
    }
    uint64_t length = get_u32(header);
    if (!found.empty() && taken + kRecordHeader + length > max_bytes) break;
    size_t at = buffer.size();
    buffer.resize(at + length);
    if (!read_exact(segment->fd, buffer.data() + at, length, cursor_.offset + kRecordHeader) ||
        record_crc(header, buffer.data() + at, length) != get_u32(header + 4)) {
      *message = format("spill log %s: corrupt at offset %" PRIu64 " when read back",
                        path_of(segment->seq).c_str(), cursor_.offset);
      return TETHER_SPILL_CORRUPT;
    }
    found.push_back({get_u64(header + 8), at, static_cast<size_t>(length)});
    taken += kRecordHeader + length;
    cursor_.offset += kRecordHeader + length;
    ends.push_back(cursor_);
  }
  for (const Found &f : found) records.push_back({f.id, buffer.data() + f.at, f.length});
  return TETHER_OK;
}

void SpillLog::release_to(SpillPosition end, uint64_t released) {
  pending_ -= std::min(released, pending_);
  while (segments_.size() > 1) {
    Segment &front = segments_.front();
    if (front.seq > end.segment || (front.seq == end.segment && end.offset < front.size)) break;
    ::close(front.fd);
    std::error_code ec;
    fs::remove(path_of(front.seq), ec);
    bytes_ -= front.size;
    segments_.pop_front();
  }
  if (cursor_.segment < segments_.front().seq) cursor_ = {segments_.front().seq, kSegmentHeader};
  // Everything finished: start the only segment over instead of growing it.
  Segment &only = segments_.front();
  if (pending_ == 0 && segments_.size() == 1 && only.size > kSegmentHeader &&
      ftruncate(only.fd, static_cast<off_t>(kSegmentHeader)) == 0) {
    bytes_ -= only.size - kSegmentHeader;
    only.size = kSegmentHeader;
    cursor_ = {only.seq, kSegmentHeader};
  }
}

}  // namespace tether
