#include "invocation.h"

#include <pybind11/native_enum.h>
#include <pybind11/stl.h>
#include <tether.h>

#include <optional>
#include <string>

#include "buffer.h"
#include "call_guard.h"
#include "errors.h"
#include "output.h"
#include "session_options.h"

namespace py = pybind11;

namespace tether_py {
namespace {

py::str text(const char *data, size_t length) {
  return py::str(data == nullptr ? "" : data, data == nullptr ? 0 : length);
}

class Invocation {
 public:
  explicit Invocation(py::kwargs kwargs) {
    tether_invocation_options options;
    tether_invocation_options_init(&options);
    if (std::optional<uint64_t> limit = pop_uint64(kwargs, "max_output_size", "Invocation")) {
      options.max_output_size = *limit;
    }
    tether_session_options session = session_options(kwargs, "Invocation");
    options.session = &session;
    tether_status status = tether_invocation_new(&options, &handle_);
    if (status != TETHER_OK) {
      raise_status(status, status == TETHER_INVALID_ARGUMENT
                               ? "invalid invocation options (see tether_invocation_options and "
                                 "tether_session_options in tether.h)"
                               : "");
    }
  }
  ~Invocation() { tether_invocation_free(handle_); }
  Invocation(const Invocation &) = delete;
  Invocation &operator=(const Invocation &) = delete;

  size_t feed(py::handle data) {
    InputBuffer input(data);
    CallGuard call(handle_, busy_, "invocation");
    size_t consumed = 0;
    tether_status status;
    if (input.size() >= kReleaseGilBytes) {
      py::gil_scoped_release release;
      status = tether_invocation_feed(handle_, input.data(), input.size(), &consumed);
    } else {
      status = tether_invocation_feed(handle_, input.data(), input.size(), &consumed);
    }
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(status);
    return consumed;
  }

  void finish_input() {
    CallGuard call(handle_, busy_, "invocation");
    check(tether_invocation_finish_input(handle_));
  }

  py::object poll() {
    CallGuard call(handle_, busy_, "invocation");
    tether_invocation_event event;
    tether_status status = tether_invocation_poll(handle_, &event);
    if (status == TETHER_EMPTY) return py::none();
    check(status);
    return py::cast(event.kind);
  }

  py::dict input() {
    CallGuard call(handle_, busy_, "invocation");
    tether_invocation_input in;
    check(tether_invocation_input_get(handle_, &in));
    py::list headers;
    for (size_t i = 0; i < in.header_count; ++i) {
      const tether_invocation_header &h = in.headers[i];
      headers.append(py::make_tuple(text(h.key, h.key_length), text(h.value, h.value_length)));
    }
    py::dict out;
    out["id"] = copy_to_bytes(in.id, in.id_length);
    out["debug_id"] = text(in.debug_id, in.debug_id_length);
    out["key"] = text(in.key, in.key_length);
    out["known_entries"] = in.known_entries;
    out["retry_count_since_last_stored_entry"] = in.retry_count_since_last_stored_entry;
    out["duration_since_last_stored_entry"] = in.duration_since_last_stored_entry;
    out["random_seed"] = in.random_seed;
    out["value"] = copy_to_bytes(in.value, in.value_length);
    out["headers"] = headers;
    return out;
  }

  void complete(py::handle value) {
    InputBuffer input(value);
    CallGuard call(handle_, busy_, "invocation");
    tether_status status;
    if (input.size() >= kReleaseGilBytes) {
      py::gil_scoped_release release;
      status = tether_invocation_complete(handle_, input.data(), input.size());
    } else {
      status = tether_invocation_complete(handle_, input.data(), input.size());
    }
    check(status);
  }

  void fail_terminal(uint32_t code, const std::string &message) {
    CallGuard call(handle_, busy_, "invocation");
    check(tether_invocation_fail_terminal(handle_, code, message.data(), message.size()));
  }

  void fail_retryable(uint32_t code, const std::string &message) {
    CallGuard call(handle_, busy_, "invocation");
    check(tether_invocation_fail_retryable(handle_, code, message.data(), message.size()));
  }

  py::bytes take_output(std::optional<size_t> limit) {
    CallGuard call(handle_, busy_, "invocation");
    return tether_py::take_output(
        [&](const uint8_t **data, size_t *length) {
          return tether_invocation_pending_output(handle_, data, length);
        },
        [&](size_t n) { return tether_invocation_consume_output(handle_, n); },
        [&](tether_status status) { check(status); }, limit);
  }

