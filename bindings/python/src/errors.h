// Python exceptions generated from tether_status_table() at import time: TetherError,
// one class per status family, one subclass per code. Nothing here retypes a code.
#pragma once

#include <pybind11/pybind11.h>
#include <tether.h>

namespace tether_py {

// Creates the classes and adds them to the module (also `errors_by_code`).
void add_errors(pybind11::module_ &module);

// Raises the class of status with detail as its message (the table's message when
// detail is empty). Throws pybind11::error_already_set.
[[noreturn]] void raise_status(tether_status status, const char *detail);

}  // namespace tether_py
