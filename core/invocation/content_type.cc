#include "invocation/content_type.h"

#include <cstring>

namespace tether {

Status content_type_version(const char *text, size_t length, uint32_t max_version,
                            uint32_t *version) {
  static constexpr char kPrefix[] = "application/vnd.restate.invocation.v";
  constexpr size_t kPrefixLength = sizeof kPrefix - 1;
  if (text == nullptr || length <= kPrefixLength ||
      std::memcmp(text, kPrefix, kPrefixLength) != 0) {
    return TETHER_INVALID_ARGUMENT;
  }
  uint64_t n = 0;
  for (size_t i = kPrefixLength; i < length; ++i) {
    if (text[i] < '0' || text[i] > '9' || n > UINT32_MAX) return TETHER_INVALID_ARGUMENT;
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (n < TETHER_PROTOCOL_MIN_VERSION || n > max_version) return TETHER_UNSUPPORTED_VERSION;
  *version = static_cast<uint32_t>(n);
  return TETHER_OK;
}

}  // namespace tether
