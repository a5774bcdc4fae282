#include "middleware.h"

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

class Middleware {
 public:
  explicit Middleware(py::kwargs kwargs) {
    tether_middleware_options options;
    tether_middleware_options_init(&options);
    if (std::optional<uint64_t> limit = pop_uint64(kwargs, "max_output_size", "Middleware")) {
      options.max_output_size = *limit;
    }
    tether_session_options session = session_options(kwargs, "Middleware");
    options.session = &session;
    tether_status status = tether_middleware_new(&options, &handle_);
    if (status != TETHER_OK) {
      raise_status(status, status == TETHER_INVALID_ARGUMENT
                               ? "invalid middleware options (see tether_middleware_options and "
                                 "tether_session_options in tether.h)"
                               : "");
    }
  }
  ~Middleware() { tether_middleware_free(handle_); }
  Middleware(const Middleware &) = delete;
  Middleware &operator=(const Middleware &) = delete;

  size_t feed(py::handle data) {
    InputBuffer input(data);
    CallGuard call(handle_, busy_, "middleware");
    size_t consumed = 0;
    tether_status status;
    if (input.size() >= kReleaseGilBytes) {
      py::gil_scoped_release release;
      status = tether_middleware_feed(handle_, input.data(), input.size(), &consumed);
    } else {
      status = tether_middleware_feed(handle_, input.data(), input.size(), &consumed);
    }
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(status);
    return consumed;
  }

  void finish_input() {
    CallGuard call(handle_, busy_, "middleware");
    check(tether_middleware_finish_input(handle_));
  }

  // The next plain frames for the SDK: b"" when there are none yet, None once input
  // finished and everything was taken. A fatal status raises (a 571 is queued).
  py::object take_sdk_input() {
    CallGuard call(handle_, busy_, "middleware");
    const uint8_t *data = nullptr;
    size_t length = 0;
    tether_status status = tether_middleware_take_sdk_input(handle_, &data, &length);
    if (status == TETHER_CLOSED) return py::none();
    check(status);
    return copy_to_bytes(data, length);
  }

  // (bytes taken, blocked): blocked means output is at the high watermark, write it and
  // call again with the rest (b"" when a frame taken whole still waits for room).
  // MessageTooLarge for the call that replaced an oversize message.
  py::tuple sdk_output(py::handle data) {
    InputBuffer input(data);
    CallGuard call(handle_, busy_, "middleware");
    size_t consumed = 0;
    tether_status status;
    if (input.size() >= kReleaseGilBytes) {
      py::gil_scoped_release release;
      status = tether_middleware_sdk_output(handle_, input.data(), input.size(), &consumed);
    } else {
      status = tether_middleware_sdk_output(handle_, input.data(), input.size(), &consumed);
    }
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(status);
    return py::make_tuple(consumed, status == TETHER_WOULD_BLOCK);
  }

  // True when a frame still waits for room: write output, sdk_output(b""), end again.
  bool sdk_output_end() {
    CallGuard call(handle_, busy_, "middleware");
    tether_status status = tether_middleware_sdk_output_end(handle_);
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(status);
    return status == TETHER_WOULD_BLOCK;
  }

  py::bytes take_output(std::optional<size_t> limit) {
    CallGuard call(handle_, busy_, "middleware");
    return tether_py::take_output(
        [&](const uint8_t **data, size_t *length) {
          return tether_middleware_pending_output(handle_, data, length);
        },
        [&](size_t n) { return tether_middleware_consume_output(handle_, n); },
        [&](tether_status status) { check(status); }, limit);
  }

  // Output waits to be taken: a cheap test before taking the write lock.
  bool has_output() {
    CallGuard call(handle_, busy_, "middleware");
    const uint8_t *data = nullptr;
    size_t length = 0;
    check(tether_middleware_pending_output(handle_, &data, &length));
    return length != 0;
  }

  py::dict stats() {
    CallGuard call(handle_, busy_, "middleware");
    tether_session_stats s{};
    s.struct_size = sizeof s;
    check(tether_middleware_session_stats(handle_, &s));
    return stats_dict(s);
  }

  bool replaced() {
    CallGuard call(handle_, busy_, "middleware");
    return tether_middleware_replaced(handle_) != 0;
  }

  std::string last_error() {
    CallGuard call(handle_, busy_, "middleware");
    return tether_middleware_last_error(handle_);
  }

  void close() {
    if (handle_ == nullptr) return;
    CallGuard call(handle_, busy_, "middleware");
    tether_middleware_free(handle_);
    handle_ = nullptr;
  }

  bool closed() const { return handle_ == nullptr; }

 private:
  void check(tether_status status) {
    if (status != TETHER_OK) fail(status);
  }
  [[noreturn]] void fail(tether_status status) {
    raise_status(status, tether_middleware_last_error(handle_));
  }

  tether_middleware *handle_ = nullptr;
  bool busy_ = false;
};

}  // namespace

void add_middleware(py::module_ &module) {
  py::class_<Middleware>(module, "Middleware",
                         "tether between the HTTP/2 stream and an upstream SDK's state machine: "
                         "feed() request bytes, take_sdk_input() plain frames for the SDK (Pings "
                         "answered here), sdk_output() the SDK's bytes (checked against "
                         "max_output_size), take_output() the response body.")
      .def(py::init<py::kwargs>(), "Keyword options: max_output_size and the Session options.")
      .def("feed", &Middleware::feed, py::arg("data"),
           "Request bytes; returns the bytes taken (fewer: take SDK input, feed the rest).")
      .def("finish_input", &Middleware::finish_input)
      .def("take_sdk_input", &Middleware::take_sdk_input,
           "The dispatch step: answers the Pings read so far and returns the next plain "
           "frames for the SDK (b'' none yet, or a Pong waits for output to be taken: write "
           "it and call again; None once input ended and all was taken). After malformed "
           "input its fatal status raises; an ErrorMessage 571 is queued.")
      .def("sdk_output", &Middleware::sdk_output, py::arg("data"),
           "The SDK's output bytes, split anywhere; returns (taken, blocked): blocked = "
           "output is at the high watermark, write it, then call again with the rest (b'' "
           "when all was taken). MessageTooLarge: that message was replaced by a terminal "
           "Failure 413 + End; later output is taken and dropped. InvalidArgument: the SDK "
           "sent a type the version does not know, a Ping or a Pong; its output stops.")
      .def("sdk_output_end", &Middleware::sdk_output_end,
           "The SDK ended its output; True while a frame waits for room (write output, "
           "sdk_output(b''), then again). Truncated when it stopped inside a frame.")
      .def("take_output", &Middleware::take_output, py::arg("limit") = py::none())
      .def_property_readonly("has_output", &Middleware::has_output,
                             "True while output waits for take_output().")
      .def("stats", &Middleware::stats)
      .def_property_readonly("replaced", &Middleware::replaced,
                             "True once an oversize message was replaced by the 413 Failure.")
      .def_property_readonly("last_error", &Middleware::last_error)
      .def_property_readonly("closed", &Middleware::closed)
      .def("close", &Middleware::close)
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](Middleware &self, py::args) { self.close(); });
}

}  // namespace tether_py
