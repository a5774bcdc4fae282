#include "pg_sink.h"

#include <libpq-fe.h>

#include <cstring>
#include <vector>

namespace tether::drain {
namespace {

constexpr size_t kRowsPerStatement = 1000;  // 2 parameters each; libpq's limit is 65535

bool valid_table(const std::string &name) {
  if (name.empty() || name.size() > 63 || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<PgSink> PgSink::open(const std::string &conninfo, const std::string &table,
                                     std::string *error) {
  if (!valid_table(table)) {
    *error = "table must be 1..63 of [a-z0-9_], not starting with a digit: " + table;
    return nullptr;
  }
  std::unique_ptr<PgSink> sink(new PgSink());
  sink->conninfo_ = conninfo;
  sink->table_ = table;
  if (!sink->connect()) {
    *error = sink->error_;
    return nullptr;
  }
  return sink;
}

PgSink::~PgSink() { PQfinish(conn_); }

bool PgSink::connect() {
  PQfinish(conn_);
  conn_ = PQconnectdb(conninfo_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    error_ = std::string("postgresql: ") + PQerrorMessage(conn_);
    while (!error_.empty() && error_.back() == '\n') error_.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    return false;
  }
  std::string create =
      "CREATE TABLE IF NOT EXISTS " + table_ + " (id bigint PRIMARY KEY, body bytea NOT NULL)";
  PGresult *r = PQexec(conn_, create.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) error_ = std::string("postgresql: ") + PQresultErrorMessage(r);
  PQclear(r);
  return ok;
}

tether_sink_result PgSink::fail(const char *what, bool retryable) {
  error_ = std::string(what) + ": " + (conn_ ? PQerrorMessage(conn_) : "no connection");
  while (!error_.empty() && error_.back() == '\n') error_.pop_back();
  if (conn_ != nullptr && PQstatus(conn_) != CONNECTION_OK) {
    PQfinish(conn_);  // the next write reconnects
    conn_ = nullptr;
    return TETHER_SINK_RETRYABLE;
  }
  if (conn_ != nullptr) PQclear(PQexec(conn_, "ROLLBACK"));
  return retryable ? TETHER_SINK_RETRYABLE : TETHER_SINK_PERMANENT;
}

tether_sink_result PgSink::write(const tether_record *records, size_t count) {
  if (conn_ == nullptr && !connect()) return TETHER_SINK_RETRYABLE;
  PGresult *r = PQexec(conn_, "BEGIN");
  const bool begun = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!begun) return fail("BEGIN", true);
  uint64_t inserted = 0;
  std::vector<uint8_t> ids(8 * kRowsPerStatement);
  std::vector<const char *> values;
  std::vector<int> lengths, formats;
  static const char kEmpty[1] = {0};
  for (size_t from = 0; from < count; from += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, count - from);
    std::string sql = "INSERT INTO " + table_ + " (id, body) VALUES ";
    values.clear();
    lengths.clear();
    formats.assign(2 * n, 1);  // binary: int8 big-endian, bytea raw
    for (size_t i = 0; i < n; ++i) {
      const tether_record &rec = records[from + i];
      uint8_t *id = &ids[8 * i];
      for (int b = 0; b < 8; ++b) id[b] = static_cast<uint8_t>(rec.id >> (56 - 8 * b));
      values.push_back(reinterpret_cast<const char *>(id));
      lengths.push_back(8);
      values.push_back(rec.length ? reinterpret_cast<const char *>(rec.data) : kEmpty);
      lengths.push_back(static_cast<int>(rec.length));
      sql += (i ? ",($" : "($") + std::to_string(2 * i + 1) + "::int8,$" +
             std::to_string(2 * i + 2) + "::bytea)";
    }
    sql += " ON CONFLICT (id) DO NOTHING";
    r = PQexecParams(conn_, sql.c_str(), static_cast<int>(2 * n), nullptr, values.data(),
                     lengths.data(), formats.data(), 0);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (ok) inserted += std::strtoull(PQcmdTuples(r), nullptr, 10);
    PQclear(r);
    if (!ok) return fail("INSERT", false);
  }
  r = PQexec(conn_, "COMMIT");
  const bool committed = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!committed) return fail("COMMIT", true);
  last_inserted_ = inserted;
  error_.clear();
  return TETHER_SINK_OK;
}

tether_sink_result PgSink::write_fn(const tether_record *records, size_t count, void *sink) {
  return static_cast<PgSink *>(sink)->write(records, count);
}

}  // namespace tether::drain
