// Loopback test harness: the reference endpoint (Echo, over the C API) on an
// ephemeral port, and an h2c client that records each stream's response and the
// decoded frames of invocation bodies.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/byte_buffer.h"
#include "echo_service.h"
#include "frame/decoder.h"
#include "frame/header.h"
#include "h2/client.h"
#include "h2/net.h"
#include "h2/runtime_messages.h"
#include "prober/ping_codec.h"
#include "protocol.pb.h"

namespace tether_test {

namespace pb = dev::restate::service::protocol;

inline const std::string kV8 = "application/vnd.restate.invocation.v8";

struct Frame {
  uint16_t type;
  uint16_t flags;
  std::string payload;
};

struct Response {
  int status = 0;
  std::string content_type;
  uint32_t extensions = 0;  // accepted by the response's tether-extensions header
  std::string body;
  bool closed = false;
  uint32_t error_code = 0;
  uint64_t closed_ns = 0;

  // The body as frames; CONTINUED chunks of one message joined.
  std::vector<Frame> frames() const {
    std::vector<Frame> out;
    bool continuing = false;
    decode([&](const tether::DecodedFrame &f) {
      std::string payload(reinterpret_cast<const char *>(f.payload), f.header.length);
      if (continuing) {
        out.back().payload += payload;
      } else {
        out.push_back(Frame{f.header.type, f.header.flags, payload});
      }
      continuing = (f.header.flags & TETHER_FLAG_CONTINUED) != 0;
    });
    return out;
  }

  // Frames on the wire that carry CONTINUED.
  size_t continued_frames() const {
    size_t n = 0;
    decode(
        [&](const tether::DecodedFrame &f) { n += (f.header.flags & TETHER_FLAG_CONTINUED) != 0; });
    return n;
  }

 private:
  void decode(const std::function<void(const tether::DecodedFrame &)> &each) const {
    tether::FrameLimits limits;
    limits.allow_continued = true;
    tether::FrameDecoder decoder(limits, 64u << 20, tether::Allocator());
    size_t used = 0;
    EXPECT_EQ(decoder.feed(reinterpret_cast<const uint8_t *>(body.data()), body.size(), &used),
              TETHER_OK);
    tether::DecodedFrame f;
    while (decoder.next(&f) == TETHER_OK) each(f);
  }
};

// Holds each handler that passes it until open(), so that a test decides when its
// dispatch thread is free again (20 s at most: a failing test still ends).
class Gate {
 public:
  void pass() {
    std::unique_lock<std::mutex> lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return open_; });
  }
  void open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  int entered() {
    std::lock_guard<std::mutex> lock(mu_);
    return entered_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  bool open_ = false;
};

// A C handler (user_data: a Gate) that passes the gate, then answers "ok".
inline void gate_handler(const tether_invocation_input *, tether_reply *reply, void *gate) {
  static_cast<Gate *>(gate)->pass();
  tether_reply_value(reply, reinterpret_cast<const uint8_t *>("ok"), 2);
}

class Endpoint {
 public:
  // more: registers handlers of the test's own beside Echo's, before the start.
  explicit Endpoint(tether_endpoint_options *options = nullptr,
                    const std::function<void(tether_endpoint *)> &more = {}) {
    tether_endpoint_options defaults;
    tether_endpoint_options_init(&defaults);
    EXPECT_EQ(tether_endpoint_new(options ? options : &defaults, &handle_), TETHER_OK);
    EXPECT_EQ(echo_service_register(handle_), TETHER_OK);
    if (more) more(handle_);
    EXPECT_EQ(tether_endpoint_start(handle_), TETHER_OK) << tether_endpoint_last_error(handle_);
    EXPECT_EQ(tether_endpoint_port(handle_, &port_), TETHER_OK);
  }
  ~Endpoint() { tether_endpoint_free(handle_); }
  uint16_t port() const { return port_; }
  tether_endpoint *handle() const { return handle_; }
  tether_endpoint_stats stats() const {
    tether_endpoint_stats s{};
    s.struct_size = sizeof s;
    EXPECT_EQ(tether_endpoint_stats_get(handle_, &s), TETHER_OK);
    return s;
  }

 private:
  tether_endpoint *handle_ = nullptr;
  uint16_t port_ = 0;
};

