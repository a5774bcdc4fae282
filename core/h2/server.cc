// The I/O thread: epoll over the listener, the wakeup eventfd and the connections;
// nghttp2 server sessions; feeding invocations and taking their output.
#include "h2/server.h"

#include <nghttp2/nghttp2.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "extension/extensions.h"
#include "h2/net.h"
#include "h2/server_impl.h"

namespace tether::h2 {
namespace {

constexpr uint64_t kListenTag = 0;
constexpr uint64_t kWakeTag = 1;

nghttp2_nv header(const char *name, const std::string &value) {
  return nghttp2_nv{reinterpret_cast<uint8_t *>(const_cast<char *>(name)),
                    reinterpret_cast<uint8_t *>(const_cast<char *>(value.data())),
                    std::strlen(name), value.size(), NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

tether_session_options ServerOptions::default_session_options() {
  tether_session_options o{};
  o.struct_size = sizeof o;
  o.protocol_version = TETHER_PROTOCOL_MAX_VERSION;
  o.max_frame_payload = TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
  o.max_message_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
  return o;
}

namespace {

Server::Impl &server_of(void *user_data) { return *static_cast<Connection *>(user_data)->server; }
Connection &connection_of(void *user_data) { return *static_cast<Connection *>(user_data); }

Stream *stream_of(nghttp2_session *h2, int32_t id) {
  return static_cast<Stream *>(nghttp2_session_get_stream_user_data(h2, id));
}

int on_begin_headers(nghttp2_session *h2, const nghttp2_frame *frame, void *user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  Connection &c = connection_of(user_data);
  auto stream = std::make_shared<Stream>();
  stream->id = frame->hd.stream_id;
  stream->connection = &c;
  stream->request = std::make_unique<Request>();
  c.streams[stream->id] = stream;
  nghttp2_session_set_stream_user_data(h2, stream->id, stream.get());
  c.server->streams_total.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

int on_header(nghttp2_session *h2, const nghttp2_frame *frame, const uint8_t *name,
              size_t name_length, const uint8_t *value, size_t value_length, uint8_t,
              void *user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  Stream *s = stream_of(h2, frame->hd.stream_id);
  if (s == nullptr || s->request == nullptr) return 0;
  Request &request = *s->request;
  // Counted as SETTINGS_MAX_HEADER_LIST_SIZE counts; over the limit nghttp2 resets the
  // stream (and keeps decoding the block, so the connection's HPACK state stays whole).
  Server::Impl &server = server_of(user_data);
  s->header_bytes += name_length + value_length + 32;
  if (s->header_bytes > server.options.max_header_block) {
    server.refuse(server.refused_headers, "a request's header block passed max_header_block (" +
                                              std::to_string(server.options.max_header_block) +
                                              " bytes): its stream is reset");
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }
  std::string_view key(reinterpret_cast<const char *>(name), name_length);
  std::string text(reinterpret_cast<const char *>(value), value_length);
  if (key == ":method") {
    request.method = std::move(text);
  } else if (key == ":path") {
    request.path = std::move(text);
  } else if (key == "content-type") {
    request.content_type = std::move(text);
  } else if (key == "accept") {
    request.accept = std::move(text);
  } else if (key == TETHER_EXTENSIONS_HEADER) {
    // Repeated fields combine as one comma-separated list (RFC 9110 5.3).
    if (!request.extensions.empty()) request.extensions += ',';
    request.extensions += text;
  }
  return 0;
}

int on_frame_recv(nghttp2_session *h2, const nghttp2_frame *frame, void *user_data) {
  Connection &c = connection_of(user_data);
  if (frame->hd.type == NGHTTP2_SETTINGS && !c.preface_done) {
    c.preface_done = true;  // nghttp2 checked the preface before this frame
    c.idle_since_ns = monotonic_ns();
  }
  if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
  Stream *s = stream_of(h2, frame->hd.stream_id);
  if (s == nullptr) return 0;
  Server::Impl &server = server_of(user_data);
  if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
    server.start_stream(connection_of(user_data), *s);
  }
  if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) {
    s->input_ended = true;
    server.retry_input(*s);
  }
  return 0;
}

int on_data_chunk(nghttp2_session *h2, uint8_t, int32_t id, const uint8_t *data, size_t length,
                  void *user_data) {
  Stream *s = stream_of(h2, id);
  if (s == nullptr || s->invocation == nullptr) {
    nghttp2_session_consume(h2, id, length);  // nobody reads this body: release the window
    return 0;
  }
  server_of(user_data).feed(*s, data, length);
  return 0;
}

int on_stream_close(nghttp2_session *h2, int32_t id, uint32_t, void *user_data) {
  Connection &c = connection_of(user_data);
  auto it = c.streams.find(id);
  if (it == c.streams.end()) return 0;
  Stream &s = *it->second;
  // Bytes held back for the session are dropped with the stream: give their window
  // back to the connection, or every reset with unread input shrinks it for good.
  if (!s.held_in.empty()) {
    nghttp2_session_consume_connection(h2, s.held_in.size());
    std::string().swap(s.held_in);
  }
  s.closed = true;
  c.server->cancel(s);
  if (s.invocation) c.server->open_invocations.fetch_sub(1, std::memory_order_relaxed);
  nghttp2_session_set_stream_user_data(h2, id, nullptr);
  c.streams.erase(it);
  if (c.streams.empty()) c.idle_since_ns = monotonic_ns();
  return 0;
}

// nghttp2 enforces SETTINGS_MAX_CONCURRENT_STREAMS itself: a request past it is refused
// with REFUSED_STREAM while the client has not acknowledged the setting, and ends the
// connection (PROTOCOL_ERROR) once it has. Either way this is where it is counted.
int on_invalid_frame(nghttp2_session *, const nghttp2_frame *frame, int lib_error,
                     void *user_data) {
  Connection &c = connection_of(user_data);
  Server::Impl &server = *c.server;
  bool past_cap =
      frame->hd.type == NGHTTP2_HEADERS &&
      (lib_error == NGHTTP2_ERR_REFUSED_STREAM ||
       (lib_error == NGHTTP2_ERR_PROTO && c.streams.size() >= server.options.max_streams));
  if (past_cap) {
    server.refuse(server.refused_streams,
                  "refusing streams past max_streams_per_connection (" +
                      std::to_string(server.options.max_streams) +
                      "): REFUSED_STREAM, or the connection closed if the client had "
                      "acknowledged the limit");
  }
  return 0;
}

ssize_t read_body(nghttp2_session *, int32_t, uint8_t *buf, size_t length, uint32_t *flags,
                  nghttp2_data_source *source, void *) {
  Stream &s = *static_cast<Stream *>(source->ptr);
  size_t n = std::min(length, s.body.size() - s.body_sent);
  std::memcpy(buf, s.body.data() + s.body_sent, n);
  s.body_sent += n;
  if (s.body_sent == s.body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

// Takes the session's queued output; deferred while there is none and the invocation
// has more to say. Runs on the I/O thread inside nghttp2_session_mem_send.
ssize_t read_invocation(nghttp2_session *, int32_t, uint8_t *buf, size_t length, uint32_t *flags,
                        nghttp2_data_source *source, void *user_data) {
  Stream &s = *static_cast<Stream *>(source->ptr);
  Server::Impl &server = server_of(user_data);
  size_t n = 0;
  bool finished = false;
  bool ending = false;
  tether_session_stats stats{};
  stats.struct_size = sizeof stats;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    // The output was cut inside a frame: nghttp2 resets the stream (INTERNAL_ERROR).
    if (s.reset) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const uint8_t *data = nullptr;
    size_t available = 0;
    // Once the epilogue has begun, nothing may come between its bytes.
    while (!(s.abandoned && s.body_sent > 0) && n < length &&
           s.invocation->pending_output(&data, &available) == TETHER_OK && available > 0) {
      size_t take = std::min(available, length - n);
      std::memcpy(buf + n, data, take);
      s.invocation->consume_output(take);
      n += take;
    }
    s.invocation->pending_output(&data, &available);
    if (s.abandoned && s.body_sent > 0) available = 0;
    tether_invocation_state state = s.invocation->state();
    finished = state == TETHER_INVOCATION_DONE && available == 0;
    if (s.abandoned && available == 0) {
      size_t take = std::min(s.body.size() - s.body_sent, length - n);
      std::memcpy(buf + n, s.body.data() + s.body_sent, take);
      s.body_sent += take;
      n += take;
      finished = s.body_sent == s.body.size();
    }
    ending = state == TETHER_INVOCATION_ENDING;
    s.invocation->session_stats(&stats);
  }
  raise_to(server.peak_outbound, stats.peak_outbound_buffered);
  // Output drained: a result or End waiting for room may go on.
  if (n > 0 && (ending || s.wants_writable.load())) server.schedule(s);
  if (finished) {
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
  return n == 0 ? ssize_t{NGHTTP2_ERR_DEFERRED} : static_cast<ssize_t>(n);
}

// The allocator wrapper (see Impl::allocator_mu): one call at a time.
void *locked_malloc(size_t size, void *user_data) {
  auto *server = static_cast<Server::Impl *>(user_data);
  std::lock_guard<std::mutex> lock(server->allocator_mu);
  return server->user_allocator.malloc_fn(size, server->user_allocator.user_data);
}
void *locked_realloc(void *ptr, size_t size, void *user_data) {
  auto *server = static_cast<Server::Impl *>(user_data);
  std::lock_guard<std::mutex> lock(server->allocator_mu);
  return server->user_allocator.realloc_fn(ptr, size, server->user_allocator.user_data);
}
void locked_free(void *ptr, void *user_data) {
  auto *server = static_cast<Server::Impl *>(user_data);
  std::lock_guard<std::mutex> lock(server->allocator_mu);
  server->user_allocator.free_fn(ptr, server->user_allocator.user_data);
}

}  // namespace

Server::Impl::~Impl() {
  for (auto &[tag, c] : connections) {
    for (auto &[id, s] : c->streams) s->closed = true;
    nghttp2_session_del(c->h2);
    close(c->fd);
  }
  if (callbacks) nghttp2_session_callbacks_del(callbacks);
  if (h2_option) nghttp2_option_del(h2_option);
  for (int fd : {listen_fd, epoll_fd, wake_fd}) {
    if (fd >= 0) close(fd);
  }
}

bool Server::Impl::init(std::string *error) {
  if (options.dispatch_threads < 1 || options.dispatch_threads > 256) {
    *error = "dispatch_threads must be 1..256";
    return false;
  }
  if (options.max_protocol_version < TETHER_PROTOCOL_MIN_VERSION ||
      options.max_protocol_version > TETHER_PROTOCOL_MAX_VERSION) {
    *error = "max_protocol_version must be 5..8";
    return false;
  }
  if (options.max_output_size == 0) {
    *error = "max_output_size must be > 0";
    return false;
  }
  if (options.stream_window < 65535 || options.stream_window > (1u << 31) - 1 ||
      options.connection_window < options.stream_window ||
      options.connection_window > (1u << 31) - 1) {
    *error = "windows must be 65535..2^31-1, the connection's at least the stream's";
    return false;
  }
  if (options.session.allocator.malloc_fn != nullptr) {
    user_allocator = options.session.allocator;
    options.session.allocator = tether_allocator{locked_malloc, locked_realloc, locked_free, this};
  }
  if (options.preface_timeout_ms == 0 || options.max_header_block == 0 ||
      options.max_connections == 0 || options.max_streams == 0) {
    *error = "preface_timeout_ms, max_header_block, max_connections and max_streams must be > 0";
    return false;
  }
  // Validate the session options once, so a bad option fails here, not per request.
  Status status = TETHER_OK;
  Session *probe = Session::create(&options.session, &status);
  if (probe == nullptr) {
    *error = std::string("session options: ") + tether_status_str(status);
    return false;
  }
  Session::destroy(probe);

  listen_fd = listen_tcp(options.host, options.port, &port, error);
  if (listen_fd < 0) return false;
  epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd < 0 || wake_fd < 0) {
    *error = std::string("epoll/eventfd: ") + std::strerror(errno);
    return false;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenTag;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
  ev.data.u64 = kWakeTag;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);

  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
  nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks, on_invalid_frame);
  nghttp2_option_new(&h2_option);
  // Window is released by hand, only for bytes a session accepted.
  nghttp2_option_set_no_auto_window_update(h2_option, 1);
  return true;
}

void Server::Impl::arm_listener(bool on) {
  if (listening == on || listen_fd < 0) return;  // (closed by shutdown)
  listening = on;
  if (!on) listener_paused_ns = monotonic_ns();
  epoll_event ev{};
  ev.events = on ? uint32_t{EPOLLIN} : 0u;
  ev.data.u64 = kListenTag;
  epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listen_fd, &ev);
}

void Server::Impl::accept_all() {
  for (;;) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // The connection stays in the backlog and the level-triggered listener would
        // fire again at once: pause it until a connection closes (or a second passes).
        accept_failures.fetch_add(1, std::memory_order_relaxed);
        arm_listener(false);
      }
      return;  // EAGAIN
    }
    if (connections.size() >= options.max_connections) {
      refuse_connection(fd);
      continue;
    }
    set_nodelay(fd);
    open_connection(fd);
  }
}

