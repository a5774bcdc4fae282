// Reads a caller's options struct that may be older (shorter) than ours: fields
// past its struct_size keep their defaults.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace tether::capi {

// Fills a caller's struct of struct_size bytes (its sizeof) with the defaults: a
// program built against an older, shorter tether.h gets the fields it knows and
// nothing is written past them. A longer struct (a newer header) gets ours and zeros;
// read_options then refuses it, since this library cannot honour fields it lacks.
template <typename Options>
void init_sized(Options *options, size_t struct_size, void (*defaults)(Options *)) {
  if (options == nullptr || struct_size < sizeof(size_t)) return;
  Options full;
  defaults(&full);
  std::memset(static_cast<void *>(options), 0, struct_size);
  std::memcpy(static_cast<void *>(options), &full, std::min(struct_size, sizeof full));
  options->struct_size = struct_size;
}

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
