#include "h2/client.h"

#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "extension/extensions.h"
#include "h2/net.h"

namespace tether::h2 {

struct Client::Impl {
  struct Body {
    std::string bytes;
    size_t sent = 0;
    bool ended = false;
  };

  int fd = -1;
  nghttp2_session *h2 = nullptr;
  ClientListener *listener = nullptr;
  std::string error;
  bool failed = false;
  std::unordered_map<int32_t, Body> bodies;
  std::unordered_set<int32_t> open;
  std::unordered_set<int32_t> paused;
  std::unordered_map<int32_t, size_t> held;         // bytes of a paused stream not yet consumed
  std::unordered_map<int32_t, ResponseHead> heads;  // being read
  std::string unsent;
  size_t unsent_offset = 0;

  ~Impl() {
    if (h2) nghttp2_session_del(h2);
    if (fd >= 0) close(fd);
  }

  Status fail(const std::string &why) {
    if (!failed) error = why;
    failed = true;
    return TETHER_IO;
  }
  Status flush();
  Status read_input();
};

namespace {

Client::Impl &impl_of(void *user_data) { return *static_cast<Client::Impl *>(user_data); }

int on_header(nghttp2_session *, const nghttp2_frame *frame, const uint8_t *name, size_t name_len,
              const uint8_t *value, size_t value_len, uint8_t, void *user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  Client::Impl &c = impl_of(user_data);
  std::string_view key(reinterpret_cast<const char *>(name), name_len);
  std::string text(reinterpret_cast<const char *>(value), value_len);
  ResponseHead &head = c.heads[frame->hd.stream_id];
  if (key == ":status") head.status = std::atoi(text.c_str());
  if (key == "content-type") head.content_type = std::move(text);
  if (key == TETHER_EXTENSIONS_HEADER) {
    uint32_t named = 0;
    const char *problem = nullptr;
    if (parse_extensions(text.data(), text.size(), TETHER_EXT_ALL, &named, &problem) == TETHER_OK) {
      head.extensions |= named;
    }
  }
  return 0;
}

int on_frame_recv(nghttp2_session *, const nghttp2_frame *frame, void *user_data) {
  Client::Impl &c = impl_of(user_data);
  if (frame->hd.type == NGHTTP2_PING && (frame->hd.flags & NGHTTP2_FLAG_ACK)) {
    uint64_t sent = 0;
    std::memcpy(&sent, frame->ping.opaque_data, sizeof sent);
    c.listener->on_ping_ack(monotonic_ns() - sent);
  } else if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_RESPONSE) {
    int32_t id = frame->hd.stream_id;
    ResponseHead head = std::move(c.heads[id]);
    c.heads.erase(id);
    c.listener->on_response(id, head);
  }
  return 0;
}

int on_data_chunk(nghttp2_session *h2, uint8_t, int32_t id, const uint8_t *data, size_t length,
                  void *user_data) {
  Client::Impl &c = impl_of(user_data);
  if (c.paused.count(id)) {
    nghttp2_session_consume_connection(h2, length);
    c.held[id] += length;
  } else {
    nghttp2_session_consume(h2, id, length);
  }
  c.listener->on_data(id, data, length);
  return 0;
}

int on_stream_close(nghttp2_session *, int32_t id, uint32_t error_code, void *user_data) {
  Client::Impl &c = impl_of(user_data);
  c.open.erase(id);
  c.bodies.erase(id);
  c.paused.erase(id);
  c.held.erase(id);
  c.heads.erase(id);
  c.listener->on_close(id, error_code);
  return 0;
}

ssize_t read_body(nghttp2_session *, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
                  nghttp2_data_source *, void *user_data) {
  Client::Impl &c = impl_of(user_data);
  auto it = c.bodies.find(id);
  if (it == c.bodies.end()) {
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    return 0;
  }
  Client::Impl::Body &b = it->second;
  size_t n = std::min(length, b.bytes.size() - b.sent);
  std::memcpy(buf, b.bytes.data() + b.sent, n);
  b.sent += n;
  if (b.sent == b.bytes.size()) {
    b.bytes.clear();
    b.sent = 0;
    if (b.ended) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    }
  }
  return n == 0 ? ssize_t{NGHTTP2_ERR_DEFERRED} : static_cast<ssize_t>(n);
}

nghttp2_nv make_nv(const std::string &name, const std::string &value) {
  return nghttp2_nv{reinterpret_cast<uint8_t *>(const_cast<char *>(name.data())),
                    reinterpret_cast<uint8_t *>(const_cast<char *>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

Status Client::Impl::flush() {
  for (;;) {
    if (unsent_offset < unsent.size()) {
      ssize_t n =
          send(fd, unsent.data() + unsent_offset, unsent.size() - unsent_offset, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return TETHER_OK;
        return fail(std::string("send: ") + std::strerror(errno));
      }
      unsent_offset += static_cast<size_t>(n);
      continue;
    }
    unsent.clear();
    unsent_offset = 0;
    const uint8_t *data = nullptr;
    ssize_t n = nghttp2_session_mem_send(h2, &data);
    if (n < 0) return fail(std::string("nghttp2: ") + nghttp2_strerror(static_cast<int>(n)));
    if (n == 0) return TETHER_OK;
    unsent.assign(reinterpret_cast<const char *>(data), static_cast<size_t>(n));
  }
}

Status Client::Impl::read_input() {
  uint8_t buffer[64 * 1024];
  for (;;) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n == 0) return fail("the server closed the connection");
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return TETHER_OK;
      return fail(std::string("recv: ") + std::strerror(errno));
    }
    ssize_t used = nghttp2_session_mem_recv(h2, buffer, static_cast<size_t>(n));
    if (used < 0) return fail(std::string("nghttp2: ") + nghttp2_strerror(static_cast<int>(used)));
  }
}

