// The tether_invocation handle: a thin shim over tether::Invocation.
#include "invocation/invocation.h"

#include <cstring>

#include "invocation/content_type.h"
#include "options.h"

struct tether_invocation {
  explicit tether_invocation(tether::Invocation *core)
      : core(core), allocator(core->allocator()), usage(&allocator) {}
  tether::Invocation *core;
  // A copy: the slot frees its text after core (and core's allocator) is destroyed.
  tether::Allocator allocator;
  tether::ErrorSlot usage;  // misuse of the handle, apart from the invocation's own errors
  bool usage_error = false;
};

namespace {

tether_status usage(tether_invocation *invocation, tether_status status, const char *what) {
  invocation->usage_error = true;
  return invocation->usage.set(status, "%s", what);
}

// Clears the usage error of the previous call; later errors come from the core.
tether::Invocation *begin(tether_invocation *invocation) {
  invocation->usage_error = false;
  return invocation->core;
}

}  // namespace

extern "C" {

namespace {

void invocation_defaults(tether_invocation_options *options) {
  if (options == nullptr) return;
  *options = tether_invocation_options{};
  options->struct_size = sizeof *options;
  options->max_output_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
}

}  // namespace

void tether_invocation_options_init_sized(tether_invocation_options *options, size_t struct_size) {
  tether::capi::init_sized(options, struct_size, invocation_defaults);
}

// ABI 0's entry point, for programs built before _init_sized: it fills the struct
// as ABI 0 had it, 24 bytes, whatever has been appended since.
static_assert(sizeof(tether_invocation_options) >= 24);
void(tether_invocation_options_init)(tether_invocation_options *options) {
  tether_invocation_options_init_sized(options, 24);
}

tether_status tether_invocation_new(const tether_invocation_options *given,
                                    tether_invocation **out) {
  if (out == nullptr) return TETHER_INVALID_ARGUMENT;
  *out = nullptr;
  tether_invocation_options options;
  tether_invocation_options_init(&options);
  if (!tether::capi::read_options(given, options)) return TETHER_INVALID_ARGUMENT;
  tether_session_options session;
  tether_session_options_init(&session);
  if (!tether::capi::read_options(options.session, session)) return TETHER_INVALID_ARGUMENT;
  tether_status status = TETHER_OK;
  tether::Invocation *core = tether::Invocation::create(&session, options.max_output_size, &status);
  if (core == nullptr) return status;
  tether::Allocator allocator(session.allocator);
  *out = allocator.make<tether_invocation>(core);
  if (*out == nullptr) {
    tether::Invocation::destroy(core);
    return TETHER_NO_MEMORY;
  }
  return TETHER_OK;
}

void tether_invocation_free(tether_invocation *invocation) {
  if (invocation == nullptr) return;
  tether::Allocator allocator(invocation->allocator);
  tether::Invocation::destroy(invocation->core);
  allocator.destroy(invocation);
}

tether_status tether_invocation_content_type_version(const char *content_type, size_t length,
                                                     uint32_t max_version, uint32_t *version) {
  if (version == nullptr) return TETHER_INVALID_ARGUMENT;
  if (max_version == 0) max_version = TETHER_PROTOCOL_MAX_VERSION;
  return tether::content_type_version(content_type, length, max_version, version);
}

tether_status tether_invocation_feed(tether_invocation *invocation, const uint8_t *data,
                                     size_t length, size_t *consumed) {
  size_t ignored = 0;
  if (consumed == nullptr) consumed = &ignored;
  *consumed = 0;
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  tether::Invocation *core = begin(invocation);
  if (data == nullptr && length != 0) {
    return usage(invocation, TETHER_INVALID_ARGUMENT, "feed: data is NULL with a length");
  }
  return core->feed(data, length, consumed);
}

tether_status tether_invocation_finish_input(tether_invocation *invocation) {
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  return begin(invocation)->finish_input();
}

tether_status tether_invocation_pending_output(tether_invocation *invocation, const uint8_t **data,
                                               size_t *length) {
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  tether::Invocation *core = begin(invocation);
  if (data == nullptr || length == nullptr) {
    return usage(invocation, TETHER_INVALID_ARGUMENT, "pending_output: data or length is NULL");
  }
  return core->pending_output(data, length);
}

tether_status tether_invocation_consume_output(tether_invocation *invocation, size_t n) {
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  return begin(invocation)->consume_output(n);
}

tether_status tether_invocation_poll(tether_invocation *invocation,
                                     tether_invocation_event *event) {
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  tether::Invocation *core = begin(invocation);
  if (event == nullptr) return usage(invocation, TETHER_INVALID_ARGUMENT, "poll: event is NULL");
  return core->poll(event);
}

tether_status tether_invocation_input_get(const tether_invocation *invocation,
                                          tether_invocation_input *input) {
  if (invocation == nullptr || input == nullptr) return TETHER_INVALID_ARGUMENT;
  // DONE without RUN (a malformed or refused stream) has no input either.
  if (!invocation->core->ran()) return TETHER_INVALID_STATE;
  *input = invocation->core->input();
  return TETHER_OK;
}

tether_status tether_invocation_complete(tether_invocation *invocation, const uint8_t *value,
                                         size_t length) {
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  return begin(invocation)->complete(value, length);
}

tether_status tether_invocation_fail_terminal(tether_invocation *invocation, uint32_t code,
                                              const char *message, size_t length) {
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  return begin(invocation)->fail_terminal(code, message, length);
}

tether_status tether_invocation_fail_retryable(tether_invocation *invocation, uint32_t code,
                                               const char *message, size_t length) {
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  return begin(invocation)->fail_retryable(code, message, length);
}

tether_status tether_invocation_output_begin(tether_invocation *invocation, uint64_t length) {
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  return begin(invocation)->output_begin(length);
}

tether_status tether_invocation_output_write(tether_invocation *invocation, const uint8_t *data,
                                             size_t length, size_t *written) {
  size_t ignored = 0;
  if (written == nullptr) written = &ignored;
  *written = 0;
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  return begin(invocation)->output_write(data, length, written);
}

tether_status tether_invocation_output_finish(tether_invocation *invocation) {
  if (invocation == nullptr) return TETHER_INVALID_ARGUMENT;
  return begin(invocation)->output_finish();
}

tether_invocation_state tether_invocation_state_get(const tether_invocation *invocation) {
  return invocation ? invocation->core->state() : TETHER_INVOCATION_DONE;
}

tether_status tether_invocation_session_stats(const tether_invocation *invocation,
                                              tether_session_stats *stats) {
  if (invocation == nullptr || stats == nullptr) return TETHER_INVALID_ARGUMENT;
  // As tether_session_stats_get: an older struct gets its fields, a newer one ours.
  if (stats->struct_size < sizeof(size_t)) return TETHER_INVALID_ARGUMENT;
  invocation->core->session_stats(stats);
  return TETHER_OK;
}

const char *tether_invocation_last_error(const tether_invocation *invocation) {
  if (invocation == nullptr) return "invocation is NULL";
  if (invocation->usage_error) return invocation->usage.message();
  return invocation->core->error().message();
}

}  // extern "C"
