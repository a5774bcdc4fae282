// The tether_middleware handle: a thin shim over tether::Middleware (the handle is
// the object itself, as for sessions).
#include "middleware/middleware.h"

#include "options.h"

namespace {

tether::Middleware *core(tether_middleware *m) { return reinterpret_cast<tether::Middleware *>(m); }
const tether::Middleware *core(const tether_middleware *m) {
  return reinterpret_cast<const tether::Middleware *>(m);
}

}  // namespace

extern "C" {

namespace {

void middleware_defaults(tether_middleware_options *options) {
  if (options == nullptr) return;
  *options = tether_middleware_options{};
  options->struct_size = sizeof *options;
  options->max_output_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
}

}  // namespace

void tether_middleware_options_init_sized(tether_middleware_options *options, size_t struct_size) {
  tether::capi::init_sized(options, struct_size, middleware_defaults);
}

// ABI 0's entry point, for programs built before _init_sized: it fills the struct
// as ABI 0 had it, 24 bytes, whatever has been appended since.
static_assert(sizeof(tether_middleware_options) >= 24);
void(tether_middleware_options_init)(tether_middleware_options *options) {
  tether_middleware_options_init_sized(options, 24);
}

tether_status tether_middleware_new(const tether_middleware_options *given,
                                    tether_middleware **out) {
  if (out == nullptr) return TETHER_INVALID_ARGUMENT;
  *out = nullptr;
  tether_middleware_options options;
  tether_middleware_options_init(&options);
  if (!tether::capi::read_options(given, options)) return TETHER_INVALID_ARGUMENT;
  tether_session_options session;
  tether_session_options_init(&session);
  if (!tether::capi::read_options(options.session, session)) return TETHER_INVALID_ARGUMENT;
  tether_status status;
  *out = reinterpret_cast<tether_middleware *>(
      tether::Middleware::create(&session, options.max_output_size, &status));
  return status;
}

void tether_middleware_free(tether_middleware *m) { tether::Middleware::destroy(core(m)); }

tether_status tether_middleware_feed(tether_middleware *m, const uint8_t *data, size_t length,
                                     size_t *consumed) {
  size_t ignored = 0;
  if (consumed == nullptr) consumed = &ignored;
  *consumed = 0;
  if (m == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(m)->feed(data, length, consumed);
}

tether_status tether_middleware_finish_input(tether_middleware *m) {
  if (m == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(m)->finish_input();
}

tether_status tether_middleware_take_sdk_input(tether_middleware *m, const uint8_t **data,
                                               size_t *length) {
  if (m == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(m)->take_sdk_input(data, length);
}

tether_status tether_middleware_sdk_output(tether_middleware *m, const uint8_t *data, size_t length,
                                           size_t *consumed) {
  if (m == nullptr) {
    if (consumed != nullptr) *consumed = 0;
    return TETHER_INVALID_ARGUMENT;
  }
  return core(m)->sdk_output(data, length, consumed);
}

tether_status tether_middleware_sdk_output_end(tether_middleware *m) {
  if (m == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(m)->sdk_output_end();
}

tether_status tether_middleware_pending_output(tether_middleware *m, const uint8_t **data,
                                               size_t *length) {
  if (m == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(m)->pending_output(data, length);
}

tether_status tether_middleware_consume_output(tether_middleware *m, size_t n) {
  if (m == nullptr) return TETHER_INVALID_ARGUMENT;
  return core(m)->consume_output(n);
}

tether_status tether_middleware_session_stats(const tether_middleware *m,
                                              tether_session_stats *stats) {
  // A newer caller's larger struct gets the fields this library knows.
  if (m == nullptr || stats == nullptr || stats->struct_size < sizeof(size_t)) {
    return TETHER_INVALID_ARGUMENT;
  }
  core(m)->session_stats(stats);
  return TETHER_OK;
}

int tether_middleware_replaced(const tether_middleware *m) {
  return m != nullptr && core(m)->replaced() ? 1 : 0;
}

const char *tether_middleware_last_error(const tether_middleware *m) {
  if (m == nullptr) return "middleware is NULL";
  return core(m)->error().message();
}

}  // extern "C"
