// Borrowed bytes of any buffer-protocol object (bytes, bytearray, memoryview, array...)
// for the length of one call: no copy. The export also pins the object (a bytearray
// cannot be resized while it is held), so the bytes may be read with the GIL released.
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tether_py {

// Calls that move at least this many bytes release the GIL; below it the release
// costs more than it gives.
inline constexpr size_t kReleaseGilBytes = 64 * 1024;

class InputBuffer {
 public:
  // TypeError for objects without the buffer protocol (str, int...), BufferError for
  // non-contiguous views.
  explicit InputBuffer(pybind11::handle object) {
    if (PyObject_GetBuffer(object.ptr(), &view_, PyBUF_SIMPLE) != 0) {
      throw pybind11::error_already_set();
    }
  }
  ~InputBuffer() { PyBuffer_Release(&view_); }
  InputBuffer(const InputBuffer &) = delete;
  InputBuffer &operator=(const InputBuffer &) = delete;

  const uint8_t *data() const { return static_cast<const uint8_t *>(view_.buf); }
  size_t size() const { return static_cast<size_t>(view_.len); }

 private:
  Py_buffer view_{};
};

// A new bytes object holding a copy of data; the copy runs without the GIL when large.
inline pybind11::bytes copy_to_bytes(const uint8_t *data, size_t length) {
  PyObject *out = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(length));
  if (out == nullptr) throw pybind11::error_already_set();
  if (length >= kReleaseGilBytes) {
    pybind11::gil_scoped_release release;
    std::memcpy(PyBytes_AS_STRING(out), data, length);
  } else if (length != 0) {
    std::memcpy(PyBytes_AS_STRING(out), data, length);
  }
  return pybind11::reinterpret_steal<pybind11::bytes>(out);
}

}  // namespace tether_py
