#include "errors.h"

#include <cctype>
#include <string>
#include <vector>

namespace py = pybind11;

namespace tether_py {
namespace {

// Index = status code; references owned for the life of the process (classes live as
// long as the module, which is never unloaded).
std::vector<PyObject *> by_code;
PyObject *base_error = nullptr;

struct Family {
  tether_status_family family;
  const char *name;
  const char *doc;
};

// The family enum of tether.h, named for Python.
constexpr Family kFamilies[] = {
    {TETHER_FAMILY_BACKPRESSURE, "BackpressureError", "A budget or queue is full, or not ready."},
    {TETHER_FAMILY_LIMIT, "LimitError", "A size limit was hit."},
    {TETHER_FAMILY_PROTOCOL, "ProtocolError", "The peer broke the protocol."},
    {TETHER_FAMILY_USAGE, "UsageError", "The caller misused the API."},
    {TETHER_FAMILY_RESOURCE, "ResourceError", "Memory, I/O or an internal failure."},
};

// "TETHER_MESSAGE_TOO_LARGE" -> "MessageTooLarge"; a one-word name of two letters is an
// acronym and stays upper case ("TETHER_IO" -> "IO").
std::string class_name(const char *status_name) {
  std::string words = status_name;
  const std::string prefix = "TETHER_";
  if (words.rfind(prefix, 0) == 0) words.erase(0, prefix.size());
  if (words.size() <= 2) return words;
  std::string out;
  bool start = true;
  for (char c : words) {
    if (c == '_') {
      start = true;
      continue;
    }
    out += start ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    start = false;
  }
  return out;
}

PyObject *new_class(py::module_ &module, const std::string &name, PyObject *base, py::dict attrs,
                    const char *doc) {
  std::string qualified = "tether." + name;
  PyObject *cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, attrs.ptr());
  if (cls == nullptr) throw py::error_already_set();
  module.add_object(name.c_str(), py::reinterpret_borrow<py::object>(cls));
  return cls;  // the new reference is kept in by_code / the family list
}

}  // namespace

void add_errors(py::module_ &module) {
  base_error = new_class(module, "TetherError", PyExc_Exception, py::dict(),
                         "Base of every tether error; .code, .status_name, .retryable, .fatal "
                         "describe the status.");
  PyObject *families[std::size(kFamilies) + 1] = {};
  for (const Family &f : kFamilies) {
    py::dict attrs;
    attrs["family"] = static_cast<int>(f.family);
    families[f.family] = new_class(module, f.name, base_error, attrs, f.doc);
  }

  size_t count = 0;
  const tether_status_info *table = tether_status_table(&count);
  by_code.assign(count, nullptr);
  py::dict errors_by_code;
  for (size_t i = 0; i < count; ++i) {
    const tether_status_info &row = table[i];
    if (row.code == TETHER_OK) continue;
    size_t family = static_cast<size_t>(row.family);
    PyObject *base =
        family < std::size(families) && families[family] ? families[family] : base_error;
    py::dict attrs;
    attrs["code"] = static_cast<int>(row.code);
    attrs["status_name"] = row.name;
    attrs["retryable"] = row.retryable != 0;
    attrs["fatal"] = row.fatal != 0;
    PyObject *cls = new_class(module, class_name(row.name), base, attrs, row.message);
    by_code[static_cast<size_t>(row.code)] = cls;
    errors_by_code[py::int_(static_cast<int>(row.code))] = py::handle(cls);
  }
  module.attr("errors_by_code") = errors_by_code;
}

void raise_status(tether_status status, const char *detail) {
  auto code = static_cast<size_t>(status);
  PyObject *cls = code < by_code.size() && by_code[code] ? by_code[code] : base_error;
  const char *message = detail != nullptr && detail[0] != '\0' ? detail : tether_status_str(status);
  PyErr_SetString(cls, message);
  throw py::error_already_set();
}

}  // namespace tether_py
