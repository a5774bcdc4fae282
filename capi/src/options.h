// Reads a caller's options struct that may be older (shorter) than ours: fields
// past its struct_size keep their defaults.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace tether::capi {

template <typename Options>
bool read_options(const Options *given, Options &out) {
  if (given == nullptr) return true;
  if (given->struct_size < sizeof(size_t) || given->struct_size > sizeof(Options)) return false;
  std::memcpy(&out, given, given->struct_size);
  out.struct_size = sizeof(Options);
  return true;
}

// Copies text into a caller's buffer (cut to capacity, NUL-terminated; nothing when
// buffer is NULL or capacity 0); returns the text's full length.
inline size_t copy_text(std::string_view text, char *buffer, size_t capacity) {
  if (buffer != nullptr && capacity > 0) {
    size_t n = std::min(text.size(), capacity - 1);
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
  }
  return text.size();
}

}  // namespace tether::capi
