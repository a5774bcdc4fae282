// The server's shared state, for its two halves: the I/O thread (server.cc: epoll,
// sockets, nghttp2) and the dispatch threads (server_dispatch.cc).
#pragma once

#include <nghttp2/nghttp2.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "h2/routing.h"
#include "h2/server.h"
#include "invocation/invocation.h"

namespace tether::h2 {

inline constexpr uint64_t kFirstConnectionTag = 2;  // epoll tags 0, 1: listener, wakeup

inline void raise_to(std::atomic<uint64_t> &peak, uint64_t value) {
  uint64_t seen = peak.load(std::memory_order_relaxed);
  while (value > seen && !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

struct Connection;

// One request. The I/O thread owns the fields marked io; the invocation is shared
// with the dispatch threads under mu, held only for the length of one call on it.
struct Stream : std::enable_shared_from_this<Stream> {
  enum Schedule { kIdle, kQueued, kRunning, kRunningDirty };

  // Fields are kept few and small: thousands of idle streams each hold one
  // (docs/endpoint.md, "Memory per idle stream").
  int32_t id = 0;
  Connection *connection = nullptr;  // io; valid while !closed
  std::unique_ptr<Request> request;  // io: from the first header until routed, then freed
  const Handler *handler = nullptr;  // an invocation's; set once by io before any dispatch
  // A static response (manifest, refusal), io; or, under mu, the ErrorMessage frame
  // that ends a response the endpoint abandoned (shutdown's deadline).
  std::string body;
  size_t body_sent = 0;
  size_t header_bytes = 0;  // io: of the request's header block, as max_header_block counts

  std::mutex mu;
  Invocation *invocation = nullptr;

  std::string held_in;  // io: request bytes the session did not accept yet
  bool input_ended = false;
  bool input_finished = false;
  bool closed = false;
  bool abandoned = false;  // under mu: body holds the epilogue
  bool reset = false;      // under mu: the output was cut inside a frame: reset the stream

  Reply reply;  // dispatch (one thread at a time): a result waiting for room
  bool reply_held = false;
  std::atomic<bool> wants_writable{false};

  Schedule schedule = kIdle;                               // under Impl::dispatch_mu
  std::list<std::shared_ptr<Stream>>::iterator queued_at;  // while kQueued, under dispatch_mu

  ~Stream() { Invocation::destroy(invocation); }
};

struct Connection {
  uint64_t tag = 0;
  int fd = -1;
  nghttp2_session *h2 = nullptr;
  Server::Impl *server = nullptr;
  std::string unsent;  // bytes from nghttp2 the socket has not taken yet
  size_t unsent_offset = 0;
  bool polling_out = false;
  std::unordered_map<int32_t, std::shared_ptr<Stream>> streams;
  bool preface_done = false;  // the client's preface and SETTINGS arrived
  uint64_t opened_ns = 0;
  uint64_t idle_since_ns = 0;  // when the last stream closed (or the preface arrived)
};

struct Server::Impl {
  // The sessions' allocator hook as given; the sessions get a wrapper that serializes
  // its calls (the I/O thread and every dispatch thread allocate). First: it must
  // outlive every stream.
  std::mutex allocator_mu;
  tether_allocator user_allocator{};

  ServerOptions options;
  Registry registry;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  uint16_t port = 0;
  std::atomic<bool> stopping{false};
  bool stopped = false;
  bool listening = true;  // io: the listener is armed (off while accept runs out of fds)
  uint64_t listener_paused_ns = 0;

  std::thread io_thread;
  std::vector<std::thread> dispatchers;

  // io
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections;
  uint64_t next_tag = kFirstConnectionTag;
  nghttp2_session_callbacks *callbacks = nullptr;
  nghttp2_option *h2_option = nullptr;

  std::mutex dispatch_mu;
  std::condition_variable dispatch_cv;
  std::list<std::shared_ptr<Stream>> dispatch_queue;  // a reset stream leaves it at once

  std::mutex wake_mu;
  std::vector<std::shared_ptr<Stream>> wake_list;  // streams the I/O thread should revisit

  std::atomic<uint64_t> connections_total{0}, streams_total{0}, invocations_total{0},
      refused_total{0}, accept_failures{0}, open_invocations{0}, peak_outbound{0}, peak_held{0},
      peak_unsent{0};
  std::atomic<uint64_t> open_connections{0}, shutdown_ended{0};

  // A limit that refuses: counted, and logged the first time only.
  struct Refusal {
    std::atomic<uint64_t> count{0};
    std::atomic<bool> logged{false};
  };
  Refusal preface_timeouts, idle_timeouts, refused_connections, refused_headers, refused_streams;
  void refuse(Refusal &r, const std::string &why);

  // Graceful shutdown (Server::shutdown): 1 stop accepting and send GOAWAY, 2 end the
  // invocations still running. io acts on a phase once (shutdown_seen).
  std::atomic<int> shutdown_phase{0};
  int shutdown_seen = 0;
  uint64_t next_sweep_ns = 0;

  ~Impl();
  bool init(std::string *error);
  void io_loop();
  void dispatch_loop();

  // io thread
  void accept_all();
  // Serves a connected stream socket (accepted, or one end of a socketpair: the
  // request-path fuzzer's); nullptr if it is closed at once.
  Connection *open_connection(int fd);
  void arm_listener(bool on);
  void close_connection(Connection &c);
  bool on_readable(Connection &c);
  bool flush(Connection &c);
  void watch_output(Connection &c, bool on);
  void drain_wake_list();
  void sweep(uint64_t now_ns);  // the preface and idle deadlines; shutdown's closes
  void advance_shutdown();
  void refuse_connection(int fd);
  void start_stream(Connection &c, Stream &s);
  ServerStats stats() const;
  void feed(Stream &s, const uint8_t *data, size_t length);
  size_t feed_some(Stream &s, const uint8_t *data, size_t length);
  void retry_input(Stream &s);

  void cancel(Stream &s);  // the stream was reset or its connection closed

  // any thread
  void schedule(Stream &s);
  void wake_io(Stream &s);

  // dispatch thread
  void dispatch(Stream &s);
  void dispatch_front(std::unique_lock<std::mutex> &lock);
  // Every queued stream, on the calling thread: for an Impl driven without threads
  // (init() only), as the request-path fuzzer does.
  void dispatch_queued();
  Status apply_reply(Stream &s);  // under s.mu
  Status pump(Stream &s);         // under s.mu: a streamed value's next bytes
  // Ends the stream with ErrorMessage 500{why}, or a reset when its output was cut
  // inside a frame. Under s.mu.
  void end_stream(Stream &s, const char *why);
  // Ends the response with ErrorMessage{code, why} once the invocation's output so far
  // is written (the runtime retries); false when out of memory. Under s.mu.
  bool abandon(Stream &s, uint32_t code, const char *why);
};

}  // namespace tether::h2
