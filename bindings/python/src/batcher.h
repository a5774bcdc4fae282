// tether.Batcher and tether.SqliteSink: the batcher over the tether_batcher C handle,
// with a Python callable or the SQLite sink as its sink.
#pragma once

#include <pybind11/pybind11.h>

namespace tether_py {

void add_batcher(pybind11::module_ &module);

}  // namespace tether_py