Connection *Server::Impl::open_connection(int fd) {
  auto c = std::make_unique<Connection>();
  c->tag = next_tag++;
  c->fd = fd;
  c->server = this;
  nghttp2_session_server_new2(&c->h2, callbacks, c.get(), h2_option);
  nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, options.max_streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, options.stream_window},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, options.max_header_block},
  };
  nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, settings, 3);
  nghttp2_session_set_local_window_size(c->h2, NGHTTP2_FLAG_NONE, 0,
                                        static_cast<int32_t>(options.connection_window));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = c->tag;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  connections_total.fetch_add(1, std::memory_order_relaxed);
  open_connections.fetch_add(1, std::memory_order_relaxed);
  c->opened_ns = monotonic_ns();
  Connection &ref = *c;
  connections[c->tag] = std::move(c);
  if (!flush(ref)) {
    close_connection(ref);
    return nullptr;
  }
  return &ref;
}

void Server::Impl::close_connection(Connection &c) {
  for (auto &[id, s] : c.streams) {
    s->closed = true;
    cancel(*s);
    if (s->invocation) open_invocations.fetch_sub(1, std::memory_order_relaxed);
  }
  c.streams.clear();
  nghttp2_session_del(c.h2);
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
  close(c.fd);
  connections.erase(c.tag);
  arm_listener(true);  // a descriptor is free again
  open_connections.fetch_sub(1, std::memory_order_relaxed);
}

