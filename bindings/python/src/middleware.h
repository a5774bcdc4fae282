// tether.Middleware: a session in front of an upstream SDK's state machine, over the
// tether_middleware C handle.
#pragma once

#include <pybind11/pybind11.h>

namespace tether_py {

void add_middleware(pybind11::module_ &module);

}  // namespace tether_py
