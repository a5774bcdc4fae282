// Session options and counters shared by Session and Invocation.
#pragma once

#include <pybind11/pybind11.h>
#include <tether.h>

#include <cstdint>
#include <optional>

namespace tether_py {

// tether_session_options from keywords (defaults from tether_session_options_init).
tether_session_options session_options(const pybind11::kwargs &kwargs, const char *what);

// Removes keyword `name` from kwargs and returns it as an unsigned 64-bit int (TypeError
// naming `what` otherwise); nullopt when it was not given.
std::optional<uint64_t> pop_uint64(pybind11::kwargs &kwargs, const char *name, const char *what);

pybind11::dict stats_dict(const tether_session_stats &stats);

}  // namespace tether_py