// Past max_connections: SETTINGS and GOAWAY (ENHANCE_YOUR_CALM, naming the limit), then
// closed, so the client learns why instead of meeting a silent reset.
void Server::Impl::refuse_connection(int fd) {
  std::string why = "max_connections (" + std::to_string(options.max_connections) + ") open";
  refuse(refused_connections, "refusing connections: " + why);
  nghttp2_session *h2 = nullptr;
  if (nghttp2_session_server_new(&h2, callbacks, nullptr) == 0) {
    nghttp2_submit_settings(h2, NGHTTP2_FLAG_NONE, nullptr, 0);
    nghttp2_submit_goaway(h2, NGHTTP2_FLAG_NONE, 0, NGHTTP2_ENHANCE_YOUR_CALM,
                          reinterpret_cast<const uint8_t *>(why.data()), why.size());
    const uint8_t *data = nullptr;
    ssize_t n;
    while ((n = nghttp2_session_mem_send(h2, &data)) > 0) {
      if (send(fd, data, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;  // best effort
    }
    nghttp2_session_del(h2);
  }
  close(fd);
}

void Server::Impl::refuse(Refusal &r, const std::string &why) {
  r.count.fetch_add(1, std::memory_order_relaxed);
  if (!r.logged.exchange(true)) {
    std::fprintf(stderr, "tether endpoint: %s (logged once; every one is counted in the stats)\n",
                 why.c_str());
  }
}

// The deadlines of connections that never finished the preface and of idle ones, and,
// while shutting down, connections with nothing left to serve.
void Server::Impl::sweep(uint64_t now) {
  const uint64_t preface_ns = uint64_t{options.preface_timeout_ms} * 1000000;
  const uint64_t idle_ns = uint64_t{options.idle_timeout_ms} * 1000000;
  std::vector<Connection *> expired;
  for (auto &[tag, c] : connections) {
    if (!c->preface_done) {
      if (now - c->opened_ns >= preface_ns) {
        refuse(preface_timeouts,
               "closing connections that send no HTTP/2 preface and SETTINGS "
               "within preface_timeout_ms (" +
                   std::to_string(options.preface_timeout_ms) + " ms)");
        expired.push_back(c.get());
      }
    } else if (c->streams.empty() &&
               (shutdown_seen > 0 || (idle_ns > 0 && now - c->idle_since_ns >= idle_ns))) {
      if (shutdown_seen == 0) {
        refuse(idle_timeouts, "closing connections idle (no open stream) for idle_timeout_ms (" +
                                  std::to_string(options.idle_timeout_ms) + " ms)");
        nghttp2_submit_goaway(c->h2, NGHTTP2_FLAG_NONE,
                              nghttp2_session_get_last_proc_stream_id(c->h2), NGHTTP2_NO_ERROR,
                              nullptr, 0);
        flush(*c);
      }
      expired.push_back(c.get());
    }
  }
  for (Connection *c : expired) close_connection(*c);
}

void Server::Impl::advance_shutdown() {
  int phase = shutdown_phase.load();
  if (phase >= 1 && shutdown_seen < 1) {
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
    close(listen_fd);
    listen_fd = -1;
    static constexpr char kWhy[] = "shutting down";
    for (auto &[tag, c] : connections) {
      nghttp2_submit_goaway(c->h2, NGHTTP2_FLAG_NONE,
                            nghttp2_session_get_last_proc_stream_id(c->h2), NGHTTP2_NO_ERROR,
                            reinterpret_cast<const uint8_t *>(kWhy), sizeof kWhy - 1);
    }
  }
  if (phase >= 2 && shutdown_seen < 2) {
    static constexpr char kWhy[] =
        "the endpoint shut down before this invocation finished: retry it elsewhere";
    for (auto &[tag, c] : connections) {
      for (auto &[id, s] : c->streams) {
        if (s->invocation == nullptr) continue;
        bool ended = false;
        {
          std::lock_guard<std::mutex> lock(s->mu);
          if (!s->abandoned && s->invocation->state() != TETHER_INVOCATION_DONE) {
            ended = abandon(*s, 503, kWhy);
          }
        }
        if (ended) {
          shutdown_ended.fetch_add(1, std::memory_order_relaxed);
          nghttp2_session_resume_data(c->h2, id);
        }
      }
    }
  }
  shutdown_seen = phase;
  std::vector<Connection *> dead;
  for (auto &[tag, c] : connections) {
    if (!flush(*c)) dead.push_back(c.get());
  }
  for (Connection *c : dead) close_connection(*c);
}

bool Server::Impl::on_readable(Connection &c) {
  uint8_t buffer[64 * 1024];
  for (;;) {
    ssize_t n = recv(c.fd, buffer, sizeof buffer, 0);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    if (nghttp2_session_mem_recv(c.h2, buffer, static_cast<size_t>(n)) < 0) return false;
  }
}

void Server::Impl::watch_output(Connection &c, bool on) {
  if (c.polling_out == on) return;
  c.polling_out = on;
  epoll_event ev{};
  ev.events = EPOLLIN | (on ? uint32_t{EPOLLOUT} : 0u);
  ev.data.u64 = c.tag;
  epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
}

// Writes what nghttp2 has to send. Its frames are gathered up to kSendBatch bytes so
// that one send() carries many responses (one per frame cost a syscall each), and at
// most that plus one frame waits for a slow socket, so a peer that stops reading costs
// a bounded amount of memory. False: close.
bool Server::Impl::flush(Connection &c) {
  constexpr size_t kSendBatch = 16 << 10;
  for (;;) {
    while (c.unsent.size() - c.unsent_offset < kSendBatch) {
      const uint8_t *data = nullptr;
      ssize_t n = nghttp2_session_mem_send(c.h2, &data);
      if (n < 0) return false;
      if (n == 0) break;
      if (c.unsent_offset == c.unsent.size()) {
        c.unsent.clear();
        c.unsent_offset = 0;
      }
      c.unsent.append(reinterpret_cast<const char *>(data), static_cast<size_t>(n));
      raise_to(peak_unsent, c.unsent.size() - c.unsent_offset);
    }
    if (c.unsent_offset == c.unsent.size()) break;
    ssize_t n = send(c.fd, c.unsent.data() + c.unsent_offset, c.unsent.size() - c.unsent_offset,
                     MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      watch_output(c, true);
      return true;
    }
    c.unsent_offset += static_cast<size_t>(n);
  }
  c.unsent.clear();
  c.unsent_offset = 0;
  watch_output(c, false);
  return nghttp2_session_want_read(c.h2) || nghttp2_session_want_write(c.h2);
}

void Server::Impl::start_stream(Connection &c, Stream &s) {
  if (s.request == nullptr) return;  // routed already
  Route route =
      tether::h2::route(*s.request, registry, options.max_protocol_version, options.extensions);
  s.request.reset();  // routed: the header fields are not needed any more
  nghttp2_data_provider provider{};
  provider.source.ptr = &s;
  if (route.kind == Route::Kind::kInvoke) {
    tether_session_options session = options.session;
    session.protocol_version = route.protocol_version;
    session.extensions = route.extensions;
    Status status = TETHER_OK;
    s.invocation = Invocation::create(&session, options.max_output_size, &status);
    if (s.invocation == nullptr) {
      route.kind = Route::Kind::kRefuse;
      route.status = 500;
      route.content_type = "text/plain; charset=utf-8";
      route.body = std::string("cannot start the invocation: ") + tether_status_str(status) + "\n";
    }
  }
  if (route.kind == Route::Kind::kStats) route.body = stats_json(stats());
  if (s.invocation != nullptr) {
    s.handler = route.handler;
    invocations_total.fetch_add(1, std::memory_order_relaxed);
    open_invocations.fetch_add(1, std::memory_order_relaxed);
    provider.read_callback = read_invocation;
  } else {
    if (route.kind == Route::Kind::kRefuse) refused_total.fetch_add(1, std::memory_order_relaxed);
    s.body = std::move(route.body);
    provider.read_callback = read_body;
  }
  std::string status = std::to_string(route.status);
  std::string length = std::to_string(s.body.size());
  std::vector<nghttp2_nv> headers{header(":status", status),
                                  header("content-type", route.content_type)};
  if (s.invocation == nullptr) headers.push_back(header("content-length", length));
  std::string accepted = s.invocation ? format_extensions(route.extensions) : "";
  if (!accepted.empty()) headers.push_back(header(TETHER_EXTENSIONS_HEADER, accepted));
  // nghttp2 copies the fields (no NO_COPY flags), so they may go with this frame.
  nghttp2_submit_response(c.h2, s.id, headers.data(), headers.size(), &provider);
}

size_t Server::Impl::feed_some(Stream &s, const uint8_t *data, size_t length) {
  size_t consumed = 0;
  Status status;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    status = s.invocation->feed(data, length, &consumed);
  }
  // A failed stream has queued its ErrorMessage: the rest of the body is dropped.
  if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) consumed = length;
  if (consumed > 0) nghttp2_session_consume(s.connection->h2, s.id, consumed);
  schedule(s);
  return consumed;
}

