// tether.Invocation: the smallest handler lifecycle (Start + Input -> Output + End,
// terminal Failure, retryable Error) over the tether_invocation C handle.
#pragma once

#include <pybind11/pybind11.h>

namespace tether_py {

void add_invocation(pybind11::module_ &module);

}  // namespace tether_py
