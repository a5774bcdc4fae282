#include "batcher.h"

#include <pybind11/native_enum.h>
#include <pybind11/stl.h>
#include <tether.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "buffer.h"
#include "errors.h"
#include "options.h"

namespace py = pybind11;

namespace tether_py {
namespace {

const OptionField<tether_batcher_options> kBatcherFields[] = {
    {"max_queued_bytes", &tether_batcher_options::max_queued_bytes},
    {"max_batch_bytes", &tether_batcher_options::max_batch_bytes},
    {"max_batch_records", &tether_batcher_options::max_batch_records},
    {"linger_ns", &tether_batcher_options::linger_ns},
    {"block_timeout_ns", &tether_batcher_options::block_timeout_ns},
    {"spill_max_bytes", &tether_batcher_options::spill_max_bytes},
    {"spill_fsync_interval_ns", &tether_batcher_options::spill_fsync_interval_ns},
    {"max_attempts", &tether_batcher_options::max_attempts},
    {"backoff_initial_ns", &tether_batcher_options::backoff_initial_ns},
    {"backoff_max_ns", &tether_batcher_options::backoff_max_ns},
    {"random_seed", &tether_batcher_options::random_seed},
};

class SqliteSink {
 public:
  SqliteSink(const std::string &path, const std::string &table, uint32_t busy_timeout_ms) {
    tether_sqlite_sink_options o;
    tether_sqlite_sink_options_init(&o);
    o.path = path.c_str();
    o.table = table.c_str();
    o.busy_timeout_ms = busy_timeout_ms;
    char error[512];
    tether_status status = tether_sqlite_sink_open(&o, &handle_, error, sizeof error);
    if (status != TETHER_OK) raise_status(status, error);
  }
  ~SqliteSink() { tether_sqlite_sink_free(handle_); }
  SqliteSink(const SqliteSink &) = delete;
  SqliteSink &operator=(const SqliteSink &) = delete;

  uint64_t count() {
    open_handle();
    uint64_t rows = 0;
    tether_status status = tether_sqlite_sink_count(handle_, &rows);
    if (status != TETHER_OK) raise_status(status, tether_sqlite_sink_last_error(handle_));
    return rows;
  }
  void close() {
    if (users_ > 0) raise_status(TETHER_INVALID_STATE, "sqlite sink is used by an open batcher");
    tether_sqlite_sink_free(handle_);
    handle_ = nullptr;
  }
  tether_sqlite_sink *open_handle() {
    if (handle_ == nullptr) raise_status(TETHER_INVALID_STATE, "sqlite sink is closed");
    return handle_;
  }
  int users_ = 0;  // open batchers writing through it (GIL held)

 private:
  tether_sqlite_sink *handle_ = nullptr;
};

// The C handle's user data is this object (never a Python object): it owns the
// references to the Python callables and lives until the handle is freed.
class Batcher {
 public:
  Batcher(py::object sink, py::object on_failed, tether_overflow_policy policy,
          std::optional<std::string> spill_dir, tether_spill_fsync spill_fsync, bool spill_repair,
          const py::kwargs &options)
      : sink_(std::move(sink)), on_failed_(std::move(on_failed)) {
    tether_batcher_options o;
    tether_batcher_options_init(&o);
    apply_options(options, kBatcherFields, o, "Batcher");
    if (py::isinstance<SqliteSink>(sink_)) {
      o.sink = tether_sqlite_sink_write;  // C all the way: no GIL on the sink thread
      o.sink_user_data = sink_.cast<SqliteSink &>().open_handle();
    } else if (PyCallable_Check(sink_.ptr())) {
      o.sink = &Batcher::call_sink;
      o.sink_user_data = this;
    } else {
      throw py::type_error("sink must be a tether.SqliteSink or a callable");
    }
    if (!on_failed_.is_none()) {
      if (!PyCallable_Check(on_failed_.ptr())) throw py::type_error("on_failed must be callable");
      o.on_failed = &Batcher::call_on_failed;
      o.failed_user_data = this;
    }
    o.policy = policy;
    if (spill_dir) o.spill_dir = spill_dir->c_str();
    o.spill_fsync = spill_fsync;
    o.spill_repair = spill_repair ? 1 : 0;
    char error[512];
    tether_status status = tether_batcher_new(&o, &handle_, error, sizeof error);
    if (status != TETHER_OK) raise_status(status, error);
    if (py::isinstance<SqliteSink>(sink_)) sink_.cast<SqliteSink &>().users_++;
  }
  ~Batcher() {
    if (handle_ != nullptr) {
      {
        py::gil_scoped_release release;  // the sink thread may be waiting for the GIL
        tether_batcher_free(handle_);
      }
      release_sink();
    }
  }
  Batcher(const Batcher &) = delete;
  Batcher &operator=(const Batcher &) = delete;

