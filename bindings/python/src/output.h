// take_output() of Session and Invocation: the pending output segments, consumed and
// joined into one bytes object (one copy: the C buffers die with the next call).
#pragma once

#include <pybind11/pybind11.h>
#include <tether.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>

#include "buffer.h"

namespace tether_py {

// pending(&data, &length) and consume(n) are the handle's calls; check(status) raises.
template <typename Pending, typename Consume, typename Check>
pybind11::bytes take_output(Pending pending, Consume consume, Check check,
                            std::optional<size_t> limit) {
  size_t max = limit.value_or(SIZE_MAX);
  pybind11::object out;
  size_t taken = 0;
  while (taken < max) {
    const uint8_t *data = nullptr;
    size_t length = 0;
    check(pending(&data, &length));
    if (length == 0) break;
    length = std::min(length, max - taken);
    if (!out) {
      out = copy_to_bytes(data, length);
    } else {
      // Several segments: grow the one bytes object (nothing else refers to it yet).
      PyObject *raw = out.release().ptr();
      if (_PyBytes_Resize(&raw, static_cast<Py_ssize_t>(taken + length)) != 0) {
        throw pybind11::error_already_set();
      }
      out = pybind11::reinterpret_steal<pybind11::object>(raw);
      std::memcpy(PyBytes_AS_STRING(raw) + taken, data, length);
    }
    check(consume(length));
    taken += length;
  }
  if (!out) return pybind11::bytes();
  return pybind11::reinterpret_steal<pybind11::bytes>(out.release());
}

}  // namespace tether_py
