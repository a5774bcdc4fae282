// The tether-extensions header (PROTOCOL.md section 2): which features of the tether
// extension a side offers or accepts on one stream, as a comma-separated token list.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tether.h"

namespace tether {

// Parses an offer: *accepted receives the known tokens named in it that are also in
// `supported`. Returns TETHER_INVALID_ARGUMENT with *problem (static text) for an
// over-long value or a malformed token; unknown well-formed tokens are ignored.
tether_status parse_extensions(const char *value, size_t length, uint32_t supported,
                               uint32_t *accepted, const char **problem);

// The header value that names `set` ("" for none), static storage; nullptr when set
// has bits that are no TETHER_EXT_* feature.
const char *format_extensions(uint32_t set);

}  // namespace tether