  void submit(uint64_t id, py::handle data) {
    tether_batcher *b = open_handle();
    InputBuffer input(data);
    tether_status status;
    {
      py::gil_scoped_release release;  // BLOCK waits; a Python sink needs the GIL to drain
      status = tether_batcher_submit(b, id, input.data(), input.size());
    }
    if (status != TETHER_OK) raise_status(status, last_error().c_str());
  }

  // The number of records not written (0: everything was).
  uint64_t close(double timeout_s) {
    if (handle_ == nullptr) return 0;
    if (!(timeout_s >= 0)) throw py::value_error("timeout must be >= 0 seconds");
    uint64_t ns = timeout_s * 1e9 >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(timeout_s * 1e9);
    uint64_t unwritten = 0;
    tether_status status;
    {
      py::gil_scoped_release release;
      status = tether_batcher_close(handle_, ns, &unwritten);
    }
    if (status == TETHER_INVALID_STATE) raise_status(status, "close from inside a sink callback");
    {
      py::gil_scoped_release release;
      tether_batcher_free(handle_);
    }
    handle_ = nullptr;
    release_sink();
    return unwritten;
  }

  py::dict stats() {
    tether_batcher_stats s{};
    s.struct_size = sizeof s;
    tether_status status = tether_batcher_stats_get(open_handle(), &s);
    if (status != TETHER_OK) raise_status(status, "");
    py::dict out;
    out["accepted"] = s.accepted;
    out["rejected"] = s.rejected;
    out["timed_out"] = s.timed_out;
    out["too_large"] = s.too_large;
    out["written"] = s.written;
    out["failed"] = s.failed;
    out["batches"] = s.batches;
    out["retries"] = s.retries;
    out["spilled"] = s.spilled;
    out["spill_read"] = s.spill_read;
    out["replayed"] = s.replayed;
    out["spill_damaged_bytes"] = s.spill_damaged_bytes;
    out["queued_records"] = s.queued_records;
    out["queued_bytes"] = s.queued_bytes;
    out["peak_queued_bytes"] = s.peak_queued_bytes;
    out["spill_records"] = s.spill_records;
    out["spill_bytes"] = s.spill_bytes;
    out["peak_spill_bytes"] = s.peak_spill_bytes;
    return out;
  }

  std::string prometheus() {
    tether_batcher *b = open_handle();
    size_t length = 0;
    tether_batcher_prometheus(b, nullptr, 0, &length);
    std::string text(length + 1, '\0');
    tether_status status = tether_batcher_prometheus(b, text.data(), text.size(), &length);
    if (status != TETHER_OK) raise_status(status, "");
    text.resize(length);
    return text;
  }

  std::string last_error() {
    if (handle_ == nullptr) return "";
    char text[512];
    tether_batcher_last_error(handle_, text, sizeof text);
    return text;
  }

  bool closed() const { return handle_ == nullptr; }

 private:
  tether_batcher *open_handle() {
    if (handle_ == nullptr) raise_status(TETHER_INVALID_STATE, "batcher is closed");
    return handle_;
  }
  void release_sink() {
    if (py::isinstance<SqliteSink>(sink_)) sink_.cast<SqliteSink &>().users_--;
  }

  static py::list to_list(const tether_record *records, size_t count) {
    py::list list(count);
    for (size_t i = 0; i < count; ++i) {
      list[i] = py::make_tuple(records[i].id, copy_to_bytes(records[i].data, records[i].length));
    }
    return list;
  }

  // Runs on the sink thread. The callable gets [(id, bytes)]; None or SinkResult.OK:
  // written; an exception counts as RETRYABLE (and is kept in sink_error).
  static tether_sink_result call_sink(const tether_record *records, size_t count, void *self) {
    auto *b = static_cast<Batcher *>(self);
    py::gil_scoped_acquire gil;
    try {
      py::object result = b->sink_(to_list(records, count));
      if (result.is_none()) return TETHER_SINK_OK;
      return static_cast<tether_sink_result>(result.cast<int>());
    } catch (py::error_already_set &e) {
      b->sink_error_ = e.what();
      return TETHER_SINK_RETRYABLE;
    } catch (const std::exception &e) {
      b->sink_error_ = e.what();
      return TETHER_SINK_RETRYABLE;
    }
  }

