// libFuzzer target: arbitrary tether-extensions header values. The parser must never
// crash or read past the value, accept only supported features, refuse exactly the
// values that are over-long or hold a non-token character, and every set it accepts
// must format to text that parses back to the same set.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tether.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  uint32_t supported = data[0] & TETHER_EXT_ALL;
  const char *value = reinterpret_cast<const char *>(data + 1);
  size_t length = size - 1;
  uint32_t accepted = 0;
  const char *problem = nullptr;
  tether_status status = tether_extensions_parse(value, length, supported, &accepted, &problem);
  if (status != TETHER_OK) {
    if (status != TETHER_INVALID_ARGUMENT || accepted != 0 || problem == nullptr ||
        std::strlen(problem) == 0) {
      std::abort();
    }
    return 0;
  }
  if ((accepted & ~supported) != 0 || length > TETHER_EXTENSIONS_MAX_LENGTH) std::abort();
  const char *text = tether_extensions_format(accepted);
  if (text == nullptr) std::abort();
  uint32_t again = 0;
  if (tether_extensions_parse(text, std::strlen(text), TETHER_EXT_ALL, &again, nullptr) !=
          TETHER_OK ||
      again != accepted) {
    std::abort();
  }
  return 0;
}