void Server::Impl::feed(Stream &s, const uint8_t *data, size_t length) {
  if (s.held_in.empty()) {
    size_t used = feed_some(s, data, length);
    data += used;
    length -= used;
  }
  // Bounded by the stream window: the peer cannot send what was not released.
  s.held_in.append(reinterpret_cast<const char *>(data), length);
  raise_to(peak_held, s.held_in.size());
}

void Server::Impl::retry_input(Stream &s) {
  if (s.invocation == nullptr) return;
  if (!s.held_in.empty()) {
    size_t used =
        feed_some(s, reinterpret_cast<const uint8_t *>(s.held_in.data()), s.held_in.size());
    s.held_in.erase(0, used);
  }
  if (s.held_in.empty() && s.input_ended && !s.input_finished) {
    s.input_finished = true;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.invocation->finish_input();
    }
    schedule(s);
  }
}

void Server::Impl::drain_wake_list() {
  uint64_t count;
  [[maybe_unused]] ssize_t n = read(wake_fd, &count, sizeof count);
  std::vector<std::shared_ptr<Stream>> streams;
  {
    std::lock_guard<std::mutex> lock(wake_mu);
    streams.swap(wake_list);
  }
  std::unordered_set<uint64_t> touched;
  for (auto &s : streams) {
    if (s->closed) continue;
    retry_input(*s);
    nghttp2_session_resume_data(s->connection->h2, s->id);  // no-op unless deferred
    touched.insert(s->connection->tag);
  }
  for (uint64_t tag : touched) {
    auto it = connections.find(tag);
    if (it != connections.end() && !flush(*it->second)) close_connection(*it->second);
  }
}

