// One invocation stream, SDK side (see tether.h, "Session"). The C API is a thin shim
// over this class; core modules above it (h2, invocation) use it directly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/allocator.h"
#include "common/status.h"

namespace tether {

class Session {
 public:
  // Validates options (nullptr: defaults). On failure returns nullptr and sets *status.
  static Session *create(const tether_session_options *options, Status *status);
  static void destroy(Session *session);

  Status feed(const uint8_t *data, size_t length, size_t *consumed);
  Status finish_input();
  Status next_event(tether_event *event);
  Status send(uint16_t type, const uint8_t *payload, size_t length);
  Status pending_output(const uint8_t **data, size_t *length);
  Status consume_output(size_t n);
  void stats(tether_session_stats *out) const;
  const ErrorSlot &error() const;
  const tether_session_options &options() const;

 private:
  // Implementation: core/session/session.cc (members added there with the design).
};

}  // namespace tether