std::unique_ptr<Client> Client::connect(const std::string &host, uint16_t port,
                                        ClientListener *listener, std::string *error,
                                        const ClientOptions &options) {
  auto impl = std::make_unique<Impl>();
  impl->listener = listener;
  impl->fd = connect_tcp(host, port, error);
  if (impl->fd < 0) return nullptr;
  nghttp2_session_callbacks *callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
  nghttp2_option *option = nullptr;
  nghttp2_option_new(&option);
  nghttp2_option_set_no_auto_window_update(option, 1);
  nghttp2_session_client_new2(&impl->h2, callbacks, impl.get(), option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);
  nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, options.stream_window},
  };
  nghttp2_submit_settings(impl->h2, NGHTTP2_FLAG_NONE, settings, 2);
  nghttp2_session_set_local_window_size(impl->h2, NGHTTP2_FLAG_NONE, 0,
                                        static_cast<int32_t>(options.connection_window));
  if (impl->flush() != TETHER_OK) {
    *error = impl->error;
    return nullptr;
  }
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

int32_t Client::request(const std::string &method, const std::string &path, const Headers &headers,
                        bool has_body) {
  static const std::string kMethod = ":method", kPath = ":path", kScheme = ":scheme",
                           kAuthority = ":authority", kHttp = "http", kLocal = "localhost";
  std::vector<nghttp2_nv> nva{make_nv(kMethod, method), make_nv(kScheme, kHttp),
                              make_nv(kAuthority, kLocal), make_nv(kPath, path)};
  for (const auto &[name, value] : headers) nva.push_back(make_nv(name, value));
  nghttp2_data_provider provider{};
  provider.read_callback = read_body;
  int32_t id = nghttp2_submit_request(impl_->h2, nullptr, nva.data(), nva.size(),
                                      has_body ? &provider : nullptr, nullptr);
  if (id < 0) {
    impl_->error = std::string("cannot open a stream: ") + nghttp2_strerror(id);
    return -1;
  }
  impl_->open.insert(id);
  if (has_body) impl_->bodies[id];
  return id;
}

Status Client::write(int32_t stream, const uint8_t *data, size_t length) {
  auto it = impl_->bodies.find(stream);
  if (it == impl_->bodies.end() || it->second.ended) return TETHER_INVALID_STATE;
  it->second.bytes.append(reinterpret_cast<const char *>(data), length);
  nghttp2_session_resume_data(impl_->h2, stream);
  return TETHER_OK;
}

Status Client::end(int32_t stream) {
  auto it = impl_->bodies.find(stream);
  if (it == impl_->bodies.end() || it->second.ended) return TETHER_INVALID_STATE;
  it->second.ended = true;
  nghttp2_session_resume_data(impl_->h2, stream);
  return TETHER_OK;
}

Status Client::cancel(int32_t stream) {
  if (!impl_->open.count(stream)) return TETHER_INVALID_STATE;
  nghttp2_submit_rst_stream(impl_->h2, NGHTTP2_FLAG_NONE, stream, NGHTTP2_CANCEL);
  return TETHER_OK;
}

Status Client::ping() {
  uint64_t now = monotonic_ns();
  uint8_t opaque[8];
  std::memcpy(opaque, &now, sizeof now);
  if (nghttp2_submit_ping(impl_->h2, NGHTTP2_FLAG_NONE, opaque) != 0) return TETHER_NO_MEMORY;
  return impl_->flush();
}

void Client::pause(int32_t stream) { impl_->paused.insert(stream); }

void Client::resume(int32_t stream) {
  impl_->paused.erase(stream);
  auto it = impl_->held.find(stream);
  if (it == impl_->held.end()) return;
  nghttp2_session_consume_stream(impl_->h2, stream, it->second);
  impl_->held.erase(it);
}

Status Client::run(int timeout_ms) {
  if (impl_->failed) return TETHER_IO;
  if (impl_->flush() != TETHER_OK) return TETHER_IO;
  pollfd p{impl_->fd, POLLIN, 0};
  if (impl_->unsent_offset < impl_->unsent.size()) p.events |= POLLOUT;
  int n = ::poll(&p, 1, timeout_ms);
  if (n < 0 && errno != EINTR) return impl_->fail(std::string("poll: ") + std::strerror(errno));
  if (n > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
    if (impl_->read_input() != TETHER_OK) return TETHER_IO;
  }
  return impl_->flush();
}

size_t Client::open_streams() const { return impl_->open.size(); }
const std::string &Client::error() const { return impl_->error; }

}  // namespace tether::h2
