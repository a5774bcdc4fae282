// The side-by-side table: app Ping RTT and HTTP/2 PING RTT per phase.
#pragma once

#include <cstdio>
#include <vector>

#include "probe_run.h"

namespace tether::probe {

void print_table(std::FILE *out, const Phases &phases);

}  // namespace tether::probe
