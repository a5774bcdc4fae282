// tether_extensions_*: the tether-extensions header, parsed and formatted in one place
// so that no binding or adapter reads it by hand.
#include "extension/extensions.h"

extern "C" {

tether_status tether_extensions_parse(const char *value, size_t length, uint32_t supported,
                                      uint32_t *accepted, const char **problem) {
  const char *ignored = nullptr;
  if (problem == nullptr) problem = &ignored;
  *problem = "";
  if (accepted == nullptr) {
    *problem = "tether_extensions_parse: accepted is NULL";
    return TETHER_INVALID_ARGUMENT;
  }
  return tether::parse_extensions(value, length, supported, accepted, problem);
}

const char *tether_extensions_format(uint32_t set) { return tether::format_extensions(set); }

}  // extern "C"