void Server::Impl::io_loop() {
  epoll_event events[64];
  // Deadlines are checked a few times per the shortest one (within 10 ms .. 1 s).
  uint32_t shortest = options.preface_timeout_ms;
  if (options.idle_timeout_ms > 0) shortest = std::min(shortest, options.idle_timeout_ms);
  const int tick_ms = static_cast<int>(std::clamp<uint32_t>(shortest / 4, 10, 1000));
  while (!stopping.load()) {
    int n = epoll_wait(epoll_fd, events, 64, tick_ms);
    uint64_t now = monotonic_ns();
    // Paused for a second: descriptors may be free elsewhere.
    if (!listening && shutdown_seen == 0 && now - listener_paused_ns >= 1000000000) {
      arm_listener(true);
    }
    if (shutdown_phase.load() != shutdown_seen) advance_shutdown();
    if (now >= next_sweep_ns) {
      sweep(now);
      next_sweep_ns = now + uint64_t(tick_ms) * 1000000;
    }
    for (int i = 0; i < n; ++i) {
      uint64_t tag = events[i].data.u64;
      if (tag == kListenTag) {
        accept_all();
        continue;
      }
      if (tag == kWakeTag) {
        drain_wake_list();
        continue;
      }
      auto it = connections.find(tag);
      if (it == connections.end()) continue;
      Connection &c = *it->second;
      bool alive = true;
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) alive = on_readable(c);
      if (alive) alive = flush(c);
      if (!alive) close_connection(c);
    }
  }
}

