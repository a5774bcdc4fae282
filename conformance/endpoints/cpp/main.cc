// tether-endpoint: the reference h2c endpoint (service Echo) on the C API.
//   tether-endpoint --port P [--host H] [--dispatch-threads N] [--max-message-size BYTES]
//                   [--extensions LIST] [--LIMIT N ...] [--shutdown-timeout-ms MS]
//                   [--help] [--version]
// Prints "listening on HOST:PORT" once it accepts connections (port 0: ephemeral),
// then serves until SIGINT or SIGTERM, and shuts down gracefully: GOAWAY, running
// invocations get up to --shutdown-timeout-ms (default 10000) to finish, the rest end
// with a retryable error. The limits (docs/reliability.md) are --preface-timeout-ms,
// --idle-timeout-ms, --max-header-block, --max-connections, --max-streams and
// --max-held-per-connection.
#include <malloc.h>
#include <pthread.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli.h"
#include "echo_service.h"
#include "tether.h"

int main(int argc, char **argv) {
  // glibc raises its mmap threshold each time a large mmapped block is freed, so after
  // the first big result later ones come from the (per-thread) heaps, which keep freed
  // results resident: 20 x 30 MiB of queued output then cost over 1.2 GiB of RSS. A
  // fixed threshold keeps every buffer over 1 MiB in its own mapping, returned when freed.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  tether_session_options session;
  tether_session_options_init(&session);
  CLI::App app(
      "The reference h2c endpoint (service Echo: echo, big, block) on the C API. Prints "
      "\"listening on HOST:PORT\" once it accepts connections, then serves until SIGINT or "
      "SIGTERM.");
  tether::cli::init(app, "tether-endpoint");
  std::string host = options.host;
  uint64_t max_message_size = 0;
  std::string extensions = tether_extensions_format(options.extensions);
  app.add_option("--port", options.port, "Port to listen on (0: any free port)")
      ->check(tether::cli::decimal())
      ->required();
  app.add_option("--host", host, "Address to listen on")->capture_default_str();
  app.add_option("--dispatch-threads", options.dispatch_threads, "Threads running handlers")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--max-message-size", max_message_size,
                 "Largest message in or out, bytes (default 32 MiB)")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(uint64_t{1}, uint64_t{UINT32_MAX}));
  uint32_t shutdown_timeout_ms = 10000;
  // The endpoint limits (docs/reliability.md); each keeps its library default unless given.
  struct Limit {
    const char *flag;
    uint32_t *field;
    uint32_t min;
    const char *what;
  };
  const Limit limits[] = {
      {"--preface-timeout-ms", &options.preface_timeout_ms, 1,
       "Time a connection has for the preface and SETTINGS"},
      {"--idle-timeout-ms", &options.idle_timeout_ms, 0,
       "Time a connection without streams stays open (0: forever)"},
      {"--max-header-block", &options.max_header_block, 1, "Largest request header block, bytes"},
      {"--max-connections", &options.max_connections, 1, "Connections served at once"},
      {"--max-streams", &options.max_streams_per_connection, 1, "Streams per connection"},
      {"--shutdown-timeout-ms", &shutdown_timeout_ms, 0,
       "On SIGTERM, time running invocations get to finish"},
  };
  for (const Limit &limit : limits) {
    app.add_option(limit.flag, *limit.field, limit.what)
        ->check(tether::cli::decimal())
        ->check(CLI::Range(limit.min, uint32_t{UINT32_MAX}))
        ->capture_default_str();
  }
  app.add_option("--max-held-per-connection", options.max_held_per_connection,
                 "Request bytes held back per connection")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(uint64_t{65535}, uint64_t{(1u << 31) - 1}))
      ->capture_default_str();
  app.add_option("--extensions", extensions,
                 "Features accepted of a stream's tether-extensions offer (\"\": none)")
      ->capture_default_str();
  std::string text;
  tether::cli::Outcome parsed = tether::cli::parse(app, argc, argv, &text);
  if (parsed != tether::cli::Outcome::kRun) return tether::cli::finish(parsed, text);
  const char *problem = nullptr;
  if (tether_extensions_parse(extensions.data(), extensions.size(), TETHER_EXT_ALL,
                              &options.extensions, &problem) != TETHER_OK) {
    return tether::cli::finish(
        tether::cli::Outcome::kUsageError,
        tether::cli::usage_error(app, std::string("--extensions: ") + problem));
  }
  options.host = host.c_str();
  if (max_message_size != 0) {
    session.max_message_size = max_message_size;
    options.max_output_size = max_message_size;
    options.session = &session;
  }

  // Block the stop signals in every thread the endpoint starts; main waits for them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  tether_endpoint *endpoint = nullptr;
  tether_status status = tether_endpoint_new(&options, &endpoint);
  if (status != TETHER_OK) {
    std::fprintf(stderr, "tether-endpoint: %s\n", tether_status_str(status));
    return 1;
  }
  if ((status = echo_service_register(endpoint)) != TETHER_OK ||
      (status = tether_endpoint_start(endpoint)) != TETHER_OK) {
    std::fprintf(stderr, "tether-endpoint: %s: %s\n", tether_status_name(status),
                 tether_endpoint_last_error(endpoint));
    tether_endpoint_free(endpoint);
    return 1;
  }
  uint16_t port = 0;
  tether_endpoint_port(endpoint, &port);
  std::printf("listening on %s:%u\n", options.host, port);
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop, &signal);
  std::fprintf(stderr, "tether-endpoint: %s: shutdown, up to %u ms for running invocations\n",
               strsignal(signal), shutdown_timeout_ms);
  tether_endpoint_shutdown(endpoint, shutdown_timeout_ms);
  tether_endpoint_stats stats{};
  stats.struct_size = sizeof stats;
  tether_endpoint_stats_get(endpoint, &stats);
  std::fprintf(stderr, "tether-endpoint: shutdown done, %llu invocations ended by the deadline\n",
               static_cast<unsigned long long>(stats.shutdown_ended));
  tether_endpoint_free(endpoint);
  return 0;
}