  static void call_on_failed(const tether_record *records, size_t count, tether_status reason,
                             const char *message, void *self) {
    auto *b = static_cast<Batcher *>(self);
    py::gil_scoped_acquire gil;
    try {
      b->on_failed_(to_list(records, count), py::cast(static_cast<int>(reason)), message);
    } catch (py::error_already_set &e) {
      e.discard_as_unraisable("tether.Batcher on_failed");
    }
  }

 public:
  std::string sink_error() const { return sink_error_; }

 private:
  tether_batcher *handle_ = nullptr;
  py::object sink_;
  py::object on_failed_;
  std::string sink_error_;  // written and read with the GIL held
};

}  // namespace

void add_batcher(py::module_ &module) {
  py::native_enum<tether_overflow_policy>(module, "OverflowPolicy", "enum.IntEnum")
      .value("REJECT", TETHER_OVERFLOW_REJECT)
      .value("BLOCK", TETHER_OVERFLOW_BLOCK)
      .value("SPILL", TETHER_OVERFLOW_SPILL)
      .finalize();
  py::native_enum<tether_spill_fsync>(module, "SpillFsync", "enum.IntEnum")
      .value("INTERVAL", TETHER_SPILL_FSYNC_INTERVAL)
      .value("ALWAYS", TETHER_SPILL_FSYNC_ALWAYS)
      .value("NEVER", TETHER_SPILL_FSYNC_NEVER)
      .finalize();
  py::native_enum<tether_sink_result>(module, "SinkResult", "enum.IntEnum")
      .value("OK", TETHER_SINK_OK)
      .value("RETRYABLE", TETHER_SINK_RETRYABLE)
      .value("PERMANENT", TETHER_SINK_PERMANENT)
      .finalize();

  py::class_<SqliteSink>(module, "SqliteSink",
                         "The embedded default sink: a SQLite table (id INTEGER PRIMARY KEY, "
                         "body BLOB), one transaction per batch, INSERT OR IGNORE on the id.")
      .def(py::init<const std::string &, const std::string &, uint32_t>(), py::arg("path"),
           py::kw_only(), py::arg("table") = "records", py::arg("busy_timeout_ms") = 5000)
      .def("count", &SqliteSink::count, "Rows in the table now.")
      .def("close", &SqliteSink::close)
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](SqliteSink &self, py::args) { self.close(); });

  py::class_<Batcher>(module, "Batcher",
                      "Batches records (id, bytes) for a slow sink with bounded memory and an "
                      "explicit overflow policy (see docs/batcher.md). The sink is a "
                      "tether.SqliteSink or a callable taking [(id, bytes)] on the batcher's "
                      "sink thread and returning None/SinkResult; an exception counts as "
                      "RETRYABLE. on_failed(records, status_code, message) gets the records "
                      "that will not be written. submit is safe from any thread.")
      .def(py::init<py::object, py::object, tether_overflow_policy, std::optional<std::string>,
                    tether_spill_fsync, bool, const py::kwargs &>(),
           py::arg("sink"), py::kw_only(), py::arg("on_failed") = py::none(),
           py::arg("policy") = TETHER_OVERFLOW_REJECT, py::arg("spill_dir") = py::none(),
           py::arg("spill_fsync") = TETHER_SPILL_FSYNC_INTERVAL, py::arg("spill_repair") = false)
      .def("submit", &Batcher::submit, py::arg("id"), py::arg("data"),
           "Accepts a record or raises QueueFull, Timeout, RecordTooLarge, Closed.")
      .def("close", &Batcher::close, py::arg("timeout") = 30.0,
           "Writes what is held for up to timeout seconds; returns how many records were not "
           "written (reported to on_failed, or left in the spill log).")
      .def("stats", &Batcher::stats)
      .def("prometheus", &Batcher::prometheus)
      .def_property_readonly("last_error", &Batcher::last_error)
      .def_property_readonly("sink_error", &Batcher::sink_error,
                             "The last exception a callable sink raised.")
      .def_property_readonly("closed", &Batcher::closed)
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](Batcher &self, py::args) { self.close(30.0); });
}

}  // namespace tether_py
