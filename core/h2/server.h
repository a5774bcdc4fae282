// The h2c endpoint server: GET /discover and POST /invoke/{service}/{handler} routed
// onto invocations (one Session each). One I/O thread runs epoll, the sockets and
// nghttp2, and answers HTTP/2 PINGs; separate dispatch threads poll the invocations
// and run the handlers. So a handler that blocks its dispatch thread delays Pongs
// while HTTP/2 PINGs on the same connection still return at once.
//
// HTTP/2 flow control follows each session's inbound budget: the server consumes
// window only for bytes its session accepted, and keeps the rest (bounded by the
// stream window) until the dispatch thread drains the session.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "h2/registry.h"

namespace tether::h2 {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                                            // 0: ephemeral (see Server::port())
  uint32_t dispatch_threads = 1;                                // 1..256
  uint32_t max_protocol_version = TETHER_PROTOCOL_MAX_VERSION;  // 5..8, advertised
  // Each invocation's session (protocol_version is set from the request's content type).
  tether_session_options session = default_session_options();
  uint64_t max_output_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
  uint32_t extensions = TETHER_EXT_ALL;    // accepted of each stream's offer
  uint32_t stream_window = 1u << 20;       // HTTP/2 initial stream window advertised
  uint32_t connection_window = 64u << 20;  // HTTP/2 connection window: request bytes held
                                           // per connection (released as sessions accept)
  // Limits against hostile or broken clients (docs/reliability.md).
  uint32_t preface_timeout_ms = 10000;    // to send the preface and SETTINGS
  uint32_t idle_timeout_ms = 60000;       // with no open stream; 0: never
  uint32_t max_header_block = 64u << 10;  // one request's fields, name + value + 32 each
  uint32_t max_connections = 1024;
  uint32_t max_streams = 1024;  // concurrent, per connection

  static tether_session_options default_session_options();
};

struct ServerStats {
  uint64_t connections = 0;  // accepted, ever
  uint64_t streams = 0;      // requests, ever
  uint64_t invocations = 0;  // routed onto a session, ever
  uint64_t refused = 0;      // answered 4xx/5xx from the headers
  // accept() failures for want of resources (descriptors, memory); the listener
  // pauses after one until a connection closes or a second passes.
  uint64_t accept_failures = 0;
  uint64_t open_invocations = 0;
  // High-water marks: queued output of one session, bytes held back from one session
  // (not yet accepted, so not yet released to the peer's window), and bytes of one
  // connection waiting for its socket.
  uint64_t peak_session_outbound = 0;
  uint64_t peak_held_inbound = 0;
  uint64_t peak_connection_unsent = 0;
  uint64_t open_connections = 0;
  // Refusals, each counted (and logged once): connections closed for want of a
  // preface, for idleness, refused past max_connections; streams reset for their
  // header block; invocations ended by the shutdown deadline.
  uint64_t preface_timeouts = 0;
  uint64_t idle_timeouts = 0;
  uint64_t refused_connections = 0;
  uint64_t refused_headers = 0;
  uint64_t shutdown_ended = 0;
  // Streams past max_streams (see tether_endpoint_stats::refused_streams).
  uint64_t refused_streams = 0;
};

// The counters as one flat JSON object (GET /stats).
std::string stats_json(const ServerStats &stats);

class Server {
 public:
  // Validates options, listens and starts the threads. nullptr with *error on failure.
  static std::unique_ptr<Server> start(const ServerOptions &options, Registry registry,
                                       std::string *error);
  ~Server();  // stop()
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  uint16_t port() const;
  // Stops accepting, waits for running handlers to return, closes every connection.
  // Idempotent; not from a handler.
  void stop();
  // Graceful stop: no more connections, GOAWAY on each, running invocations get up to
  // deadline_ms, the rest end with a retryable ErrorMessage 503; then stop().
  void shutdown(uint32_t deadline_ms);
  ServerStats stats() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tether::h2
