// Loopback-friendly TCP plumbing for the HTTP/2 edges: non-blocking listen and
// connect, an eventfd wakeup, and the monotonic clock both sides measure with.
#pragma once

#include <cstdint>
#include <string>

namespace tether::h2 {

// A non-blocking listening socket on host:port (port 0: ephemeral). Returns the fd,
// or -1 with the reason in *error. *bound_port receives the real port.
int listen_tcp(const std::string &host, uint16_t port, uint16_t *bound_port, std::string *error);

// A connected, non-blocking TCP socket with TCP_NODELAY; -1 with the reason in *error.
int connect_tcp(const std::string &host, uint16_t port, std::string *error);

bool set_nonblocking(int fd);
void set_nodelay(int fd);

// Splits "http://host:port[/...]" (or "host:port"); false if it is not such a URL.
bool parse_url(const std::string &url, std::string *host, uint16_t *port);

// CLOCK_MONOTONIC in nanoseconds.
uint64_t monotonic_ns();

}  // namespace tether::h2
