// tether.Decoder: the streaming frame decoder (tether_decoder), for transports and
// tests that read frames without a session (e.g. a client reading an endpoint's output).
#pragma once

#include <pybind11/pybind11.h>

namespace tether_py {

void add_decoder(pybind11::module_ &module);

}  // namespace tether_py