std::unique_ptr<Server> Server::start(const ServerOptions &options, Registry registry,
                                      std::string *error) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->registry = std::move(registry);
  if (!impl->init(error)) return nullptr;
  Impl *raw = impl.get();
  raw->io_thread = std::thread([raw] { raw->io_loop(); });
  for (uint32_t i = 0; i < options.dispatch_threads; ++i) {
    raw->dispatchers.emplace_back([raw] { raw->dispatch_loop(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

uint16_t Server::port() const { return impl_->port; }

void Server::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  {
    std::lock_guard<std::mutex> lock(impl_->dispatch_mu);
    impl_->stopping.store(true);
  }
  impl_->dispatch_cv.notify_all();
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(impl_->wake_fd, &one, sizeof one);
  impl_->io_thread.join();
  for (std::thread &t : impl_->dispatchers) t.join();
  impl_->dispatch_queue.clear();
  impl_->wake_list.clear();
}

void Server::shutdown(uint32_t deadline_ms) {
  if (impl_->stopped) return;
  auto advance = [this](int phase) {
    impl_->shutdown_phase.store(phase);
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(impl_->wake_fd, &one, sizeof one);
  };
  // Polled: the invocations end on other threads, and this thread has nothing else to do.
  auto wait_idle = [this](uint64_t ms) {
    uint64_t until = monotonic_ns() + ms * 1000000;
    while (impl_->open_invocations.load() > 0 && monotonic_ns() < until) usleep(10000);
  };
  advance(1);
  wait_idle(deadline_ms);
  if (impl_->open_invocations.load() > 0) {
    advance(2);
    wait_idle(1000);  // the ErrorMessages go out; the runtime closes those streams
  }
  stop();
}

std::string stats_json(const ServerStats &s) {
  return nlohmann::ordered_json{{"connections", s.connections},
                                {"streams", s.streams},
                                {"invocations", s.invocations},
                                {"refused", s.refused},
                                {"accept_failures", s.accept_failures},
                                {"open_invocations", s.open_invocations},
                                {"peak_session_outbound", s.peak_session_outbound},
                                {"peak_held_inbound", s.peak_held_inbound},
                                {"peak_connection_unsent", s.peak_connection_unsent},
                                {"open_connections", s.open_connections},
                                {"preface_timeouts", s.preface_timeouts},
                                {"idle_timeouts", s.idle_timeouts},
                                {"refused_connections", s.refused_connections},
                                {"refused_headers", s.refused_headers},
                                {"shutdown_ended", s.shutdown_ended},
                                {"refused_streams", s.refused_streams}}
      .dump();
}

ServerStats Server::stats() const { return impl_->stats(); }

ServerStats Server::Impl::stats() const {
  const Impl &i = *this;
  ServerStats s;
  s.connections = i.connections_total.load();
  s.streams = i.streams_total.load();
  s.invocations = i.invocations_total.load();
  s.refused = i.refused_total.load();
  s.accept_failures = i.accept_failures.load();
  s.open_invocations = i.open_invocations.load();
  s.peak_session_outbound = i.peak_outbound.load();
  s.peak_held_inbound = i.peak_held.load();
  s.peak_connection_unsent = i.peak_unsent.load();
  s.open_connections = i.open_connections.load();
  s.preface_timeouts = i.preface_timeouts.count.load();
  s.idle_timeouts = i.idle_timeouts.count.load();
  s.refused_connections = i.refused_connections.count.load();
  s.refused_headers = i.refused_headers.count.load();
  s.shutdown_ended = i.shutdown_ended.load();
  s.refused_streams = i.refused_streams.count.load();
  return s;
}

}  // namespace tether::h2
