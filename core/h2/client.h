// The h2c client the prober and the tests drive: one connection (one deployment),
// many request streams with streamed bodies, and HTTP/2 PINGs on the same connection
// timed with the monotonic clock. Single-threaded: the owner calls run() in its loop
// and gets callbacks from inside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tether::h2 {

// The response headers of a stream.
struct ResponseHead {
  int status = 0;
  std::string content_type;
  // TETHER_EXT_* named by the response's tether-extensions header (0: none, or a
  // malformed header); only features the request offered may be used.
  uint32_t extensions = 0;
};

class ClientListener {
 public:
  virtual ~ClientListener() = default;
  virtual void on_response(int32_t stream, const ResponseHead &head) {}
  virtual void on_data(int32_t stream, const uint8_t *data, size_t length) {}
  // error_code: the HTTP/2 error code (0: the stream ended normally).
  virtual void on_close(int32_t stream, uint32_t error_code) {}
  virtual void on_ping_ack(uint64_t rtt_ns) {}
};

struct ClientOptions {
  uint32_t stream_window = 1u << 20;       // initial stream window advertised
  uint32_t connection_window = 64u << 20;  // connection window
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class Client {
 public:
  // Connects and sends the HTTP/2 preface. nullptr with *error on failure.
  static std::unique_ptr<Client> connect(const std::string &host, uint16_t port,
                                         ClientListener *listener, std::string *error,
                                         const ClientOptions &options = ClientOptions());
  ~Client();
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;

  // Opens a request; with has_body its body is streamed by write() and closed by
  // end(). Returns the stream id, or -1 with the reason in error().
  int32_t request(const std::string &method, const std::string &path, const Headers &headers,
                  bool has_body);
  // Queues body bytes (copied). TETHER_INVALID_STATE after end() or for an unknown stream.
  Status write(int32_t stream, const uint8_t *data, size_t length);
  Status end(int32_t stream);
  // Cancels a stream (RST_STREAM CANCEL).
  Status cancel(int32_t stream);
  // Sends an HTTP/2 PING; on_ping_ack reports its round trip.
  Status ping();
  // A paused stream's received bytes are not released to the server's window, as
  // from a reader that stopped reading (the connection window still is).
  void pause(int32_t stream);
  // Undoes pause(): the bytes held back so far are released to the server's window.
  void resume(int32_t stream);

  // Writes what is pending, then waits up to timeout_ms for input and handles it.
  // TETHER_IO (reason in error()) once the connection failed or the server closed it.
  Status run(int timeout_ms);
  size_t open_streams() const;
  const std::string &error() const;

  struct Impl;

 private:
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tether::h2
