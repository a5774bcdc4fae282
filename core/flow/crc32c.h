// CRC32C (Castagnoli, the iSCSI polynomial), table-driven: the per-record checksum
// of the spill log. Incremental: pass the previous value to continue a checksum.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tether {

uint32_t crc32c(const void *data, size_t length, uint32_t previous = 0);

}  // namespace tether
