// Bounded queues: feed() takes what fits and resumes without losing or repeating a
// byte; send() stops at the high watermark and WRITABLE fires below the low one;
// Pongs cannot pile up behind a transport that takes no output.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "session_support.h"

namespace {

using namespace session_test;

constexpr uint16_t kInput = TETHER_MSG_INPUT_COMMAND;

// FNV-1a over a sequence of (type, payload) records.
struct Digest {
  uint64_t h = 1469598103934665603ull;
  void bytes(const void *data, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      h ^= static_cast<const uint8_t *>(data)[i];
      h *= 1099511628211ull;
    }
  }
  void record(uint16_t type, const std::string &payload) {
    uint64_t size = payload.size();
    bytes(&type, sizeof type);
    bytes(&size, sizeof size);
    bytes(payload.data(), payload.size());
  }
};

TEST(SessionBackpressure, FeedResumesAfterWouldBlockWithNoByteLostOrDuplicated) {
  constexpr uint32_t kFrame = 256;
  constexpr uint64_t kMessage = 2048;
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 random(seed);
    tether_session_options o = options();
    o.max_frame_payload = kFrame;
    o.max_message_size = kMessage;
    o.inbound_budget = kMessage + kFrame + 8;  // the smallest allowed
    Harness h(o);

    Bytes wire;
    Digest sent;
    for (int m = 0; m < 300; ++m) {
      if (random() % 4 == 0) {
        std::string nonce = "n" + std::to_string(m);
        append(wire, ping_frame(nonce));
        sent.record(TETHER_MSG_PING, nonce);
        continue;
      }
      std::string payload(random() % (kMessage + 1), '\0');
      for (char &c : payload) c = static_cast<char>(random());
      for (size_t at = 0;;) {
        size_t part = std::min<size_t>(kFrame, payload.size() - at);
        bool more = at + part < payload.size();
        append(wire, frame(kInput, more ? TETHER_FLAG_CONTINUED : 0, payload.substr(at, part)));
        at += part;
        if (!more) break;
        if (random() % 8 == 0) {  // dispatched before the message it interrupts
          append(wire, ping_frame("between"));
          sent.record(TETHER_MSG_PING, "between");
        }
      }
      sent.record(kInput, payload);
    }

    Digest received;
    size_t offset = 0, blocked = 0;
    auto dispatch = [&](size_t n) {
      tether_event event;
      for (size_t i = 0; i < n && h->next_event(&event) == TETHER_OK; ++i) {
        received.record(event.type,
                        std::string(reinterpret_cast<const char *>(event.data), event.length));
      }
    };
    while (offset < wire.size()) {
      size_t length = std::min<size_t>(1 + random() % 700, wire.size() - offset);
      size_t consumed = 0;
      tether_status status = h->feed(wire.data() + offset, length, &consumed);
      offset += consumed;
      if (status == TETHER_WOULD_BLOCK) {
        ++blocked;
        tether_event event;
        // Something must be dispatchable: a full budget never deadlocks the stream.
        ASSERT_EQ(h->next_event(&event), TETHER_OK) << "seed " << seed << " at " << offset;
        received.record(event.type,
                        std::string(reinterpret_cast<const char *>(event.data), event.length));
      } else {
        ASSERT_EQ(status, TETHER_OK) << h->error().message();
        ASSERT_EQ(consumed, length);
      }
      dispatch(random() % 3);
      h.output_bytes();
    }
    dispatch(SIZE_MAX);
    EXPECT_EQ(h->finish_input(), TETHER_OK);
    EXPECT_GT(blocked, 0u) << "the budget never filled: the test would prove nothing";
    EXPECT_EQ(received.h, sent.h) << "seed " << seed;
    tether_session_stats s = h.stats();
    EXPECT_LE(s.peak_inbound_buffered, o.inbound_budget);
    EXPECT_EQ(s.inbound_buffered, 0u);
    EXPECT_EQ(s.bytes_in, wire.size());
  }
}

