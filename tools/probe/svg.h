// A hand-written SVG chart of both RTT series over time (log scale) with the phases
// shaded: the picture of app Pongs waiting for a blocked dispatch loop while HTTP/2
// PINGs keep returning.
#pragma once

#include <string>
#include <vector>

#include "probe_run.h"

namespace tether::probe {

// False with the reason in *error when the file cannot be written.
bool write_svg(const std::string &path, const Phases &phases, const std::vector<Sample> &samples,
               const std::string &title, std::string *error);

}  // namespace tether::probe
