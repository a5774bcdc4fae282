// Session options from a JS object (camelCase keys), shared by Session, Invocation and
// Middleware, which add their own keys after these.
#pragma once

#include <napi.h>
#include <tether.h>

namespace tether_node {

#define TETHER_NODE_SESSION_OPTION_KEYS                                    \
  "protocolVersion", "maxFramePayload", "maxMessageSize", "inboundBudget", \
      "outboundHighWatermark", "outboundLowWatermark", "extensions"

tether_session_options session_options(const Napi::Object &options);

}  // namespace tether_node
