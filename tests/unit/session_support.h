// Drives a tether::Session in unit tests: wire bytes in, events and output frames
// out, and an allocator hook that tracks live bytes (sizes stored per block) so
// tests can assert the peak memory a session held.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "frame/decoder.h"
#include "frame_bytes.h"
#include "protocol.pb.h"
#include "session/session.h"
#include "tracking_allocator.h"

namespace session_test {

namespace pb = dev::restate::service::protocol;
using tether_test::Bytes;
using tether_test::concat;
using tether_test::frame;
using tether_test::TrackingAllocator;

inline Bytes ping_frame(const std::string &nonce) {
  pb::PingMessage ping;
  ping.set_nonce(nonce);
  return frame(TETHER_MSG_PING, 0, ping.SerializeAsString());
}

inline void append(Bytes &to, const Bytes &more) { to.insert(to.end(), more.begin(), more.end()); }

inline Bytes message_frame(uint16_t type, const std::string &payload, uint16_t flags = 0) {
  return frame(type, flags, payload);
}

inline tether_session_options options(uint32_t version = 8, uint32_t extensions = TETHER_EXT_ALL) {
  tether_session_options o;
  tether::session_default_options(&o);
  o.protocol_version = version;
  o.extensions = extensions;
  return o;
}

struct Event {
  tether_event_kind kind;
  uint16_t type;
  uint16_t flags;
  std::string data;
  int answered;
};

struct OutFrame {
  uint16_t type;
  uint16_t flags;
  std::string payload;
};

class Harness {
 public:
  explicit Harness(const tether_session_options &o = options()) {
    tether_status status = TETHER_OK;
    session_ = tether::Session::create(&o, &status);
    EXPECT_EQ(status, TETHER_OK);
  }
  ~Harness() { tether::Session::destroy(session_); }
  tether::Session *operator->() { return session_; }

  // Feeds everything; every byte must be taken.
  tether_status feed(const Bytes &bytes) {
    size_t consumed = 0;
    tether_status status = session_->feed(bytes.data(), bytes.size(), &consumed);
    if (status == TETHER_OK) {
      EXPECT_EQ(consumed, bytes.size());
    }
    return status;
  }
  // Every event ready now; *last receives the status that ended the loop.
  std::vector<Event> drain(tether_status *last = nullptr) {
    std::vector<Event> events;
    tether_event event;
    tether_status status;
    while ((status = session_->next_event(&event)) == TETHER_OK) {
      events.push_back(Event{event.kind, event.type, event.flags,
                             std::string(reinterpret_cast<const char *>(event.data), event.length),
                             event.answered});
    }
    if (last) *last = status;
    return events;
  }
  std::string output_bytes() {
    const uint8_t *data;
    size_t length;
    EXPECT_EQ(session_->pending_output(&data, &length), TETHER_OK);
    std::string out(reinterpret_cast<const char *>(data), length);
    EXPECT_EQ(session_->consume_output(length), TETHER_OK);
    return out;
  }
  // Output as frames, through the frame decoder (CONTINUED allowed).
  std::vector<OutFrame> output() {
    std::string bytes = output_bytes();
    tether::FrameDecoder decoder(tether::FrameLimits{UINT32_MAX, true}, SIZE_MAX,
                                 tether::Allocator());
    size_t consumed = 0;
    EXPECT_EQ(
        decoder.feed(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), &consumed),
        TETHER_OK);
    EXPECT_EQ(decoder.finish(), TETHER_OK);
    std::vector<OutFrame> frames;
    tether::DecodedFrame f;
    while (decoder.next(&f) == TETHER_OK) {
      frames.push_back(
          OutFrame{f.header.type, f.header.flags,
                   std::string(reinterpret_cast<const char *>(f.payload), f.header.length)});
    }
    return frames;
  }
  tether_session_stats stats() {
    tether_session_stats s{};
    s.struct_size = sizeof s;
    session_->stats(&s);
    return s;
  }

 private:
  tether::Session *session_ = nullptr;
};

inline std::string pong_nonce(const OutFrame &f) {
  EXPECT_EQ(f.type, TETHER_MSG_PONG);
  pb::PongMessage pong;
  EXPECT_TRUE(pong.ParseFromString(f.payload));
  return pong.nonce();
}

}  // namespace session_test
