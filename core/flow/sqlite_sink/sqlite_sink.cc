#include "flow/sqlite_sink/sqlite_sink.h"

#include <sqlite3.h>

#include <cctype>
#include <cstring>
#include <memory>

namespace tether {
namespace {

bool valid_table(const char *name) {
  size_t n = std::strlen(name);
  if (n < 1 || n > 64 || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

// Failures that a later attempt can get past: locks, I/O, a full disk.
bool retryable(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PROTOCOL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
      return true;
    default:
      return false;
  }
}

}  // namespace

void sqlite_sink_default_options(tether_sqlite_sink_options *options) {
  *options = tether_sqlite_sink_options{};
  options->struct_size = sizeof *options;
  options->table = "records";
  options->busy_timeout_ms = 5000;
}

SqliteSink *SqliteSink::open(const tether_sqlite_sink_options &options, Status *status,
                             std::string *message) {
  *status = TETHER_INVALID_ARGUMENT;
  if (options.path == nullptr || options.path[0] == '\0') {
    *message = "path is required";
    return nullptr;
  }
  const char *table = options.table ? options.table : "records";
  if (!valid_table(table)) {
    *message = "table must be 1..64 of [A-Za-z0-9_], not starting with a digit";
    return nullptr;
  }
  std::unique_ptr<SqliteSink> sink(new SqliteSink());
  sink->table_ = table;
  *status = TETHER_IO;
  int rc =
      sqlite3_open_v2(options.path, &sink->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    *message = std::string("sqlite ") + options.path + ": " +
               (sink->db_ ? sqlite3_errmsg(sink->db_) : sqlite3_errstr(rc));
    return nullptr;
  }
  sqlite3_busy_timeout(sink->db_, static_cast<int>(options.busy_timeout_ms));
  std::string setup =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS " +
      sink->table_ + " (id INTEGER PRIMARY KEY, body BLOB NOT NULL);";
  std::string insert = "INSERT OR IGNORE INTO " + sink->table_ + " (id, body) VALUES (?1, ?2)";
  char *error = nullptr;
  if (sqlite3_exec(sink->db_, setup.c_str(), nullptr, nullptr, &error) != SQLITE_OK ||
      sqlite3_prepare_v2(sink->db_, insert.c_str(), -1, &sink->insert_, nullptr) != SQLITE_OK) {
    *message =
        std::string("sqlite ") + options.path + ": " + (error ? error : sqlite3_errmsg(sink->db_));
    sqlite3_free(error);
    return nullptr;
  }
  *status = TETHER_OK;
  return sink.release();
}

SqliteSink::~SqliteSink() {
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

tether_sink_result SqliteSink::fail(int rc, const char *what) {
  error_ = std::string(what) + ": " + sqlite3_errmsg(db_) + " (" + sqlite3_errstr(rc) + ")";
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return retryable(rc) ? TETHER_SINK_RETRYABLE : TETHER_SINK_PERMANENT;
}

tether_sink_result SqliteSink::write(const tether_record *records, size_t count) {
  int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail(rc, "BEGIN");
  for (size_t i = 0; i < count; ++i) {
    sqlite3_reset(insert_);
    sqlite3_bind_int64(insert_, 1, static_cast<sqlite3_int64>(records[i].id));
    if (records[i].length == 0) {
      rc = sqlite3_bind_zeroblob(insert_, 2, 0);  // a NULL pointer would bind NULL
    } else {
      rc = sqlite3_bind_blob64(insert_, 2, records[i].data, records[i].length, SQLITE_STATIC);
    }
    if (rc == SQLITE_OK) rc = sqlite3_step(insert_);
    if (rc != SQLITE_DONE) {
      sqlite3_reset(insert_);
      return fail(rc, "INSERT");
    }
  }
  sqlite3_reset(insert_);
  rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail(rc, "COMMIT");
  error_.clear();
  return TETHER_SINK_OK;
}

Status SqliteSink::count(uint64_t *rows) {
  std::string sql = "SELECT count(*) FROM " + table_;
  sqlite3_stmt *statement = nullptr;
  Status status = TETHER_IO;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    *rows = static_cast<uint64_t>(sqlite3_column_int64(statement, 0));
    status = TETHER_OK;
  } else {
    error_ = std::string("count: ") + sqlite3_errmsg(db_);
  }
  sqlite3_finalize(statement);
  return status;
}

}  // namespace tether
