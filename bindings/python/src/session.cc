#include "session.h"

#include <pybind11/stl.h>
#include <tether.h>

#include <optional>
#include <string>

#include "buffer.h"
#include "call_guard.h"
#include "errors.h"
#include "event.h"
#include "output.h"
#include "session_options.h"

namespace py = pybind11;

namespace tether_py {
namespace {

class Session {
 public:
  explicit Session(const py::kwargs &kwargs) {
    tether_session_options options = session_options(kwargs, "Session");
    tether_status status = tether_session_new(&options, &handle_);
    if (status != TETHER_OK) {
      raise_status(status, status == TETHER_INVALID_ARGUMENT
                               ? "invalid session options (see tether_session_options in tether.h)"
                               : "");
    }
    protocol_version_ = options.protocol_version;
  }
  ~Session() { tether_session_free(handle_); }
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  size_t feed(py::handle data) {
    InputBuffer input(data);
    CallGuard call(handle_, busy_, "session");
    size_t consumed = 0;
    tether_status status;
    if (input.size() >= kReleaseGilBytes) {
      py::gil_scoped_release release;
      status = tether_session_feed(handle_, input.data(), input.size(), &consumed);
    } else {
      status = tether_session_feed(handle_, input.data(), input.size(), &consumed);
    }
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(status);
    return consumed;
  }

  void finish_input() {
    CallGuard call(handle_, busy_, "session");
    check(tether_session_finish_input(handle_));
  }

  py::object next_event() {
    CallGuard call(handle_, busy_, "session");
    tether_event event;
    tether_status status = tether_session_next_event(handle_, &event);
    if (status == TETHER_EMPTY) return py::none();
    check(status);
    return make_event(event);
  }

  void send(uint16_t type, py::handle payload) {
    InputBuffer input(payload);
    CallGuard call(handle_, busy_, "session");
    tether_status status;
    if (input.size() >= kReleaseGilBytes) {
      py::gil_scoped_release release;
      status = tether_session_send(handle_, type, input.data(), input.size());
    } else {
      status = tether_session_send(handle_, type, input.data(), input.size());
    }
    check(status);
  }

  // Pending output, consumed: everything, or at most limit bytes.
  py::bytes take_output(std::optional<size_t> limit) {
    CallGuard call(handle_, busy_, "session");
    return tether_py::take_output(
        [&](const uint8_t **data, size_t *length) {
          return tether_session_pending_output(handle_, data, length);
        },
        [&](size_t n) { return tether_session_consume_output(handle_, n); },
        [&](tether_status status) { check(status); }, limit);
  }

  // The next contiguous pending bytes, not consumed (for transports that write
  // partially and then call consume_output with what went out).
  py::bytes pending_output() {
    CallGuard call(handle_, busy_, "session");
    const uint8_t *data = nullptr;
    size_t length = 0;
    check(tether_session_pending_output(handle_, &data, &length));
    return copy_to_bytes(data, length);
  }

  void consume_output(size_t n) {
    CallGuard call(handle_, busy_, "session");
    check(tether_session_consume_output(handle_, n));
  }

  py::dict stats() {
    CallGuard call(handle_, busy_, "session");
    tether_session_stats s{};
    s.struct_size = sizeof s;
    check(tether_session_stats_get(handle_, &s));
    return stats_dict(s);
  }

  std::string last_error() {
    CallGuard call(handle_, busy_, "session");
    return tether_session_last_error(handle_);
  }

  void close() {
    if (handle_ == nullptr) return;
    CallGuard call(handle_, busy_, "session");
    tether_session_free(handle_);
    handle_ = nullptr;
  }

  bool closed() const { return handle_ == nullptr; }
  uint32_t protocol_version() const { return protocol_version_; }

 private:
  void check(tether_status status) {
    if (status != TETHER_OK) fail(status);
  }
  [[noreturn]] void fail(tether_status status) {
    raise_status(status, tether_session_last_error(handle_));
  }

  tether_session *handle_ = nullptr;
  uint32_t protocol_version_ = 0;
  bool busy_ = false;
};

}  // namespace

void add_session(py::module_ &module) {
  py::class_<Session>(module, "Session",
                      "One invocation stream, SDK side. feed() parses and queues, next_event() "
                      "is the dispatch step (it queues the Pong of a Ping), send() frames and "
                      "queues output, take_output() hands the bytes to write.")
      .def(py::init<const py::kwargs &>(),
           "Keyword options: the fields of tether_session_options (protocol_version, "
           "max_frame_payload, max_message_size, inbound_budget, outbound_high_watermark, "
           "outbound_low_watermark); omitted ones keep the library's defaults.")
      .def("feed", &Session::feed, py::arg("data"),
           "Parses input; returns the bytes taken (fewer than given when the inbound budget "
           "is full: dispatch, then feed the rest).")
      .def("finish_input", &Session::finish_input)
      .def("next_event", &Session::next_event, "The next Event, or None when there is none.")
      .def("send", &Session::send, py::arg("type"), py::arg("payload"))
      .def("take_output", &Session::take_output, py::arg("limit") = py::none())
      .def("pending_output", &Session::pending_output)
      .def("consume_output", &Session::consume_output, py::arg("n"))
      .def("stats", &Session::stats)
      .def_property_readonly("last_error", &Session::last_error)
      .def_property_readonly("closed", &Session::closed)
      .def_property_readonly("protocol_version", &Session::protocol_version)
      .def("close", &Session::close, "Frees the session; later calls raise InvalidState.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](Session &self, py::args) { self.close(); })
      .def("__repr__", [](const Session &self) {
        return "<tether.Session v" + std::to_string(self.protocol_version()) +
               (self.closed() ? " closed>" : ">");
      });
}

}  // namespace tether_py
