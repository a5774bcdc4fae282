// The runtime's side of an invocation, as far as probing and testing an endpoint
// needs it: whole Start and InputCommand frames.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tether::h2 {

// A Start frame: StartMessage{id, debug_id, known_entries}.
std::string start_frame(std::string_view id, std::string_view debug_id, uint32_t known_entries);

// An InputCommand frame: InputCommandMessage{value{content}}.
std::string input_frame(std::string_view content);

}  // namespace tether::h2
