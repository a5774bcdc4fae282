// The tether-extensions negotiation helpers (tether_extensions_parse/format) and the
// EXT_* constants: what an SDK-side adapter reads from the request and names in its 200.
#pragma once

#include <pybind11/pybind11.h>

namespace tether_py {

void add_extensions(pybind11::module_ &module);

}  // namespace tether_py
