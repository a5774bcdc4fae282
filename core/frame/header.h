// The 8-byte frame header (one big-endian u64: type 63..48, flags 47..32, length
// 31..0) and the rules a header must satisfy before any of its payload is read.
#pragma once

#include <cstdint>

#include "common/status.h"

namespace tether {

struct FrameHeader {
  uint16_t type = 0;
  uint16_t flags = 0;
  uint32_t length = 0;
};

inline constexpr size_t kFrameHeaderSize = TETHER_FRAME_HEADER_SIZE;
inline constexpr uint16_t kFlagRequestedAck = TETHER_FLAG_REQUESTED_ACK;
inline constexpr uint16_t kFlagContinued = TETHER_FLAG_CONTINUED;

inline void encode_header(const FrameHeader &header, uint8_t *out) {
  uint64_t word = (uint64_t{header.type} << 48) | (uint64_t{header.flags} << 32) | header.length;
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(word);
    word >>= 8;
  }
}

inline FrameHeader decode_header(const uint8_t *in) {
  uint64_t word = 0;
  for (int i = 0; i < 8; ++i) word = (word << 8) | in[i];
  return FrameHeader{static_cast<uint16_t>(word >> 48), static_cast<uint16_t>(word >> 32),
                     static_cast<uint32_t>(word)};
}

enum class TypeClass {
  kControl,       // a known type below 0x0400
  kEphemeral,     // V8: an ephemeral command (0x0200..0x02FF) or notification (0x0300..0x03FF)
  kCommand,       // 0x0400..0x7FFF
  kNotification,  // 0x8000..0xFBFF
  kCustom,        // 0xFC00..0xFFFF
  kUnknown,       // a type below 0x0400 that the version does not know: a protocol error
};

// Judged by the table of protocol `version` (5..8): AwaitingOn and
// ProposeRunCompletionAck are V7's, the ephemeral ranges V8's. Ping and Pong are
// always control types here; whether the stream negotiated them is the session's call.
TypeClass classify_type(uint16_t type, uint32_t version = TETHER_PROTOCOL_MAX_VERSION);
const char *type_name(uint16_t type);  // "Ping", "OutputCommand", "custom", ...

inline bool ephemeral_notification(uint16_t type) { return type >= 0x0300 && type <= 0x03FF; }

// Ping, Pong, Error and End: the control messages allowed between chunks.
inline bool interleavable_control(uint16_t type) {
  return type == TETHER_MSG_PING || type == TETHER_MSG_PONG || type == TETHER_MSG_ERROR ||
         type == TETHER_MSG_END;
}

struct FrameLimits {
  uint32_t max_frame_payload = TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
  bool allow_continued = false;                             // chunked/1 negotiated on this stream
  uint32_t protocol_version = TETHER_PROTOCOL_MAX_VERSION;  // whose type table applies
};

// Checks type, flags and length; on failure records why in `error`.
Status validate_header(const FrameHeader &header, const FrameLimits &limits, ErrorSlot &error);

}  // namespace tether
