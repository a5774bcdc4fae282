// tether.Prober: the runtime side of Ping/Pong over the tether_prober C handle.
#pragma once

#include <pybind11/pybind11.h>

namespace tether_py {

void add_prober(pybind11::module_ &module);

}  // namespace tether_py
