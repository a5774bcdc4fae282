// tether-endpoint: the reference h2c endpoint (service Echo) on the C API.
//   tether-endpoint --port P [--host H] [--dispatch-threads N] [--max-message-size BYTES]
//                   [--LIMIT N ...] [--shutdown-timeout-ms MS]
// Prints "listening on HOST:PORT" once it accepts connections (port 0: ephemeral),
// then serves until SIGINT or SIGTERM, and shuts down gracefully: GOAWAY, running
// invocations get up to --shutdown-timeout-ms (default 10000) to finish, the rest end
// with a retryable error. The limits (docs/reliability.md) are --preface-timeout-ms,
// --idle-timeout-ms, --max-header-block, --max-connections, --max-streams and
// --max-held-per-connection.
#include <pthread.h>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "echo_service.h"
#include "tether.h"

namespace {

int usage(const char *why) {
  std::fprintf(stderr,
               "tether-endpoint: %s\nusage: tether-endpoint --port P [--host H] "
               "[--dispatch-threads N] [--max-message-size BYTES] [--preface-timeout-ms MS] "
               "[--idle-timeout-ms MS] [--max-header-block BYTES] [--max-connections N] "
               "[--max-streams N] [--max-held-per-connection BYTES] [--shutdown-timeout-ms MS]\n",
               why);
  return 2;
}

bool number(const char *text, unsigned long long max, unsigned long long *out) {
  char *end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value > max || text[0] == '-') return false;
  *out = value;
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  tether_session_options session;
  tether_session_options_init(&session);
  bool have_port = false;
  uint32_t shutdown_timeout_ms = 10000;
  struct Limit {
    const char *flag;
    uint32_t *field;
    unsigned long long min;
  };
  const Limit limits[] = {
      {"--preface-timeout-ms", &options.preface_timeout_ms, 1},
      {"--idle-timeout-ms", &options.idle_timeout_ms, 0},
      {"--max-header-block", &options.max_header_block, 1},
      {"--max-connections", &options.max_connections, 1},
      {"--max-streams", &options.max_streams_per_connection, 1},
      {"--shutdown-timeout-ms", &shutdown_timeout_ms, 0},
  };
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return usage(("missing value for " + flag).c_str());
    const char *value = argv[++i];
    unsigned long long n = 0;
    if (flag == "--port") {
      if (!number(value, 65535, &n)) return usage("--port takes 0..65535");
      options.port = static_cast<uint16_t>(n);
      have_port = true;
    } else if (flag == "--host") {
      options.host = value;
    } else if (flag == "--dispatch-threads") {
      if (!number(value, 256, &n) || n == 0) return usage("--dispatch-threads takes 1..256");
      options.dispatch_threads = static_cast<uint32_t>(n);
    } else if (flag == "--max-message-size") {
      if (!number(value, UINT32_MAX, &n) || n == 0)
        return usage("--max-message-size takes 1..2^32-1");
      session.max_message_size = n;
      options.max_output_size = n;
      options.session = &session;
    } else if (flag == "--max-held-per-connection") {
      if (!number(value, (1u << 31) - 1, &n) || n < 65535) {
        return usage("--max-held-per-connection takes 65535..2^31-1");
      }
      options.max_held_per_connection = n;
    } else {
      const Limit *limit = nullptr;
      for (const Limit &l : limits) {
        if (flag == l.flag) limit = &l;
      }
      if (limit == nullptr) return usage(("unknown option " + flag).c_str());
      if (!number(value, UINT32_MAX, &n) || n < limit->min) {
        return usage((flag + " takes " + std::to_string(limit->min) + "..2^32-1").c_str());
      }
      *limit->field = static_cast<uint32_t>(n);
    }
  }
  if (!have_port) return usage("--port is required (0: any free port)");

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