TEST(SessionBackpressure, SendBlocksAtTheHighMarkAndWritableFiresOnceBelowTheLowMark) {
  tether_session_options o = options();
  o.outbound_high_watermark = 4096;
  o.outbound_low_watermark = 1024;
  Harness h(o);
  std::string payload(1000, 'o');
  auto send = [&] {
    return h->send(kInput, reinterpret_cast<const uint8_t *>(payload.data()), payload.size());
  };
  int accepted = 0;
  tether_status status;
  while ((status = send()) == TETHER_OK) ++accepted;
  EXPECT_EQ(status, TETHER_WOULD_BLOCK);
  EXPECT_EQ(accepted, 5);  // 4 x 1008 = 4032 < 4096 admits a fifth
  EXPECT_NE(std::string(h->error().message()).find("high watermark 4096"), std::string::npos);
  EXPECT_EQ(h.drain().size(), 0u) << "no WRITABLE while the output is still full";

  const uint8_t *data;
  size_t length;
  ASSERT_EQ(h->pending_output(&data, &length), TETHER_OK);
  ASSERT_EQ(length, 5 * 1008u);
  ASSERT_EQ(h->consume_output(length - 1024), TETHER_OK);  // 1024 left: not below low
  EXPECT_EQ(h.drain().size(), 0u);
  ASSERT_EQ(h->consume_output(1), TETHER_OK);
  std::vector<Event> events = h.drain();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, TETHER_EVENT_WRITABLE);
  h.output_bytes();
  EXPECT_EQ(h.drain().size(), 0u) << "WRITABLE fires once per refusal";
  EXPECT_EQ(send(), TETHER_OK);
  tether_session_stats s = h.stats();
  EXPECT_EQ(s.peak_outbound_buffered, 5 * 1008u);
  EXPECT_EQ(s.outbound_buffered, 1008u);
}

TEST(SessionBackpressure, NoWritableEventWithoutARefusal) {
  Harness h;
  ASSERT_EQ(h->send(kInput, reinterpret_cast<const uint8_t *>("x"), 1), TETHER_OK);
  h.output_bytes();
  EXPECT_TRUE(h.drain().empty());
}

TEST(SessionBackpressure, PongsWaitWhenTheTransportTakesNoOutput) {
  tether_session_options o = options();
  o.outbound_high_watermark = 1024;
  o.outbound_low_watermark = 512;
  Harness h(o);
  std::string nonce(64, 'n');
  Bytes ping = ping_frame(nonce);
  size_t answered = 0;
  tether_status last = TETHER_OK;
  for (int round = 0; round < 2000 && last != TETHER_WOULD_BLOCK; ++round) {
    ASSERT_EQ(h.feed(ping), TETHER_OK);
    answered += h.drain(&last).size();
  }
  ASSERT_EQ(last, TETHER_WOULD_BLOCK) << "Pongs piled up without bound";
  uint64_t held = h.stats().outbound_buffered;
  EXPECT_LE(held, 1024u + 64 * 1024);
  EXPECT_NE(std::string(h->error().message()).find("take output"), std::string::npos);
  // The Ping waits first in line; once output is taken it is answered.
  std::string out = h.output_bytes();
  EXPECT_EQ(out.size(), held);
  std::vector<Event> events = h.drain(&last);
  EXPECT_EQ(last, TETHER_EMPTY);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].answered, 1);
  EXPECT_EQ(h.stats().pings_answered, answered + 1);
}

TEST(SessionBackpressure, OutputTakenInPiecesIsTheSameStream) {
  std::mt19937 random(7);
  tether_session_options o = options();
  o.max_frame_payload = 512;
  Harness h(o);
  std::string expected_payloads;
  std::string taken;
  for (int m = 0; m < 200; ++m) {
    std::string payload(random() % 3000, '\0');
    for (char &c : payload) c = static_cast<char>(random());
    tether_status status =
        h->send(kInput, reinterpret_cast<const uint8_t *>(payload.data()), payload.size());
    ASSERT_EQ(status, TETHER_OK);
    expected_payloads += payload;
    const uint8_t *data;
    size_t length;
    ASSERT_EQ(h->pending_output(&data, &length), TETHER_OK);
    size_t n = length == 0 ? 0 : random() % (length + 1);
    taken.append(reinterpret_cast<const char *>(data), n);
    ASSERT_EQ(h->consume_output(n), TETHER_OK);
  }
  taken += h.output_bytes();
  EXPECT_EQ(h.stats().bytes_out, taken.size());
  tether::FrameDecoder decoder(tether::FrameLimits{512, true}, SIZE_MAX, tether::Allocator());
  size_t consumed;
  ASSERT_EQ(decoder.feed(reinterpret_cast<const uint8_t *>(taken.data()), taken.size(), &consumed),
            TETHER_OK);
  std::string joined;
  tether::DecodedFrame f;
  while (decoder.next(&f) == TETHER_OK) {
    joined.append(reinterpret_cast<const char *>(f.payload), f.header.length);
  }
  EXPECT_EQ(joined, expected_payloads);
}

}  // namespace