  tether_invocation_state state() {
    CallGuard call(handle_, busy_, "invocation");
    return tether_invocation_state_get(handle_);
  }

  py::dict stats() {
    CallGuard call(handle_, busy_, "invocation");
    tether_session_stats s{};
    s.struct_size = sizeof s;
    check(tether_invocation_session_stats(handle_, &s));
    return stats_dict(s);
  }

  std::string last_error() {
    CallGuard call(handle_, busy_, "invocation");
    return tether_invocation_last_error(handle_);
  }

  void close() {
    if (handle_ == nullptr) return;
    CallGuard call(handle_, busy_, "invocation");
    tether_invocation_free(handle_);
    handle_ = nullptr;
  }

  bool closed() const { return handle_ == nullptr; }

 private:
  void check(tether_status status) {
    if (status != TETHER_OK) fail(status);
  }
  [[noreturn]] void fail(tether_status status) {
    raise_status(status, tether_invocation_last_error(handle_));
  }

  tether_invocation *handle_ = nullptr;
  bool busy_ = false;
};

uint32_t content_type_version(const std::string &content_type, uint32_t max_version) {
  uint32_t version = 0;
  tether_status status = tether_invocation_content_type_version(
      content_type.data(), content_type.size(), max_version, &version);
  if (status != TETHER_OK) {
    std::string detail = "content type '" + content_type + "': " + tether_status_str(status);
    raise_status(status, detail.c_str());
  }
  return version;
}

}  // namespace

void add_invocation(py::module_ &module) {
  py::native_enum<tether_invocation_state>(module, "InvocationState", "enum.IntEnum")
      .value("WAITING_START", TETHER_INVOCATION_WAITING_START)
      .value("WAITING_INPUT", TETHER_INVOCATION_WAITING_INPUT)
      .value("RUNNING", TETHER_INVOCATION_RUNNING)
      .value("ENDING", TETHER_INVOCATION_ENDING)
      .value("DONE", TETHER_INVOCATION_DONE)
      .finalize();
  py::native_enum<tether_invocation_event_kind>(module, "InvocationEvent", "enum.IntEnum")
      .value("RUN", TETHER_INVOCATION_EVENT_RUN, "input is ready: run the handler")
      .value("WRITABLE", TETHER_INVOCATION_EVENT_WRITABLE, "a refused result may be retried")
      .value("DONE", TETHER_INVOCATION_EVENT_DONE, "the last message is queued: flush, then end")
      .finalize();

  module.def("content_type_version", &content_type_version, py::arg("content_type"),
             py::arg("max_version") = TETHER_PROTOCOL_MAX_VERSION,
             "N of 'application/vnd.restate.invocation.vN'; UnsupportedVersion outside "
             "PROTOCOL_MIN_VERSION..max_version (HTTP 415), InvalidArgument otherwise.");

  py::class_<Invocation>(module, "Invocation",
                         "One invocation stream: Start + Input in, the handler's result out as "
                         "Output + End, a terminal Failure, or a retryable Error. poll() is the "
                         "dispatch step and answers Pings.")
      .def(py::init<py::kwargs>(), "Keyword options: max_output_size and the Session options.")
      .def("feed", &Invocation::feed, py::arg("data"))
      .def("finish_input", &Invocation::finish_input)
      .def("poll", &Invocation::poll, "The next InvocationEvent, or None until more input.")
      .def("input", &Invocation::input, "The handler's input (from RUN until a result).")
      .def("complete", &Invocation::complete, py::arg("value"),
           "Output + End. MessageTooLarge: a terminal Failure 413 was queued instead.")
      .def("fail_terminal", &Invocation::fail_terminal, py::arg("code"), py::arg("message"))
      .def("fail_retryable", &Invocation::fail_retryable, py::arg("code"), py::arg("message"))
      .def("take_output", &Invocation::take_output, py::arg("limit") = py::none())
      .def_property_readonly("state", &Invocation::state)
      .def("stats", &Invocation::stats)
      .def_property_readonly("last_error", &Invocation::last_error)
      .def_property_readonly("closed", &Invocation::closed)
      .def("close", &Invocation::close)
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](Invocation &self, py::args) { self.close(); });
}

}  // namespace tether_py
