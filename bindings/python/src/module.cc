// tether._tether: the Python binding over libtether's C API (tether.h).
#include <pybind11/pybind11.h>
#include <tether.h>

#include "batcher.h"
#include "decoder.h"
#include "errors.h"
#include "event.h"
#include "extensions.h"
#include "invocation.h"
#include "middleware.h"
#include "prober.h"
#include "session.h"

namespace py = pybind11;

namespace {

void add_constants(py::module_ &m) {
  m.attr("VERSION") = tether_version_string();
  m.attr("ABI_VERSION") = tether_abi_version();
  m.attr("PROTOCOL_MIN_VERSION") = TETHER_PROTOCOL_MIN_VERSION;
  m.attr("PROTOCOL_MAX_VERSION") = TETHER_PROTOCOL_MAX_VERSION;
  m.attr("DEFAULT_MAX_FRAME_PAYLOAD") = TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
  m.attr("DEFAULT_MAX_MESSAGE_SIZE") = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
  m.attr("FRAME_HEADER_SIZE") = TETHER_FRAME_HEADER_SIZE;
  m.attr("FLAG_REQUESTED_ACK") = TETHER_FLAG_REQUESTED_ACK;
  m.attr("FLAG_CONTINUED") = TETHER_FLAG_CONTINUED;
  m.attr("MSG_START") = TETHER_MSG_START;
  m.attr("MSG_SUSPENSION") = TETHER_MSG_SUSPENSION;
  m.attr("MSG_ERROR") = TETHER_MSG_ERROR;
  m.attr("MSG_END") = TETHER_MSG_END;
  m.attr("MSG_COMMAND_ACK") = TETHER_MSG_COMMAND_ACK;
  m.attr("MSG_PROPOSE_RUN_COMPLETION") = TETHER_MSG_PROPOSE_RUN_COMPLETION;
  m.attr("MSG_AWAITING_ON") = TETHER_MSG_AWAITING_ON;
  m.attr("MSG_PROPOSE_RUN_COMPLETION_ACK") = TETHER_MSG_PROPOSE_RUN_COMPLETION_ACK;
  m.attr("MSG_PING") = TETHER_MSG_PING;
  m.attr("MSG_PONG") = TETHER_MSG_PONG;
  m.attr("MSG_INPUT_COMMAND") = TETHER_MSG_INPUT_COMMAND;
  m.attr("MSG_OUTPUT_COMMAND") = TETHER_MSG_OUTPUT_COMMAND;
}

py::list status_table() {
  size_t count = 0;
  const tether_status_info *table = tether_status_table(&count);
  py::list rows;
  for (size_t i = 0; i < count; ++i) {
    const tether_status_info &r = table[i];
    rows.append(py::make_tuple(static_cast<int>(r.code), r.name, r.message,
                               static_cast<int>(r.family), r.retryable != 0, r.fatal != 0));
  }
  return rows;
}

}  // namespace

PYBIND11_MODULE(_tether, m) {
  m.doc() = "libtether over its C API; import it as `tether`.";
  if (tether_abi_version() != TETHER_ABI_VERSION) {
    throw std::runtime_error("libtether ABI version differs from the one tether was built with");
  }
  add_constants(m);
  tether_py::add_errors(m);
  tether_py::add_event_types(m);
  tether_py::add_session(m);
  tether_py::add_decoder(m);
  tether_py::add_prober(m);
  tether_py::add_invocation(m);
  tether_py::add_batcher(m);
  tether_py::add_extensions(m);
  tether_py::add_middleware(m);
  m.def("status_table", &status_table,
        "The C status table: (code, name, message, family, retryable, fatal) per row.");
  m.def(
      "encode_frame_header",
      [](uint16_t type, uint16_t flags, uint32_t length) {
        uint8_t out[TETHER_FRAME_HEADER_SIZE];
        tether_frame_header_encode(type, flags, length, out);
        return py::bytes(reinterpret_cast<const char *>(out), sizeof out);
      },
      py::arg("type"), py::arg("flags"), py::arg("length"));
}
