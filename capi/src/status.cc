// Version and status functions of the C API.
#include "common/status.h"

extern "C" {

unsigned tether_version(void) { return TETHER_VERSION; }
const char *tether_version_string(void) { return TETHER_VERSION_STRING; }
unsigned tether_abi_version(void) { return TETHER_ABI_VERSION; }

const char *tether_status_str(tether_status status) {
  const tether_status_info *info = tether::status_info(status);
  return info ? info->message : "unknown status";
}

const char *tether_status_name(tether_status status) {
  const tether_status_info *info = tether::status_info(status);
  return info ? info->name : "TETHER_UNKNOWN_STATUS";
}

int tether_status_is_retryable(tether_status status) {
  const tether_status_info *info = tether::status_info(status);
  return info ? info->retryable : 0;
}

int tether_status_is_fatal(tether_status status) {
  const tether_status_info *info = tether::status_info(status);
  return info ? info->fatal : 1;
}

const tether_status_info *tether_status_table(size_t *count) { return tether::status_table(count); }

}  // extern "C"
