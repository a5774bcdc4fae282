// The invocation content type, "application/vnd.restate.invocation.vN".
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/status.h"

namespace tether {

// TETHER_OK with *version = N when MIN_VERSION <= N <= max_version;
// TETHER_UNSUPPORTED_VERSION for another N; TETHER_INVALID_ARGUMENT otherwise.
Status content_type_version(const char *text, size_t length, uint32_t max_version,
                            uint32_t *version);

}  // namespace tether
