// Reads a caller's options struct that may be older (shorter) than ours: fields
// past its struct_size keep their defaults.
#pragma once

#include <cstddef>
#include <cstring>

namespace tether::capi {

template <typename Options>
bool read_options(const Options *given, Options &out) {
  if (given == nullptr) return true;
  if (given->struct_size < sizeof(size_t) || given->struct_size > sizeof(Options)) return false;
  std::memcpy(&out, given, given->struct_size);
  out.struct_size = sizeof(Options);
  return true;
}

}  // namespace tether::capi
