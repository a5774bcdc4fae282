#include "extensions.h"

#include <tether.h>

#include <string>

#include "buffer.h"
#include "errors.h"

namespace py = pybind11;

namespace tether_py {
namespace {

// The accepted set of a tether-extensions header value (str or bytes; None or "" when
// the request had none). InvalidArgument names what is malformed (answer 400).
uint32_t extensions_parse(py::object value, uint32_t supported) {
  if (value.is_none()) value = py::bytes();
  if (py::isinstance<py::str>(value)) value = value.attr("encode")("latin-1");
  InputBuffer input(value);
  uint32_t accepted = 0;
  const char *problem = nullptr;
  tether_status status = tether_extensions_parse(reinterpret_cast<const char *>(input.data()),
                                                 input.size(), supported, &accepted, &problem);
  if (status != TETHER_OK) {
    // The problem names the header; without one, say which header it was.
    std::string detail =
        problem != nullptr && *problem != '\0'
            ? std::string(problem)
            : std::string(TETHER_EXTENSIONS_HEADER) + ": " + tether_status_str(status);
    raise_status(status, detail.c_str());
  }
  return accepted;
}

std::string extensions_format(uint32_t set) {
  const char *value = tether_extensions_format(set);
  if (value == nullptr) {
    raise_status(TETHER_INVALID_ARGUMENT,
                 ("extension set " + std::to_string(set) + " has bits that are not EXT_*").c_str());
  }
  return value;
}

}  // namespace

void add_extensions(py::module_ &module) {
  module.attr("EXTENSIONS_HEADER") = TETHER_EXTENSIONS_HEADER;
  module.attr("EXTENSIONS_MAX_LENGTH") = TETHER_EXTENSIONS_MAX_LENGTH;
  module.attr("EXT_PING") = TETHER_EXT_PING;
  module.attr("EXT_CHUNKED") = TETHER_EXT_CHUNKED;
  module.attr("EXT_ALL") = TETHER_EXT_ALL;
  module.def("extensions_parse", &extensions_parse, py::arg("value"),
             py::arg("supported") = TETHER_EXT_ALL,
             "The EXT_* set a tether-extensions header value names, & supported (unknown "
             "tokens ignored). InvalidArgument for a malformed or oversize value.");
  module.def("extensions_format", &extensions_format, py::arg("extensions"),
             "The tether-extensions header value for an EXT_* set ('' for 0).");
}

}  // namespace tether_py
