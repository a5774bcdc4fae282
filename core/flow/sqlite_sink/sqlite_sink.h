// The embedded default sink of the batcher (tether.h, "SQLite sink"): one
// transaction per batch, INSERT OR IGNORE on the record id, synchronous=FULL.
// Built only with -DTETHER_SQLITE=ON (it links libsqlite3).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tether {

class SqliteSink {
 public:
  // On failure returns nullptr with *status and *message set.
  static SqliteSink *open(const tether_sqlite_sink_options &options, Status *status,
                          std::string *message);
  ~SqliteSink();
  SqliteSink(const SqliteSink &) = delete;
  SqliteSink &operator=(const SqliteSink &) = delete;

  tether_sink_result write(const tether_record *records, size_t count);
  Status count(uint64_t *rows);
  const std::string &last_error() const { return error_; }

 private:
  SqliteSink() = default;
  // Records the failure of rc and classifies it.
  tether_sink_result fail(int rc, const char *what);

  sqlite3 *db_ = nullptr;
  sqlite3_stmt *insert_ = nullptr;
  std::string table_;
  std::string error_;
};

void sqlite_sink_default_options(tether_sqlite_sink_options *options);

}  // namespace tether
