#include "decoder.h"

#include <pybind11/stl.h>
#include <tether.h>

#include <optional>
#include <string>

#include "buffer.h"
#include "call_guard.h"
#include "errors.h"

namespace py = pybind11;

namespace tether_py {
namespace {

class Decoder {
 public:
  Decoder(std::optional<uint32_t> max_frame_payload, std::optional<size_t> max_buffered,
          bool allow_continued) {
    tether_decoder_options options;
    tether_decoder_options_init(&options);
    if (max_frame_payload) options.max_frame_payload = *max_frame_payload;
    if (max_buffered) options.max_buffered = *max_buffered;
    options.allow_continued = allow_continued ? 1 : 0;
    tether_status status = tether_decoder_new(&options, &handle_);
    if (status != TETHER_OK) {
      raise_status(status, status == TETHER_INVALID_ARGUMENT
                               ? "invalid decoder options (see tether_decoder_options in tether.h)"
                               : "");
    }
  }
  ~Decoder() { tether_decoder_free(handle_); }
  Decoder(const Decoder &) = delete;
  Decoder &operator=(const Decoder &) = delete;

  size_t feed(py::handle data) {
    InputBuffer input(data);
    CallGuard call(handle_, busy_, "decoder");
    size_t consumed = 0;
    tether_status status;
    if (input.size() >= kReleaseGilBytes) {
      py::gil_scoped_release release;
      status = tether_decoder_feed(handle_, input.data(), input.size(), &consumed);
    } else {
      status = tether_decoder_feed(handle_, input.data(), input.size(), &consumed);
    }
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) fail(status);
    return consumed;
  }

  // The next frame as (type, flags, payload), or None.
  py::object next() {
    CallGuard call(handle_, busy_, "decoder");
    tether_frame frame;
    tether_status status = tether_decoder_next(handle_, &frame);
    if (status == TETHER_EMPTY) return py::none();
    if (status != TETHER_OK) fail(status);
    return py::make_tuple(frame.type, frame.flags, copy_to_bytes(frame.payload, frame.length));
  }

  void finish() {
    CallGuard call(handle_, busy_, "decoder");
    tether_status status = tether_decoder_finish(handle_);
    if (status != TETHER_OK) fail(status);
  }

  std::string last_error() {
    CallGuard call(handle_, busy_, "decoder");
    return tether_decoder_last_error(handle_);
  }

  void close() {
    if (handle_ == nullptr) return;
    CallGuard call(handle_, busy_, "decoder");
    tether_decoder_free(handle_);
    handle_ = nullptr;
  }

  bool closed() const { return handle_ == nullptr; }

 private:
  [[noreturn]] void fail(tether_status status) {
    raise_status(status, tether_decoder_last_error(handle_));
  }

  tether_decoder *handle_ = nullptr;
  bool busy_ = false;
};

}  // namespace

void add_decoder(py::module_ &module) {
  py::class_<Decoder>(module, "Decoder",
                      "Streaming frame decoder: bytes may arrive split anywhere; each header is "
                      "checked against the limits before its payload is buffered.")
      .def(py::init<std::optional<uint32_t>, std::optional<size_t>, bool>(), py::kw_only(),
           py::arg("max_frame_payload") = py::none(), py::arg("max_buffered") = py::none(),
           py::arg("allow_continued") = false)
      .def("feed", &Decoder::feed, py::arg("data"),
           "Parses input; returns the bytes taken (fewer when the buffer is full).")
      .def("next", &Decoder::next, "The next frame as (type, flags, payload), or None.")
      .def("finish", &Decoder::finish, "Declares the end of input; Truncated inside a frame.")
      .def_property_readonly("last_error", &Decoder::last_error)
      .def_property_readonly("closed", &Decoder::closed)
      .def("close", &Decoder::close)
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](Decoder &self, py::args) { self.close(); });
}

}  // namespace tether_py
