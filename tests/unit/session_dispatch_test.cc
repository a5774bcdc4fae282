// The dispatch step: arrival order, Pongs queued by next_event and never before,
// Ping rules by protocol version, End and the Pings still queued.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "session/ping.h"
#include "session_support.h"

namespace {

using namespace session_test;

TEST(SessionDispatch, FifoWithAPingInterleavedAtEveryPosition) {
  const std::vector<std::string> messages = {"a", "bb", "ccc", "dddd", "eeeee"};
  for (size_t position = 0; position <= messages.size(); ++position) {
    Harness h;
    Bytes stream;
    for (size_t i = 0; i <= messages.size(); ++i) {
      if (i == position) stream = concat({stream, ping_frame("nonce-" + std::to_string(i))});
      if (i < messages.size()) stream = concat({stream, message_frame(0x0400, messages[i])});
    }
    ASSERT_EQ(h.feed(stream), TETHER_OK);
    EXPECT_TRUE(h.output().empty()) << "a Pong before the dispatch step reached its Ping";
    std::vector<Event> events = h.drain();
    ASSERT_EQ(events.size(), messages.size() + 1);
    size_t next_message = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      if (i == position) {
        EXPECT_EQ(events[i].kind, TETHER_EVENT_PING);
        EXPECT_EQ(events[i].data, "nonce-" + std::to_string(position));
        EXPECT_EQ(events[i].answered, 1);
      } else {
        EXPECT_EQ(events[i].kind, TETHER_EVENT_MESSAGE);
        EXPECT_EQ(events[i].data, messages[next_message++]);
      }
    }
    std::vector<OutFrame> out = h.output();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(pong_nonce(out[0]), "nonce-" + std::to_string(position));
  }
}

TEST(SessionDispatch, EachPongAppearsOnlyWhenItsPingIsDispatched) {
  Harness h;
  ASSERT_EQ(h.feed(concat({ping_frame("1"), message_frame(0x0400, "m"), ping_frame("2")})),
            TETHER_OK);
  tether_event event;
  ASSERT_EQ(h->next_event(&event), TETHER_OK);
  std::vector<OutFrame> out = h.output();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(pong_nonce(out[0]), "1");
  ASSERT_EQ(h->next_event(&event), TETHER_OK);
  EXPECT_EQ(event.kind, TETHER_EVENT_MESSAGE);
  EXPECT_TRUE(h.output().empty());
  ASSERT_EQ(h->next_event(&event), TETHER_OK);
  out = h.output();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(pong_nonce(out[0]), "2");
  EXPECT_EQ(h->next_event(&event), TETHER_EMPTY);
  EXPECT_EQ(h.stats().pings_answered, 2u);
}

TEST(SessionDispatch, InputSplitAtEveryByteGivesTheSameEvents) {
  Bytes stream = concat({message_frame(TETHER_MSG_START, "start"), ping_frame("split"),
                         message_frame(0x0400, std::string(300, 'x')), message_frame(0x0003, "")});
  Harness h;
  std::vector<Event> events;
  for (uint8_t byte : stream) {
    ASSERT_EQ(h.feed(Bytes{byte}), TETHER_OK);
    for (Event &e : h.drain()) events.push_back(e);
  }
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].data, "start");
  EXPECT_EQ(events[1].data, "split");
  EXPECT_EQ(events[2].data, std::string(300, 'x'));
  EXPECT_EQ(events[3].type, TETHER_MSG_END);
  EXPECT_EQ(h->finish_input(), TETHER_OK);
}