class Conn : public tether::h2::ClientListener {
 public:
  // must_connect false: a failed connect leaves client null without failing the test.
  explicit Conn(uint16_t port, const tether::h2::ClientOptions &options = {},
                bool must_connect = true) {
    std::string error;
    client = tether::h2::Client::connect("127.0.0.1", port, this, &error, options);
    if (must_connect) {
      EXPECT_TRUE(client) << error;
    }
  }

  int32_t get(const std::string &path, const std::string &accept) {
    return client->request("GET", path, {{"accept", accept}}, false);
  }
  // A POST whose body is sent now; end=false keeps the request open. It offers the
  // whole tether extension unless offer is nullptr.
  int32_t post(const std::string &path, const std::string &content_type, const std::string &body,
               bool end = true, const char *offer = "ping/1, chunked/1") {
    tether::h2::Headers headers{{"content-type", content_type}};
    if (offer != nullptr) headers.emplace_back(TETHER_EXTENSIONS_HEADER, offer);
    int32_t id = client->request("POST", path, headers, true);
    EXPECT_GT(id, 0) << client->error();
    send(id, body);
    if (end) client->end(id);
    return id;
  }
  void send(int32_t id, const std::string &bytes) {
    EXPECT_EQ(client->write(id, reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()),
              TETHER_OK);
  }
  int32_t invoke(const std::string &handler, const std::string &input,
                 const std::string &content_type = kV8) {
    return post("/invoke/Echo/" + handler, content_type,
                tether::h2::start_frame("inv-1", "inv_test", 1) + tether::h2::input_frame(input));
  }

  // Runs the client until done() (true) or a generous timeout (false).
  bool run_until(const std::function<bool()> &done, int timeout_ms = 10000) {
    uint64_t deadline = tether::h2::monotonic_ns() + uint64_t(timeout_ms) * 1000000;
    while (!done()) {
      if (tether::h2::monotonic_ns() > deadline) return false;
      if (client->run(5) != TETHER_OK) return done();
    }
    return true;
  }
  bool wait_closed(int32_t id) {
    return run_until([&] { return responses[id].closed; });
  }

  void on_response(int32_t stream, const tether::h2::ResponseHead &head) override {
    responses[stream].status = head.status;
    responses[stream].content_type = head.content_type;
    responses[stream].extensions = head.extensions;
  }
  void on_data(int32_t stream, const uint8_t *data, size_t length) override {
    responses[stream].body.append(reinterpret_cast<const char *>(data), length);
    if (on_bytes) on_bytes(stream);
  }
  void on_close(int32_t stream, uint32_t error_code) override {
    responses[stream].closed = true;
    responses[stream].error_code = error_code;
    responses[stream].closed_ns = tether::h2::monotonic_ns();
  }
  void on_ping_ack(uint64_t rtt_ns) override {
    ping_acks_ns.push_back(tether::h2::monotonic_ns());
    ping_rtts_ns.push_back(rtt_ns);
  }

  std::unique_ptr<tether::h2::Client> client;
  std::map<int32_t, Response> responses;
  std::vector<uint64_t> ping_acks_ns, ping_rtts_ns;
  std::function<void(int32_t)> on_bytes;
};

inline std::string raw_frame(uint16_t type, uint16_t flags, const std::string &payload) {
  std::string out(tether::kFrameHeaderSize, '\0');
  tether::encode_header(tether::FrameHeader{type, flags, uint32_t(payload.size())},
                        reinterpret_cast<uint8_t *>(out.data()));
  return out + payload;
}

inline std::string ping_frame(const std::string &nonce) {
  tether::ByteBuffer out{tether::Allocator()};
  EXPECT_EQ(
      tether::append_ping_frame(out, reinterpret_cast<const uint8_t *>(nonce.data()), nonce.size()),
      TETHER_OK);
  return std::string(reinterpret_cast<const char *>(out.data()), out.size());
}

inline std::string output_value(const Frame &f) {
  pb::OutputCommandMessage m;
  EXPECT_TRUE(m.ParseFromString(f.payload));
  return m.value().content();
}

// Asserts that a fresh echo on conn still works (the server kept serving).
inline void expect_echo(Conn &conn, const std::string &text = "still here") {
  int32_t id = conn.invoke("echo", text);
  ASSERT_TRUE(conn.wait_closed(id));
  std::vector<Frame> frames = conn.responses[id].frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(output_value(frames[0]), text);
}

}  // namespace tether_test
