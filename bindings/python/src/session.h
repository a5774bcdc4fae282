// tether.Session: one invocation stream, SDK side, over the tether_session C handle.
#pragma once

#include <pybind11/pybind11.h>

namespace tether_py {

void add_session(pybind11::module_ &module);

}  // namespace tether_py