TEST(SessionDispatch, PingsNotNegotiatedAreAProtocolViolationThatQueuesAnErrorMessage) {
  for (uint32_t version = 5; version <= 8; ++version) {
    Harness h(options(version, TETHER_EXT_CHUNKED));
    ASSERT_EQ(h.feed(message_frame(TETHER_MSG_START, "")), TETHER_OK);
    EXPECT_EQ(h.feed(ping_frame("n")), TETHER_PROTOCOL_VIOLATION);
    EXPECT_NE(std::string(h->error().message()).find("did not negotiate the ping/1 extension"),
              std::string::npos)
        << h->error().message();
    tether_event event;
    EXPECT_EQ(h->next_event(&event), TETHER_PROTOCOL_VIOLATION);
    EXPECT_EQ(h.feed(message_frame(0x0400, "late")), TETHER_STREAM_FAILED);
    std::vector<OutFrame> out = h.output();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, TETHER_MSG_ERROR);
    pb::ErrorMessage error;
    ASSERT_TRUE(error.ParseFromString(out[0].payload));
    EXPECT_EQ(error.code(), 571u);
    EXPECT_NE(error.message().find("did not negotiate the ping/1 extension"), std::string::npos);
    EXPECT_EQ(h->send(TETHER_MSG_END, nullptr, 0), TETHER_CLOSED);
  }
}

TEST(SessionDispatch, APongSentToTheSdkIsAProtocolViolation) {
  Harness h;
  EXPECT_EQ(h.feed(frame(TETHER_MSG_PONG, 0, "\x0a\x01x")), TETHER_PROTOCOL_VIOLATION);
}

TEST(SessionDispatch, MalformedPingsFailWithTheirOwnStatus) {
  struct Case {
    std::string body;
    tether_status status;
    const char *says;
  } cases[] = {
      {"", TETHER_PROTOCOL_VIOLATION, "without a nonce"},
      {std::string("\x0a\x00", 2), TETHER_PROTOCOL_VIOLATION, "without a nonce"},
      {"\x0a\x41" + std::string(65, 'n'), TETHER_PROTOCOL_VIOLATION, "65 bytes"},
      {"\x0a\x05"
       "ab",
       TETHER_BAD_MESSAGE, "PingMessage"},
      {"\x10\x01", TETHER_PROTOCOL_VIOLATION, "without a nonce"},  // only an unknown field
      {"\x09", TETHER_BAD_MESSAGE, "PingMessage"},                 // nonce as fixed64, cut
      {"\x0d\x01\x02\x03\x04", TETHER_BAD_MESSAGE, "wire type"},   // nonce as fixed32
  };
  for (const Case &c : cases) {
    Harness h;
    EXPECT_EQ(h.feed(frame(TETHER_MSG_PING, 0, c.body)), c.status) << c.says;
    EXPECT_NE(std::string(h->error().message()).find(c.says), std::string::npos)
        << h->error().message();
    std::vector<OutFrame> out = h.output();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, TETHER_MSG_ERROR);
  }
}

TEST(SessionDispatch, NonCanonicalPingsAreReadAsProtobufDoes) {
  // An unknown field first, then two nonces: the last one wins.
  std::string body = std::string("\x10\x07", 2) + "\x0a\x03one" + "\x0a\x03two";
  Harness h;
  ASSERT_EQ(h.feed(frame(TETHER_MSG_PING, 0, body)), TETHER_OK);
  pb::PingMessage parsed;
  ASSERT_TRUE(parsed.ParseFromString(body));
  std::vector<Event> events = h.drain();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, parsed.nonce());
  EXPECT_EQ(pong_nonce(h.output()[0]), "two");
}

TEST(SessionDispatch, PingCodecMatchesProtobufForEveryNonceLength) {
  for (size_t n = 1; n <= tether::kMaxNonce; ++n) {
    std::string nonce(n, '\0');
    for (size_t i = 0; i < n; ++i) nonce[i] = static_cast<char>(i * 37 + n);
    pb::PingMessage ping;
    ping.set_nonce(nonce);
    std::string body = ping.SerializeAsString();
    size_t offset = 0, length = 0;
    tether::ErrorSlot error;
    ASSERT_EQ(tether::parse_ping(reinterpret_cast<const uint8_t *>(body.data()), body.size(),
                                 &offset, &length, error),
              TETHER_OK);
    EXPECT_EQ(body.substr(offset, length), nonce);

    tether::ByteBuffer out{tether::Allocator()};
    ASSERT_EQ(tether::append_nonce_frame(out, TETHER_MSG_PONG,
                                         reinterpret_cast<const uint8_t *>(nonce.data()), n),
              TETHER_OK);
    ASSERT_EQ(out.size(), tether::nonce_frame_size(n));
    pb::PongMessage pong;
    pong.set_nonce(nonce);
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(out.data()) + 8, out.size() - 8),
              pong.SerializeAsString());
  }
}

