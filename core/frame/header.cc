#include "frame/header.h"

namespace tether {

TypeClass classify_type(uint16_t type, uint32_t version) {
  if (type >= 0xFC00) return TypeClass::kCustom;
  if (type >= 0x8000) return TypeClass::kNotification;
  if (type >= 0x0400) return TypeClass::kCommand;
  if (type >= 0x0200) return version >= 8 ? TypeClass::kEphemeral : TypeClass::kUnknown;
  if (type == TETHER_MSG_AWAITING_ON || type == TETHER_MSG_PROPOSE_RUN_COMPLETION_ACK) {
    return version >= 7 ? TypeClass::kControl : TypeClass::kUnknown;
  }
  return type <= TETHER_MSG_PONG ? TypeClass::kControl : TypeClass::kUnknown;
}

const char *type_name(uint16_t type) {
  static constexpr const char *kControl[] = {"Start",      "Suspension",
                                             "Error",      "End",
                                             "CommandAck", "ProposeRunCompletion",
                                             "AwaitingOn", "ProposeRunCompletionAck",
                                             "Ping",       "Pong"};
  switch (classify_type(type)) {
    case TypeClass::kControl:
      return kControl[type];
    case TypeClass::kEphemeral:
      return ephemeral_notification(type) ? "ephemeral notification" : "ephemeral command";
    case TypeClass::kCommand:
      if (type == TETHER_MSG_INPUT_COMMAND) return "InputCommand";
      if (type == TETHER_MSG_OUTPUT_COMMAND) return "OutputCommand";
      return "command";
    case TypeClass::kNotification:
      return "notification";
    case TypeClass::kCustom:
      return "custom";
    case TypeClass::kUnknown:
      break;
  }
  return "unknown";
}

Status validate_header(const FrameHeader &header, const FrameLimits &limits, ErrorSlot &error) {
  TypeClass type_class = classify_type(header.type, limits.protocol_version);
  if (type_class == TypeClass::kUnknown) {
    return error.set(TETHER_UNKNOWN_TYPE, "unknown control message type 0x%04x on protocol V%u",
                     header.type, limits.protocol_version);
  }
  if (header.length > limits.max_frame_payload) {
    return error.set(TETHER_FRAME_TOO_LARGE,
                     "frame of type 0x%04x announces %u payload bytes, over max_frame_payload %u",
                     header.type, header.length, limits.max_frame_payload);
  }
  uint16_t allowed = 0;
  if (type_class == TypeClass::kCommand || type_class == TypeClass::kCustom) {
    allowed |= kFlagRequestedAck;
  }
  if (limits.allow_continued && !interleavable_control(header.type)) allowed |= kFlagContinued;
  uint16_t extra = header.flags & static_cast<uint16_t>(~allowed);
  if (extra != 0) {
    const char *why =
        (extra & kFlagContinued) && !limits.allow_continued
            ? " (CONTINUED needs the chunked/1 extension, not negotiated on this stream)"
            : "";
    return error.set(TETHER_BAD_FLAGS, "flags 0x%04x not allowed on %s (type 0x%04x)%s", extra,
                     type_name(header.type), header.type, why);
  }
  return TETHER_OK;
}

}  // namespace tether
