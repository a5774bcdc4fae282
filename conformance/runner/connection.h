// One HTTP/2 connection to the endpoint under test, played as the runtime: invocation
// streams with their responses parsed as they arrive, Pings with fresh nonces timed
// to their Pongs, HTTP/2 PINGs timed to their acks, and plain GETs. Single-threaded:
// everything happens inside wait().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "h2/client.h"
#include "prober/nonce.h"
#include "response.h"
#include "tether.h"

namespace tether::conformance {

// What a real Restate 1.7 server picks, and what the runner offers by default.
inline constexpr uint32_t kDefaultVersion = 6;
inline constexpr uint32_t kOfferAll = TETHER_EXT_PING | TETHER_EXT_CHUNKED;

struct Target {
  std::string host;
  uint16_t port = 0;
  uint64_t max_message_size = 0;       // the endpoint's limit, as the runner was told
  uint32_t max_frame_payload = 0;      // chunk bound on streams that negotiated chunked/1
  uint32_t version = kDefaultVersion;  // protocol version of the cases' streams
};

struct PongSeen {
  std::string nonce;
  uint64_t rtt_ns = 0;  // 0 when the nonce was not an outstanding Ping of this stream
  size_t message = 0;   // its index among the stream's messages
};

struct Stream {
  uint32_t version = 0;  // 0: not an invocation
  uint32_t offered = 0;  // TETHER_EXT_* named in the request's tether-extensions
  int status = 0;        // 0 until the response headers came
  std::string content_type;
  uint32_t extensions = 0;  // accepted by the response headers (and offered)
  uint32_t unoffered = 0;   // named by the response but never offered: a violation
  bool closed = false;
  uint32_t reset_code = 0;  // HTTP/2 error code it closed with
  uint64_t bytes_in = 0;
  std::unique_ptr<ResponseParser> parser;     // invocations
  std::string body;                           // other requests
  std::map<std::string, uint64_t> pings_out;  // nonce -> sent at (ns), until answered
  std::vector<PongSeen> pongs;
  size_t scanned = 0;  // messages already looked at for Pongs

  std::vector<Message> &messages() { return parser->messages(); }
  const Message *find(uint16_t type);
  size_t count(uint16_t type);
  // Index of the first message of the type, or SIZE_MAX.
  size_t index_of(uint16_t type);
  bool answered(const std::string &nonce) const;
};

class Connection : public h2::ClientListener {
 public:
  static std::unique_ptr<Connection> open(const Target &target, std::string *error,
                                          const h2::ClientOptions &options = h2::ClientOptions());

  // POST /invoke/Echo/{handler} with content type vN (0: the target's version),
  // offering the TETHER_EXT_* set in tether-extensions (none: no header); Start
  // (known_entries 1) goes first. The body stays open. -1 on failure (see error()).
  int32_t invoke(const std::string &handler, uint32_t version = 0, uint32_t offer = kOfferAll);
  // The same with a raw tether-extensions value (nullptr: no header).
  int32_t invoke_raw(const std::string &handler, uint32_t version, const char *offer);
  // Start + Input(input), body ended: a whole call.
  int32_t call(const std::string &handler, const std::string &input, uint32_t version = 0,
               uint32_t offer = kOfferAll);
  int32_t get(const std::string &path, const std::string &accept);
  bool send(int32_t stream, const std::string &bytes);
  bool send(int32_t stream, const uint8_t *data, size_t length);
  bool end(int32_t stream);
  // Waits for the stream's response headers, then true if they accepted every
  // feature of `features`; false with error() naming what was not accepted. No Ping
  // and no chunk may go before this holds.
  bool accepted(int32_t stream, uint32_t features);
  // Sends a Ping with a fresh nonce and returns the nonce ("" on failure). Refused
  // (see accepted()) on a stream whose response did not accept ping/1.
  std::string ping(int32_t stream);
  // Sends a Ping without asking for negotiation: for the case that checks the
  // endpoint refuses it. The nonce, "" on failure.
  std::string ping_unchecked(int32_t stream);
  bool h2_ping();

  // Handles I/O until done() holds (true) or timeout_ms passes or the connection
  // fails (false). done() is evaluated after every I/O step.
  bool wait(const std::function<bool()> &done, int timeout_ms);
  bool wait_closed(const std::vector<int32_t> &streams, int timeout_ms);

  Stream &stream(int32_t id) { return streams_[id]; }
  h2::Client &client() { return *client_; }
  const std::vector<uint64_t> &h2_rtts() const { return h2_rtts_; }
  uint64_t pings_sent() const { return pings_sent_; }
  const std::string &error() const { return error_; }

  void on_response(int32_t stream, const h2::ResponseHead &head) override;
  void on_data(int32_t stream, const uint8_t *data, size_t length) override;
  void on_close(int32_t stream, uint32_t error_code) override;
  void on_ping_ack(uint64_t rtt_ns) override;

 private:
  explicit Connection(const Target &target) : target_(target) {}
  void scan_pongs(Stream &s);
  std::string send_ping(int32_t stream);
  std::unique_ptr<ResponseParser> make_parser(const Stream &s) const;

  Target target_;
  std::unique_ptr<h2::Client> client_;
  std::map<int32_t, Stream> streams_;
  NonceSource nonces_;
  std::vector<uint64_t> h2_rtts_;
  uint64_t pings_sent_ = 0;
  uint64_t calls_ = 0;
  std::string error_;
};

}  // namespace tether::conformance
