// Creation shared by the handles that own one Session (Invocation, Middleware): the
// session first, then the owner on the session's allocator.
#pragma once

#include <algorithm>
#include <cstdint>

#include "session/session.h"

namespace tether {

// A T(allocator, session, limit) owning a new Session, limit = min(max_output_size,
// the session's max_message_size). nullptr with *status on failure (nothing leaks).
template <typename T>
T *create_over_session(const tether_session_options *options, uint64_t max_output_size,
                       Status *status) {
  if (max_output_size == 0) {
    *status = TETHER_INVALID_ARGUMENT;
    return nullptr;
  }
  Session *session = Session::create(options, status);
  if (session == nullptr) return nullptr;
  Allocator allocator(session->allocator());
  uint64_t limit = std::min(max_output_size, session->max_message_size());
  T *owner = allocator.make<T>(allocator, session, limit);
  if (owner == nullptr) {
    Session::destroy(session);
    *status = TETHER_NO_MEMORY;
    return nullptr;
  }
  *status = TETHER_OK;
  return owner;
}

}  // namespace tether
