#include "extension/extensions.h"

#include <strings.h>

#include <array>
#include <string>

namespace tether {

namespace {

// One row per feature; a later "ping/2" would be a new row (and bit).
struct Feature {
  uint32_t bit;
  const char *token;
};
constexpr Feature kFeatures[] = {{TETHER_EXT_PING, "ping/1"}, {TETHER_EXT_CHUNKED, "chunked/1"}};

// RFC 9110 token characters, which also covers "name/version".
bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
    case '/':
      return true;
    default:
      return false;
  }
}

bool space(char c) { return c == ' ' || c == '\t'; }

uint32_t feature_bit(const char *token, size_t length) {
  for (const Feature &feature : kFeatures) {
    if (std::char_traits<char>::length(feature.token) == length &&
        strncasecmp(feature.token, token, length) == 0) {
      return feature.bit;
    }
  }
  return 0;
}

}  // namespace

tether_status parse_extensions(const char *value, size_t length, uint32_t supported,
                               uint32_t *accepted, const char **problem) {
  *accepted = 0;
  if (value == nullptr && length != 0) {
    *problem = "tether-extensions: value is NULL with a non-zero length";
    return TETHER_INVALID_ARGUMENT;
  }
  if (length > TETHER_EXTENSIONS_MAX_LENGTH) {
    *problem = "tether-extensions: value is longer than 1024 bytes";
    return TETHER_INVALID_ARGUMENT;
  }
  uint32_t named = 0;
  size_t at = 0;
  while (at < length) {
    while (at < length && space(value[at])) ++at;
    size_t start = at;
    while (at < length && token_char(value[at])) ++at;
    size_t end = at;
    while (at < length && space(value[at])) ++at;
    if (at < length && value[at] != ',') {
      *problem = "tether-extensions: a token holds a character outside the HTTP token set";
      return TETHER_INVALID_ARGUMENT;
    }
    // Empty list elements ("a,,b", a trailing comma) are tolerated as RFC 9110 asks.
    named |= feature_bit(value + start, end - start);
    if (at < length) ++at;  // the comma
  }
  *accepted = named & supported;
  return TETHER_OK;
}

const char *format_extensions(uint32_t set) {
  if ((set & ~TETHER_EXT_ALL) != 0) return nullptr;
  // Every subset's text, built once from the feature table (thread-safe static init).
  static const std::array<std::string, TETHER_EXT_ALL + 1> names = [] {
    std::array<std::string, TETHER_EXT_ALL + 1> all;
    for (uint32_t subset = 0; subset <= TETHER_EXT_ALL; ++subset) {
      for (const Feature &feature : kFeatures) {
        if ((subset & feature.bit) == 0) continue;
        if (!all[subset].empty()) all[subset] += ", ";
        all[subset] += feature.token;
      }
    }
    return all;
  }();
  return names[set].c_str();
}

}  // namespace tether
