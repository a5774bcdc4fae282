// A PostgreSQL sink for the batcher and for tether-drain: batches go into a table
// (id bigint PRIMARY KEY, body bytea) as multi-row INSERT ... ON CONFLICT (id) DO
// NOTHING, one transaction per batch, so a record written twice (a replay) is stored
// once. A lost connection is RETRYABLE (the next write reconnects); a refused
// statement is PERMANENT. Ids are the uint64 bits read as int64.
#pragma once

#include <tether.h>

#include <cstdint>
#include <memory>
#include <string>

struct pg_conn;

namespace tether::drain {

class PgSink {
 public:
  // conninfo: a libpq connection string ("" reads PGHOST, PGPORT, ...); table: 1..63 of
  // [a-z0-9_], created if missing. On failure nullptr and *error.
  static std::unique_ptr<PgSink> open(const std::string &conninfo, const std::string &table,
                                      std::string *error);
  ~PgSink();
  PgSink(const PgSink &) = delete;
  PgSink &operator=(const PgSink &) = delete;

  tether_sink_result write(const tether_record *records, size_t count);
  // A tether_sink_fn over a PgSink (user_data).
  static tether_sink_result write_fn(const tether_record *records, size_t count, void *sink);
  // Rows the last successful write inserted (the rest were there already).
  uint64_t last_inserted() const { return last_inserted_; }
  const std::string &last_error() const { return error_; }

 private:
  PgSink() = default;
  bool connect();
  tether_sink_result fail(const char *what, bool retryable);

  std::string conninfo_;
  std::string table_;
  pg_conn *conn_ = nullptr;
  uint64_t last_inserted_ = 0;
  std::string error_;
};

}  // namespace tether::drain
