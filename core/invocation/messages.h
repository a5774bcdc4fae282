// The invocation's messages: Start and InputCommand parsed into views of their bytes,
// and OutputCommand / ErrorMessage encoded straight into a ByteBuffer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/byte_buffer.h"
#include "common/status.h"
#include "frame/error_message.h"  // encode_error, for the invocation's ErrorMessages

namespace tether {

// Fills the Start fields of *input (id, debug_id, key, known_entries, retry
// counters, random_seed) with views into payload. TETHER_BAD_MESSAGE with the reason.
Status parse_start(const uint8_t *payload, size_t size, tether_invocation_input *input,
                   ErrorSlot &error);

// Fills value and headers of *input with views into payload; the header array is
// built in headers (sized exactly). TETHER_BAD_MESSAGE with the reason, or NO_MEMORY.
Status parse_input(const uint8_t *payload, size_t size, ByteBuffer &headers,
                   tether_invocation_input *input, ErrorSlot &error);

// Encoded size of OutputCommandMessage{value{content: length bytes}}.
size_t output_value_size(size_t length);
// Encoded size of OutputCommandMessage{failure{code, message}}.
size_t output_failure_size(uint32_t code, size_t message_length);

// The field headers that start OutputCommandMessage{value{content: length bytes}}
// (the value bytes follow them): written to out, at most kOutputValuePrefixMax bytes;
// returns how many.
inline constexpr size_t kOutputValuePrefixMax = 22;  // two one-byte keys, two varints
size_t put_output_value_prefix(uint8_t *out, size_t length);

// Encoders append one message body to out (which the caller has cleared).
Status encode_output_value(ByteBuffer &out, const uint8_t *value, size_t length);
Status encode_output_failure(ByteBuffer &out, uint32_t code, const char *message, size_t length);

// Protocol strings must be UTF-8: a runtime refuses the whole message otherwise.
bool valid_utf8(const char *text, size_t length);

}  // namespace tether