TEST(SessionDispatch, EndAnswersThePingsStillQueuedRightBeforeIt) {
  Harness h;
  ASSERT_EQ(h.feed(concat({message_frame(0x0400, "in"), ping_frame("p1"), ping_frame("p2")})),
            TETHER_OK);
  tether_event event;
  ASSERT_EQ(h->next_event(&event), TETHER_OK);  // the input only
  ASSERT_EQ(h->send(TETHER_MSG_OUTPUT_COMMAND, reinterpret_cast<const uint8_t *>("out"), 3),
            TETHER_OK);
  ASSERT_EQ(h->send(TETHER_MSG_END, nullptr, 0), TETHER_OK);
  std::vector<OutFrame> out = h.output();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].type, TETHER_MSG_OUTPUT_COMMAND);
  EXPECT_EQ(pong_nonce(out[1]), "p1");
  EXPECT_EQ(pong_nonce(out[2]), "p2");
  EXPECT_EQ(out[3].type, TETHER_MSG_END);
  // Their events still come, saying they were answered; nothing more is queued.
  std::vector<Event> events = h.drain();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].answered, 1);
  EXPECT_EQ(events[1].answered, 1);
  EXPECT_TRUE(h.output().empty());
  EXPECT_EQ(h.stats().pings_answered, 2u);
}

TEST(SessionDispatch, APingReadAfterEndIsNotAnswered) {
  Harness h;
  ASSERT_EQ(h->send(TETHER_MSG_END, nullptr, 0), TETHER_OK);
  h.output();
  ASSERT_EQ(h.feed(ping_frame("late")), TETHER_OK);
  std::vector<Event> events = h.drain();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, TETHER_EVENT_PING);
  EXPECT_EQ(events[0].answered, 0);
  EXPECT_TRUE(h.output().empty());
  EXPECT_EQ(h->send(0x0400, nullptr, 0), TETHER_CLOSED);
  EXPECT_EQ(h->send(TETHER_MSG_ERROR, nullptr, 0), TETHER_CLOSED);
}

TEST(SessionDispatch, AfterAnErrorMessageIsSentPingsAreNotAnswered) {
  Harness h;
  ASSERT_EQ(h->send(TETHER_MSG_ERROR, reinterpret_cast<const uint8_t *>("\x08\x01"), 2), TETHER_OK);
  ASSERT_EQ(h.feed(ping_frame("after")), TETHER_OK);
  std::vector<Event> events = h.drain();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].answered, 0);
}

TEST(SessionDispatch, FinishInputInsideAFrameIsTruncated) {
  Harness h;
  Bytes f = message_frame(0x0400, "abcdef");
  f.pop_back();
  ASSERT_EQ(h.feed(f), TETHER_OK);
  EXPECT_EQ(h->finish_input(), TETHER_TRUNCATED);
  EXPECT_NE(std::string(h->error().message()).find("short"), std::string::npos);
  EXPECT_EQ(h.output()[0].type, TETHER_MSG_ERROR);
}

TEST(SessionDispatch, FinishInputStopsFeedingButNotDispatch) {
  Harness h;
  ASSERT_EQ(h.feed(message_frame(0x0400, "x")), TETHER_OK);
  ASSERT_EQ(h->finish_input(), TETHER_OK);
  EXPECT_EQ(h->finish_input(), TETHER_OK);
  EXPECT_EQ(h.feed(message_frame(0x0400, "y")), TETHER_CLOSED);
  EXPECT_EQ(h.drain().size(), 1u);
}

TEST(SessionDispatch, UnknownControlTypeFailsTheStreamNamingIt) {
  Harness h(options(7));
  EXPECT_EQ(h.feed(message_frame(0x03FF, "")), TETHER_UNKNOWN_TYPE);
  EXPECT_NE(std::string(h->error().message()).find("0x03ff on protocol V7"), std::string::npos);
  EXPECT_EQ(h.feed(message_frame(0x0400, "")), TETHER_STREAM_FAILED);
  EXPECT_NE(std::string(h->error().message()).find("0x03ff"), std::string::npos)
      << "the cause stays readable";
}

