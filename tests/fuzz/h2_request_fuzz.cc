// libFuzzer target: the endpoint's request path. Arbitrary client bytes (the seeds are
// real HTTP/2 conversations: preface, SETTINGS, discovery, invocations with Start,
// Input, Pings and chunks) go through a socketpair into one server connection, the
// endpoint's own (Server::Impl::open_connection, as accept() hands it a socket):
// nghttp2, routing, sessions and the Echo handler, driven on this thread. No server
// threads, so every run is reproducible; no TCP handshake, so runs are fast. It must
// never crash or leak, and closing the connection must leave no open invocation.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "h2/server_impl.h"

namespace {

using tether::h2::Reply;
using tether::h2::Server;

void echo(const tether_invocation_input &input, Reply &reply, void *) {
  reply.value(input.value, input.value_length);
}

Server::Impl &server() {
  static Server::Impl *impl = [] {
    auto *i = new Server::Impl();
    // Small limits and windows: the same paths, and runs that stay fast.
    i->options.session.max_frame_payload = 4096;
    i->options.session.max_message_size = 16384;
    i->options.max_output_size = 16384;
    i->options.stream_window = 65535;
    i->options.connection_window = 4 * 65535;
    std::string error;
    if (i->registry.add("Echo", "echo", echo, nullptr, &error) != TETHER_OK || !i->init(&error)) {
      std::fprintf(stderr, "server: %s\n", error.c_str());
      std::abort();
    }
    return i;
  }();
  return *impl;
}

// Reads what the server wrote; true if there was any.
bool drain(int fd) {
  char sink[64 * 1024];
  bool any = false;
  while (read(fd, sink, sizeof sink) > 0) any = true;
  return any;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Server::Impl &impl = server();
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0) {
    std::perror("socketpair");
    std::abort();
  }
  int client = pair[1];
  tether::h2::Connection *opened = impl.open_connection(pair[0]);
  if (opened == nullptr || impl.connections.size() != 1) std::abort();
  uint64_t tag = opened->tag;
  size_t written = 0;
  for (int round = 0; round < 64; ++round) {
    bool progress = drain(client);
    if (written < size) {
      ssize_t n = write(client, data + written, size - written);
      if (n > 0) written += static_cast<size_t>(n), progress = true;
    }
    auto it = impl.connections.find(tag);
    if (it == impl.connections.end()) break;
    tether::h2::Connection &c = *it->second;
    if (!impl.on_readable(c) || !impl.flush(c)) {
      impl.close_connection(c);
      break;
    }
    impl.dispatch_queued();
    impl.drain_wake_list();
    if (!progress && written == size) break;
  }
  close(client);
  auto it = impl.connections.find(tag);
  if (it != impl.connections.end()) impl.close_connection(*it->second);
  // Streams still queued or waiting for the I/O thread go too, so nothing outlives
  // its run (and leak detection has nothing to suspect).
  impl.dispatch_queued();
  impl.drain_wake_list();
  if (!impl.connections.empty() || impl.open_invocations.load() != 0) std::abort();
  return 0;
}
