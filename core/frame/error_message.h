// ErrorMessage {code = 1, message = 2} bodies, written straight into a ByteBuffer. The
// session sends one when its input is malformed; Failure (inside OutputCommand) starts
// with the same two fields, so the invocation's encoder reuses the field writer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/byte_buffer.h"
#include "common/status.h"

namespace tether {

// Encoded size of {code = 1 (varint), message = 2 (string)}.
size_t code_and_message_size(uint32_t code, size_t message_length);
// Writes those two fields at p (code_and_message_size bytes); returns the end.
uint8_t *put_code_and_message(uint8_t *p, uint32_t code, const char *message, size_t length);

// Appends an ErrorMessage body to out (which the caller has cleared).
Status encode_error(ByteBuffer &out, uint32_t code, const char *message, size_t length);

}  // namespace tether