TEST(SessionDispatch, V8EphemeralMessagesPassThroughInOrder) {
  for (uint32_t extensions : {0u, TETHER_EXT_ALL}) {
    Harness h(options(8, extensions));
    ASSERT_EQ(h.feed(message_frame(TETHER_MSG_START, "s")), TETHER_OK);
    ASSERT_EQ(h.feed(message_frame(0x0300, "eph-1")), TETHER_OK);
    ASSERT_EQ(h.feed(message_frame(0x03FF, "eph-2")), TETHER_OK);
    ASSERT_EQ(h.feed(message_frame(0x0400, "input")), TETHER_OK);
    std::vector<Event> events = h.drain();
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[1].type, 0x0300);
    EXPECT_EQ(events[1].data, "eph-1");
    EXPECT_EQ(events[2].type, 0x03FF);
    EXPECT_EQ(events[3].data, "input");
    // An SDK on V8 may send ephemeral commands; on V7 they are no type at all.
    EXPECT_EQ(h->send(0x0200, nullptr, 0), TETHER_OK);
    Harness v7(options(7, extensions));
    EXPECT_EQ(v7->send(0x0200, nullptr, 0), TETHER_INVALID_ARGUMENT);
    EXPECT_NE(std::string(v7->error().message()).find("not known on protocol V7"),
              std::string::npos);
  }
}

TEST(SessionDispatch, SendMisuseIsRefusedAndTheSessionStaysUsable) {
  Harness h;
  EXPECT_EQ(h->send(0x0400, nullptr, 3), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->send(0x01FF, nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->send(TETHER_MSG_PING, nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->send(TETHER_MSG_PONG, nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->consume_output(1), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->next_event(nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(h->pending_output(nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  size_t consumed = 7;
  EXPECT_EQ(h->feed(nullptr, 1, &consumed), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(h->send(0x0400, reinterpret_cast<const uint8_t *>("ok"), 2), TETHER_OK);
  EXPECT_EQ(h.output().size(), 1u);
}

TEST(SessionDispatch, OptionsAreValidated) {
  auto refused = [](tether_session_options o) {
    tether_status status = TETHER_OK;
    tether::Session *s = tether::Session::create(&o, &status);
    tether::Session::destroy(s);
    return s == nullptr && status == TETHER_INVALID_ARGUMENT;
  };
  tether_session_options o = options();
  o.protocol_version = 4;
  EXPECT_TRUE(refused(o));
  o.protocol_version = 9;
  EXPECT_TRUE(refused(o));
  o = options();
  o.max_frame_payload = 0;
  EXPECT_TRUE(refused(o));
  o = options();
  o.max_message_size = 0;
  EXPECT_TRUE(refused(o));
  o.max_message_size = uint64_t{UINT32_MAX} + 1;
  EXPECT_TRUE(refused(o));
  o = options();
  o.inbound_budget = o.max_message_size + o.max_frame_payload + 7;
  EXPECT_TRUE(refused(o));
  o.inbound_budget += 1;
  EXPECT_FALSE(refused(o));
  o = options();
  o.outbound_high_watermark = 100;
  o.outbound_low_watermark = 101;
  EXPECT_TRUE(refused(o));
  o = options();
  o.allocator.malloc_fn = TrackingAllocator::do_malloc;
  EXPECT_TRUE(refused(o));

  tether_status status = TETHER_INTERNAL;
  tether::Session *s = tether::Session::create(nullptr, &status);
  ASSERT_EQ(status, TETHER_OK);
  EXPECT_EQ(s->inbound_budget().high(), uint64_t{32u << 20} + 2 * (1u << 20));
  EXPECT_EQ(s->outbound_budget().high(), uint64_t{4u << 20});
  EXPECT_EQ(s->outbound_budget().low(), uint64_t{1u << 20});
  tether::Session::destroy(s);
}

}  // namespace
