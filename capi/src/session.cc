// The tether_session handle: a thin shim over tether::Session. The handle is the
// Session itself (tether_session stays an incomplete type), so a call costs no
// extra indirection on the Ping path.
#include "session/session.h"

#include "options.h"

namespace {

tether::Session *core(tether_session *session) {
  return reinterpret_cast<tether::Session *>(session);
}
const tether::Session *core(const tether_session *session) {
  return reinterpret_cast<const tether::Session *>(session);
}

}  // namespace

extern "C" {

namespace {

void session_defaults(tether_session_options *options) {
  if (options != nullptr) tether::session_default_options(options);
}

}  // namespace

void tether_session_options_init_sized(tether_session_options *options, size_t struct_size) {
  tether::capi::init_sized(options, struct_size, session_defaults);
}

// ABI 0's entry point, for programs built before _init_sized: it fills the struct
// as ABI 0 had it, 88 bytes, whatever has been appended since.
static_assert(sizeof(tether_session_options) >= 88);
void(tether_session_options_init)(tether_session_options *options) {
  tether_session_options_init_sized(options, 88);
}

tether_status tether_session_new(const tether_session_options *given, tether_session **out) {
  if (out == nullptr) return TETHER_INVALID_ARGUMENT;
  *out = nullptr;
  tether_session_options options;
  tether::session_default_options(&options);
  if (!tether::capi::read_options(given, options)) return TETHER_INVALID_ARGUMENT;
  tether_status status;
  *out = reinterpret_cast<tether_session *>(tether::Session::create(&options, &status));
  return status;
}

void tether_session_free(tether_session *session) { tether::Session::destroy(core(session)); }

tether_status tether_session_feed(tether_session *session, const uint8_t *data, size_t length,
                                  size_t *consumed) {
  size_t ignored = 0;
  if (consumed == nullptr) consumed = &ignored;
  *consumed = 0;
  if (session == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(session)->feed(data, length, consumed);
}

tether_status tether_session_finish_input(tether_session *session) {
  if (session == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(session)->finish_input();
}

tether_status tether_session_next_event(tether_session *session, tether_event *event) {
  if (session == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(session)->next_event(event);
}

tether_status tether_session_send(tether_session *session, uint16_t type, const uint8_t *payload,
                                  size_t length) {
  if (session == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(session)->send(type, payload, length);
}

tether_status tether_session_pending_output(tether_session *session, const uint8_t **data,
                                            size_t *length) {
  if (session == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(session)->pending_output(data, length);
}

tether_status tether_session_consume_output(tether_session *session, size_t n) {
  if (session == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(session)->consume_output(n);
}

tether_status tether_session_stats_get(const tether_session *session, tether_session_stats *stats) {
  // A newer caller's larger struct gets the fields this library knows.
  if (session == nullptr || stats == nullptr || stats->struct_size < sizeof(size_t)) {
    return TETHER_INVALID_ARGUMENT;
  }
  core(session)->stats(stats);
  return TETHER_OK;
}

const char *tether_session_last_error(const tether_session *session) {
  if (session == nullptr) return "session is NULL";
  return core(session)->error().message();
}

}  // extern "C"
