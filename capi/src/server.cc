// The tether_endpoint handle: a thin shim over tether::h2::Server, and the C handler
// trampoline that hands a tether_reply (a tether::h2::Reply) to C callbacks.
#include <algorithm>
#include <cstring>
#include <list>
#include <memory>
#include <new>
#include <string>
#include <system_error>

#include "h2/server.h"
#include "options.h"

namespace {

struct CHandler {
  tether_handler_fn fn;
  void *user_data;
};

void trampoline(const tether_invocation_input &input, tether::h2::Reply &reply, void *user_data) {
  const CHandler &h = *static_cast<const CHandler *>(user_data);
  h.fn(&input, reinterpret_cast<tether_reply *>(&reply), h.user_data);
}

tether::h2::Reply *reply_of(tether_reply *reply) {
  return reinterpret_cast<tether::h2::Reply *>(reply);
}

}  // namespace

struct tether_endpoint {
  tether::h2::ServerOptions options;
  tether::h2::Registry registry;
  std::list<CHandler> handlers;  // stable addresses: the registry points at them
  std::unique_ptr<tether::h2::Server> server;
  tether::ErrorSlot error;
};

extern "C" {

tether_status tether_reply_value(tether_reply *reply, const uint8_t *value, size_t length) {
  if (reply == nullptr || (value == nullptr && length != 0)) return TETHER_INVALID_ARGUMENT;
  try {
    return reply_of(reply)->value(value, length);
  } catch (const std::bad_alloc &) {
    return TETHER_NO_MEMORY;
  }
}

tether_status tether_reply_failure(tether_reply *reply, uint32_t code, const char *message,
                                   size_t length) {
  if (reply == nullptr || (message == nullptr && length != 0)) return TETHER_INVALID_ARGUMENT;
  try {
    return reply_of(reply)->failure(code, std::string_view(message ? message : "", length));
  } catch (const std::bad_alloc &) {
    return TETHER_NO_MEMORY;
  }
}

tether_status tether_reply_error(tether_reply *reply, uint32_t code, const char *message,
                                 size_t length) {
  if (reply == nullptr || (message == nullptr && length != 0)) return TETHER_INVALID_ARGUMENT;
  try {
    return reply_of(reply)->error(code, std::string_view(message ? message : "", length));
  } catch (const std::bad_alloc &) {
    return TETHER_NO_MEMORY;
  }
}

tether_status tether_reply_stream(tether_reply *reply, uint64_t length,
                                  tether_reply_produce_fn produce, tether_reply_release_fn release,
                                  void *state) {
  if (reply == nullptr || produce == nullptr) return TETHER_INVALID_ARGUMENT;
  try {
    return reply_of(reply)->stream(tether::h2::Reply::Producer{produce, release, state, length});
  } catch (const std::bad_alloc &) {
    return TETHER_NO_MEMORY;
  }
}

int tether_reply_cancelled(const tether_reply *reply) {
  return reply != nullptr && reinterpret_cast<const tether::h2::Reply *>(reply)->cancelled();
}

const char *tether_reply_last_error(const tether_reply *reply) {
  if (reply == nullptr) return "reply is NULL";
  return reinterpret_cast<const tether::h2::Reply *>(reply)->last_error();
}

namespace {

void endpoint_defaults(tether_endpoint_options *options) {
  if (options == nullptr) return;
  *options = tether_endpoint_options{};
  options->struct_size = sizeof *options;
  options->host = "127.0.0.1";
  options->dispatch_threads = 1;
  options->max_protocol_version = TETHER_PROTOCOL_MAX_VERSION;
  options->max_output_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
  options->extensions = TETHER_EXT_ALL;
  tether::h2::ServerOptions core;
  options->preface_timeout_ms = core.preface_timeout_ms;
  options->idle_timeout_ms = core.idle_timeout_ms;
  options->max_header_block = core.max_header_block;
  options->max_connections = core.max_connections;
  options->max_streams_per_connection = core.max_streams;
  options->max_held_per_connection = core.connection_window;
}

}  // namespace

void tether_endpoint_options_init_sized(tether_endpoint_options *options, size_t struct_size) {
  tether::capi::init_sized(options, struct_size, endpoint_defaults);
}

// ABI 0's entry point, for programs built before _init_sized: it fills the struct
// as ABI 0 had it, 56 bytes (the limits were appended since).
static_assert(sizeof(tether_endpoint_options) >= 56);
void(tether_endpoint_options_init)(tether_endpoint_options *options) {
  tether_endpoint_options_init_sized(options, 56);
}

tether_status tether_endpoint_new(const tether_endpoint_options *given, tether_endpoint **out) {
  if (out == nullptr) return TETHER_INVALID_ARGUMENT;
  *out = nullptr;
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  if (!tether::capi::read_options(given, options)) return TETHER_INVALID_ARGUMENT;
  if (options.host == nullptr || options.dispatch_threads < 1 || options.dispatch_threads > 256 ||
      options.max_protocol_version < TETHER_PROTOCOL_MIN_VERSION ||
      options.max_protocol_version > TETHER_PROTOCOL_MAX_VERSION || options.max_output_size == 0 ||
      (options.extensions & ~TETHER_EXT_ALL) != 0 || options.preface_timeout_ms == 0 ||
      options.max_header_block == 0 || options.max_connections == 0 ||
      options.max_streams_per_connection == 0 || options.max_held_per_connection < 65535 ||
      options.max_held_per_connection > (1u << 31) - 1) {
    return TETHER_INVALID_ARGUMENT;
  }
  tether::h2::ServerOptions core;
  if (options.session != nullptr) {
    tether_session_options session;
    tether_session_options_init(&session);
    if (!tether::capi::read_options(options.session, session)) return TETHER_INVALID_ARGUMENT;
    core.session = session;
  }
  try {
    core.host = options.host;
    core.port = options.port;
    core.dispatch_threads = options.dispatch_threads;
    core.max_protocol_version = options.max_protocol_version;
    core.max_output_size = options.max_output_size;
    core.extensions = options.extensions;
    core.preface_timeout_ms = options.preface_timeout_ms;
    core.idle_timeout_ms = options.idle_timeout_ms;
    core.max_header_block = options.max_header_block;
    core.max_connections = options.max_connections;
    core.max_streams = options.max_streams_per_connection;
    core.connection_window = static_cast<uint32_t>(options.max_held_per_connection);
    // The stream window may not exceed the connection's.
    core.stream_window = std::min(core.stream_window, core.connection_window);
    *out = new tether_endpoint();
    (*out)->options = std::move(core);
  } catch (const std::bad_alloc &) {
    return TETHER_NO_MEMORY;
  }
  return TETHER_OK;
}

void tether_endpoint_free(tether_endpoint *endpoint) { delete endpoint; }

tether_status tether_endpoint_add_handler(tether_endpoint *endpoint, const char *service,
                                          const char *handler, tether_handler_fn fn,
                                          void *user_data) {
  if (endpoint == nullptr) return TETHER_INVALID_ARGUMENT;
  if (service == nullptr || handler == nullptr) {
    return endpoint->error.set(TETHER_INVALID_ARGUMENT,
                               "service and handler names must not be NULL");
  }
  if (endpoint->server) {
    return endpoint->error.set(TETHER_INVALID_STATE, "handlers are added before start");
  }
  try {
    std::string why;
    endpoint->handlers.push_back(CHandler{fn, user_data});
    tether_status status =
        endpoint->registry.add(std::string_view(service, strnlen(service, 256)),
                               std::string_view(handler, strnlen(handler, 256)),
                               fn ? trampoline : nullptr, &endpoint->handlers.back(), &why);
    if (status != TETHER_OK) {
      endpoint->handlers.pop_back();
      return endpoint->error.set(status, "%s", why.c_str());
    }
  } catch (const std::bad_alloc &) {
    return endpoint->error.set(TETHER_NO_MEMORY, "out of memory registering a handler");
  }
  return TETHER_OK;
}

tether_status tether_endpoint_start(tether_endpoint *endpoint) {
  if (endpoint == nullptr) return TETHER_INVALID_ARGUMENT;
  if (endpoint->server) return endpoint->error.set(TETHER_INVALID_STATE, "already started");
  try {
    std::string why;
    endpoint->server = tether::h2::Server::start(endpoint->options, endpoint->registry, &why);
    if (!endpoint->server) return endpoint->error.set(TETHER_IO, "%s", why.c_str());
  } catch (const std::bad_alloc &) {
    return endpoint->error.set(TETHER_NO_MEMORY, "out of memory starting the endpoint");
  } catch (const std::system_error &e) {
    return endpoint->error.set(TETHER_IO, "cannot start a thread: %s", e.what());
  }
  return TETHER_OK;
}

tether_status tether_endpoint_port(const tether_endpoint *endpoint, uint16_t *port) {
  if (endpoint == nullptr || port == nullptr) return TETHER_INVALID_ARGUMENT;
  if (!endpoint->server) return TETHER_INVALID_STATE;
  *port = endpoint->server->port();
  return TETHER_OK;
}

tether_status tether_endpoint_stop(tether_endpoint *endpoint) {
  if (endpoint == nullptr) return TETHER_INVALID_ARGUMENT;
  if (endpoint->server) endpoint->server->stop();
  return TETHER_OK;
}

tether_status tether_endpoint_shutdown(tether_endpoint *endpoint, uint32_t deadline_ms) {
  if (endpoint == nullptr) return TETHER_INVALID_ARGUMENT;
  if (!endpoint->server) return endpoint->error.set(TETHER_INVALID_STATE, "not started");
  endpoint->server->shutdown(deadline_ms);
  return TETHER_OK;
}

tether_status tether_endpoint_stats_get(const tether_endpoint *endpoint,
                                        tether_endpoint_stats *stats) {
  if (endpoint == nullptr || stats == nullptr || stats->struct_size < sizeof(size_t)) {
    return TETHER_INVALID_ARGUMENT;
  }
  tether::h2::ServerStats s;
  if (endpoint->server) s = endpoint->server->stats();
  tether_endpoint_stats full{sizeof full,
                             s.connections,
                             s.streams,
                             s.invocations,
                             s.refused,
                             s.open_invocations,
                             s.peak_session_outbound,
                             s.peak_held_inbound,
                             s.peak_connection_unsent,
                             s.accept_failures,
                             s.open_connections,
                             s.preface_timeouts,
                             s.idle_timeouts,
                             s.refused_connections,
                             s.refused_headers,
                             s.shutdown_ended,
                             s.refused_streams};
  // An older caller's struct is shorter; a newer one's tail is left alone.
  size_t given = stats->struct_size;
  std::memcpy(stats, &full, std::min(given, sizeof full));
  stats->struct_size = given;
  return TETHER_OK;
}

const char *tether_endpoint_last_error(const tether_endpoint *endpoint) {
  return endpoint ? endpoint->error.message() : "";
}

}  // extern "C"
