// The handler lifecycle through tether::Invocation, fed with wire bytes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "frame/header.h"
#include "frame_bytes.h"
#include "invocation/invocation.h"
#include "protocol.pb.h"

namespace {

namespace pb = dev::restate::service::protocol;
using tether_test::Bytes;
using tether_test::concat;
using tether_test::frame;

struct Message {
  uint16_t type;
  std::string payload;
};

Bytes start_frame(uint32_t known_entries = 1, const std::string &key = "") {
  pb::StartMessage start;
  start.set_id("\x01\x02\x03");
  start.set_debug_id("inv_test");
  start.set_known_entries(known_entries);
  start.set_key(key);
  start.set_retry_count_since_last_stored_entry(2);
  return frame(TETHER_MSG_START, 0, start.SerializeAsString());
}

Bytes input_frame(const std::string &value) {
  pb::InputCommandMessage input;
  auto *header = input.add_headers();
  header->set_key("x-trace");
  header->set_value("abc");
  input.mutable_value()->set_content(value);
  return frame(TETHER_MSG_INPUT_COMMAND, 0, input.SerializeAsString());
}

Bytes ping_frame(const std::string &nonce) {
  pb::PingMessage ping;
  ping.set_nonce(nonce);
  return frame(TETHER_MSG_PING, 0, ping.SerializeAsString());
}

class Stream {
 public:
  explicit Stream(uint32_t version = 5, uint64_t max_output_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE,
                  tether_session_options session = default_session()) {
    session.protocol_version = version;
    tether_status status = TETHER_OK;
    invocation_ = tether::Invocation::create(&session, max_output_size, &status);
    EXPECT_EQ(status, TETHER_OK);
  }
  ~Stream() { tether::Invocation::destroy(invocation_); }

  static tether_session_options default_session() {
    tether_session_options options{};
    options.struct_size = sizeof options;
    options.protocol_version = 5;
    options.max_frame_payload = TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
    options.max_message_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
    options.extensions = TETHER_EXT_ALL;  // as if the runtime offered it and it was accepted
    return options;
  }

  tether::Invocation &operator*() { return *invocation_; }
  tether::Invocation *operator->() { return invocation_; }

  void feed(const Bytes &bytes) {
    size_t consumed = 0;
    ASSERT_EQ(invocation_->feed(bytes.data(), bytes.size(), &consumed), TETHER_OK)
        << invocation_->error().message();
    ASSERT_EQ(consumed, bytes.size());
  }

  tether_status poll(tether_invocation_event_kind *kind = nullptr) {
    tether_invocation_event event{};
    tether_status status = invocation_->poll(&event);
    if (kind != nullptr) *kind = status == TETHER_OK ? event.kind : tether_invocation_event_kind{};
    return status;
  }

  // Takes all pending output and decodes it into messages (chunks joined).
  std::vector<Message> take() {
    for (;;) {
      const uint8_t *data = nullptr;
      size_t length = 0;
      EXPECT_EQ(invocation_->pending_output(&data, &length), TETHER_OK);
      if (length == 0) break;
      wire_.insert(wire_.end(), data, data + length);
      EXPECT_EQ(invocation_->consume_output(length), TETHER_OK);
    }
    std::vector<Message> messages;
    size_t pos = 0;
    std::string pending;
    while (wire_.size() - pos >= TETHER_FRAME_HEADER_SIZE) {
      tether::FrameHeader header = tether::decode_header(wire_.data() + pos);
      if (wire_.size() - pos - TETHER_FRAME_HEADER_SIZE < header.length) break;
      pending.append(reinterpret_cast<const char *>(wire_.data() + pos + 8), header.length);
      pos += TETHER_FRAME_HEADER_SIZE + header.length;
      if (header.flags & TETHER_FLAG_CONTINUED) continue;
      messages.push_back(Message{header.type, std::move(pending)});
      pending.clear();
    }
    wire_.erase(wire_.begin(), wire_.begin() + static_cast<std::ptrdiff_t>(pos));
    return messages;
  }

  // Starts an invocation with the given input and checks that RUN is reported.
  void run(const std::string &value) {
    feed(concat({start_frame(), input_frame(value)}));
    tether_invocation_event_kind kind{};
    ASSERT_EQ(poll(&kind), TETHER_OK) << invocation_->error().message();
    ASSERT_EQ(kind, TETHER_INVOCATION_EVENT_RUN);
  }

  void expect_done() {
    tether_invocation_event_kind kind{};
    ASSERT_EQ(poll(&kind), TETHER_OK) << invocation_->error().message();
    EXPECT_EQ(kind, TETHER_INVOCATION_EVENT_DONE);
    EXPECT_EQ(poll(), TETHER_CLOSED);
    EXPECT_EQ(invocation_->state(), TETHER_INVOCATION_DONE);
  }

 private:
  tether::Invocation *invocation_ = nullptr;
  Bytes wire_;
};

pb::OutputCommandMessage output_of(const Message &message) {
  EXPECT_EQ(message.type, TETHER_MSG_OUTPUT_COMMAND);
  pb::OutputCommandMessage output;
  EXPECT_TRUE(output.ParseFromString(message.payload));
  return output;
}

pb::ErrorMessage error_of(const Message &message) {
  EXPECT_EQ(message.type, TETHER_MSG_ERROR);
  pb::ErrorMessage error;
  EXPECT_TRUE(error.ParseFromString(message.payload));
  return error;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

TEST(InvocationLifecycle, EchoAnswersOutputThenEnd) {
  Stream stream;
  stream.run("hello");
  const tether_invocation_input &input = stream->input();
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(input.value), input.value_length), "hello");
  EXPECT_EQ(std::string(input.debug_id, input.debug_id_length), "inv_test");
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(input.id), input.id_length), "\x01\x02\x03");
  EXPECT_EQ(input.known_entries, 1u);
  EXPECT_EQ(input.retry_count_since_last_stored_entry, 2u);
  ASSERT_EQ(input.header_count, 1u);
  EXPECT_EQ(std::string(input.headers[0].key, input.headers[0].key_length), "x-trace");
  EXPECT_EQ(stream->state(), TETHER_INVOCATION_RUNNING);
  EXPECT_EQ(stream.poll(), TETHER_EMPTY);

  ASSERT_EQ(stream->complete(input.value, input.value_length), TETHER_OK);
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(output_of(out[0]).value().content(), "hello");
  EXPECT_EQ(out[1].type, TETHER_MSG_END);
  EXPECT_EQ(out[1].payload, "");
}

class InvocationVersions : public testing::TestWithParam<uint32_t> {};

TEST_P(InvocationVersions, EchoOnEveryProtocolVersion) {
  Stream stream(GetParam());
  stream.run("v");
  ASSERT_EQ(stream->complete(stream->input().value, stream->input().value_length), TETHER_OK);
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(output_of(out[0]).value().content(), "v");
  EXPECT_EQ(out[1].type, TETHER_MSG_END);
}

INSTANTIATE_TEST_SUITE_P(V5toV8, InvocationVersions, testing::Values(5u, 6u, 7u, 8u));

TEST(InvocationLifecycle, InputSplitAtEveryByte) {
  Stream stream;
  Bytes wire = concat({start_frame(1, "key-1"), input_frame("split")});
  for (size_t i = 0; i < wire.size(); ++i) {
    stream.feed(Bytes{wire[i]});
    tether_invocation_event_kind kind{};
    tether_status status = stream.poll(&kind);
    if (i + 1 < wire.size()) {
      ASSERT_EQ(status, TETHER_EMPTY) << "at byte " << i;
    } else {
      ASSERT_EQ(status, TETHER_OK);
      EXPECT_EQ(kind, TETHER_INVOCATION_EVENT_RUN);
    }
  }
  EXPECT_EQ(std::string(stream->input().key, stream->input().key_length), "key-1");
}

TEST(InvocationLifecycle, PingsAreAnsweredBeforeInputWhileRunningAndBeforeEnd) {
  Stream stream(8);
  stream.feed(concat({start_frame(), ping_frame("one"), input_frame("v"), ping_frame("two")}));
  tether_invocation_event_kind kind{};
  ASSERT_EQ(stream.poll(&kind), TETHER_OK);
  ASSERT_EQ(kind, TETHER_INVOCATION_EVENT_RUN);
  EXPECT_EQ(stream.poll(), TETHER_EMPTY);  // dispatches "two"
  stream.feed(ping_frame("three"));        // read while the handler runs
  ASSERT_EQ(stream->complete(nullptr, 0), TETHER_OK);
  stream.expect_done();
  std::vector<Message> out = stream.take();
  std::vector<uint16_t> types;
  for (const Message &m : out) types.push_back(m.type);
  EXPECT_EQ(types,
            (std::vector<uint16_t>{TETHER_MSG_PONG, TETHER_MSG_PONG, TETHER_MSG_OUTPUT_COMMAND,
                                   TETHER_MSG_PONG, TETHER_MSG_END}));
  pb::PongMessage pong;
  ASSERT_TRUE(pong.ParseFromString(out[3].payload));
  EXPECT_EQ(pong.nonce(), "three");
  tether_session_stats stats{};
  stats.struct_size = sizeof stats;
  stream->session_stats(&stats);
  EXPECT_EQ(stats.pings_answered, 3u);
}

TEST(InvocationLifecycle, InputStaysPutWhileTheLoopGoesOn) {
  Stream stream(8);
  stream.run("stable input");
  const uint8_t *value = stream->input().value;
  for (int i = 0; i < 50; ++i) {
    stream.feed(ping_frame("n" + std::to_string(i)));
    EXPECT_EQ(stream.poll(), TETHER_EMPTY);
    stream.take();
  }
  EXPECT_EQ(stream->input().value, value);
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(value), 12), "stable input");
}

TEST(InvocationLifecycle, OversizeOutputCompletesWithFailure413NamingSizeAndLimit) {
  Stream stream(5, 1000);
  stream.run("x");
  std::string big(2000, 'b');  // encodes to 2006 bytes
  EXPECT_EQ(stream->complete(reinterpret_cast<const uint8_t *>(big.data()), big.size()),
            TETHER_MESSAGE_TOO_LARGE);
  std::string said = stream->error().message();
  EXPECT_TRUE(contains(said, "2006 bytes")) << said;
  EXPECT_TRUE(contains(said, "limit of 1000 bytes")) << said;
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 2u);
  pb::OutputCommandMessage output = output_of(out[0]);
  ASSERT_TRUE(output.has_failure());
  EXPECT_EQ(output.failure().code(), 413u);
  EXPECT_EQ(output.failure().message(), said);
  EXPECT_EQ(out[1].type, TETHER_MSG_END);
}

TEST(InvocationLifecycle, OutputAtTheLimitGoesThrough) {
  Stream stream(5, 1006);
  stream.run("x");
  std::string value(1000, 'v');  // encodes to exactly 1006 bytes
  ASSERT_EQ(stream->complete(reinterpret_cast<const uint8_t *>(value.data()), value.size()),
            TETHER_OK);
  stream.expect_done();
  EXPECT_EQ(output_of(stream.take()[0]).value().content(), value);
}

TEST(InvocationLifecycle, TheSessionMessageLimitCapsTheOutputLimit) {
  tether_session_options session = Stream::default_session();
  session.max_message_size = 4096;
  session.inbound_budget = 0;
  Stream stream(5, TETHER_DEFAULT_MAX_MESSAGE_SIZE, session);
  stream.run("x");
  std::string big(5000, 'b');
  EXPECT_EQ(stream->complete(reinterpret_cast<const uint8_t *>(big.data()), big.size()),
            TETHER_MESSAGE_TOO_LARGE);
  EXPECT_TRUE(contains(stream->error().message(), "limit of 4096 bytes"))
      << stream->error().message();
}

TEST(InvocationLifecycle, TerminalFailureIsAnOutputWithFailureThenEnd) {
  Stream stream;
  stream.run("x");
  ASSERT_EQ(stream->fail_terminal(409, "conflict", 8), TETHER_OK);
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 2u);
  pb::OutputCommandMessage output = output_of(out[0]);
  EXPECT_EQ(output.failure().code(), 409u);
  EXPECT_EQ(output.failure().message(), "conflict");
  EXPECT_EQ(out[1].type, TETHER_MSG_END);
}

TEST(InvocationLifecycle, RetryableFailureIsAnErrorMessageWithoutEnd) {
  Stream stream;
  stream.run("x");
  ASSERT_EQ(stream->fail_retryable(500, "database down", 13), TETHER_OK);
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 1u);
  pb::ErrorMessage error = error_of(out[0]);
  EXPECT_EQ(error.code(), 500u);
  EXPECT_EQ(error.message(), "database down");
}

TEST(InvocationLifecycle, AReplayIsRefusedNeverAnsweredWrongly) {
  Stream stream;
  stream.feed(concat({start_frame(3), input_frame("x"), frame(0x0402, 0, "")}));
  tether_invocation_event_kind kind{};
  ASSERT_EQ(stream.poll(&kind), TETHER_OK);
  EXPECT_EQ(kind, TETHER_INVOCATION_EVENT_DONE);
  EXPECT_EQ(stream.poll(), TETHER_CLOSED);
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 1u);
  pb::ErrorMessage error = error_of(out[0]);
  EXPECT_EQ(error.code(), 570u);
  EXPECT_TRUE(contains(error.message(), "3 entries is not supported")) << error.message();
  EXPECT_EQ(stream->complete(nullptr, 0), TETHER_INVALID_STATE);
}

struct Refusal {
  const char *name;
  Bytes wire;
  tether_status status;
  const char *says;
};

class InvocationRefusal : public testing::TestWithParam<Refusal> {};

TEST_P(InvocationRefusal, QueuesErrorMessage571AndEnds) {
  const Refusal &c = GetParam();
  Stream stream;
  stream.feed(c.wire);
  EXPECT_EQ(stream.poll(), c.status);
  EXPECT_TRUE(contains(stream->error().message(), c.says)) << stream->error().message();
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 1u);
  pb::ErrorMessage error = error_of(out[0]);
  EXPECT_EQ(error.code(), 571u);
  EXPECT_TRUE(contains(error.message(), c.says)) << error.message();
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, InvocationRefusal,
    testing::Values(
        Refusal{"InputFirst", input_frame("x"), TETHER_PROTOCOL_VIOLATION,
                "expected Start, got InputCommand"},
        Refusal{"BadStart", frame(TETHER_MSG_START, 0, std::string("\x0a\x09", 2)),
                TETHER_BAD_MESSAGE, "StartMessage: field 1 runs past the end"},
        Refusal{"NoEntries", start_frame(0), TETHER_PROTOCOL_VIOLATION, "no journal entries"},
        Refusal{"CommandInsteadOfInput", concat({start_frame(), frame(0x0402, 0, "")}),
                TETHER_PROTOCOL_VIOLATION, "expected InputCommand after Start"},
        Refusal{
            "BadInput",
            concat({start_frame(), frame(TETHER_MSG_INPUT_COMMAND, 0, std::string("\x70\x01", 2))}),
            TETHER_BAD_MESSAGE, "InputCommandMessage: field value (14) has wire type 0"}),
    [](const testing::TestParamInfo<Refusal> &info) { return std::string(info.param.name); });

TEST(InvocationLifecycle, AMessageWhileRunningIsAProtocolViolation) {
  Stream stream;
  stream.run("x");
  stream.feed(frame(0x8002, 0, ""));
  EXPECT_EQ(stream.poll(), TETHER_PROTOCOL_VIOLATION);
  EXPECT_TRUE(contains(stream->error().message(), "while the handler runs"));
  EXPECT_EQ(stream->complete(nullptr, 0), TETHER_INVALID_STATE);
  stream.expect_done();
  EXPECT_EQ(error_of(stream.take()[0]).code(), 571u);
}

TEST(InvocationLifecycle, AMalformedStreamEndsWithTheSessionsError) {
  Stream stream;
  tether_test::Bytes unknown = frame(0x0300, 0, "");  // an unknown control type
  size_t consumed = 0;
  EXPECT_EQ(stream->feed(unknown.data(), unknown.size(), &consumed), TETHER_UNKNOWN_TYPE);
  EXPECT_EQ(stream.poll(), TETHER_UNKNOWN_TYPE);
  EXPECT_TRUE(contains(stream->error().message(), "0x0300")) << stream->error().message();
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, TETHER_MSG_ERROR);
}

TEST(InvocationLifecycle, ResultsAreRefusedUnlessTheHandlerRuns) {
  Stream stream;
  EXPECT_EQ(stream->complete(nullptr, 0), TETHER_INVALID_STATE);
  EXPECT_TRUE(contains(stream->error().message(), "waiting for Start"));
  EXPECT_EQ(stream->fail_terminal(400, "x", 1), TETHER_INVALID_STATE);
  EXPECT_EQ(stream->fail_retryable(500, "x", 1), TETHER_INVALID_STATE);
  stream.run("x");
  ASSERT_EQ(stream->complete(nullptr, 0), TETHER_OK);
  EXPECT_EQ(stream->complete(nullptr, 0), TETHER_INVALID_STATE);
  EXPECT_TRUE(contains(stream->error().message(), "ending"));
  EXPECT_EQ(stream->fail_retryable(500, "x", 1), TETHER_INVALID_STATE);
}

TEST(InvocationLifecycle, BadResultArgumentsAreRefusedAndTheHandlerMayRetry) {
  Stream stream(5, 200);
  stream.run("x");
  EXPECT_EQ(stream->complete(nullptr, 3), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(stream->fail_terminal(400, nullptr, 3), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(stream->fail_terminal(400, "\xff", 1), TETHER_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(stream->error().message(), "not valid UTF-8"));
  EXPECT_EQ(stream->fail_retryable(500, "\xc3", 1), TETHER_INVALID_ARGUMENT);
  std::string long_message(300, 'm');
  EXPECT_EQ(stream->fail_terminal(400, long_message.data(), long_message.size()),
            TETHER_MESSAGE_TOO_LARGE);
  EXPECT_EQ(stream->fail_retryable(500, long_message.data(), long_message.size()),
            TETHER_MESSAGE_TOO_LARGE);
  EXPECT_EQ(stream->state(), TETHER_INVOCATION_RUNNING);
  EXPECT_EQ(stream.take().size(), 0u);  // nothing was queued
  ASSERT_EQ(stream->fail_terminal(400, "short", 5), TETHER_OK);
  stream.expect_done();
}

// End is the stream's last word: a full outbound budget never holds it back.
TEST(InvocationLifecycle, EndIsNeverHeldBackByTheOutboundBudget) {
  tether_session_options session = Stream::default_session();
  session.outbound_high_watermark = 1024;
  session.outbound_low_watermark = 512;
  Stream stream(5, TETHER_DEFAULT_MAX_MESSAGE_SIZE, session);
  stream.run("x");
  std::string value(4096, 'v');
  ASSERT_EQ(stream->complete(reinterpret_cast<const uint8_t *>(value.data()), value.size()),
            TETHER_OK);
  stream.expect_done();  // with 4 KiB of output still queued, over the high mark
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(output_of(out[0]).value().content(), value);
  EXPECT_EQ(out[1].type, TETHER_MSG_END);
}

TEST(InvocationLifecycle, AResultRefusedForBackpressureIsRetriedAfterWritable) {
  tether_session_options session = Stream::default_session();
  session.outbound_high_watermark = 256;
  session.outbound_low_watermark = 128;
  Stream stream(8, TETHER_DEFAULT_MAX_MESSAGE_SIZE, session);
  stream.run("x");
  for (int i = 0; i < 20; ++i) stream.feed(ping_frame("nonce-0123456789-" + std::to_string(i)));
  EXPECT_EQ(stream.poll(), TETHER_EMPTY);  // 20 Pongs queued, over the high mark
  ASSERT_EQ(stream->complete(nullptr, 0), TETHER_WOULD_BLOCK);
  EXPECT_EQ(stream->state(), TETHER_INVOCATION_RUNNING);
  EXPECT_EQ(stream.take().size(), 20u);
  tether_invocation_event_kind kind{};
  ASSERT_EQ(stream.poll(&kind), TETHER_OK);
  EXPECT_EQ(kind, TETHER_INVOCATION_EVENT_WRITABLE);
  ASSERT_EQ(stream->complete(nullptr, 0), TETHER_OK);
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].type, TETHER_MSG_END);
}

// Input after DONE has nothing to act on: it is taken and dropped, never left to fill
// the inbound budget (the transport would stop releasing flow-control window).
TEST(InvocationLifecycle, InputAfterDoneIsTakenAndDropped) {
  tether_session_options session = Stream::default_session();
  session.max_frame_payload = 1024;
  session.max_message_size = 1024;
  session.inbound_budget = 0;  // the smallest: 3 KiB
  Stream stream(8, TETHER_DEFAULT_MAX_MESSAGE_SIZE, session);
  stream.run("x");
  ASSERT_EQ(stream->complete(nullptr, 0), TETHER_OK);
  stream.expect_done();
  Bytes late = frame(0xFC00, 0, std::string(1000, 'c'));
  for (int i = 0; i < 50; ++i) {
    size_t consumed = 0;
    ASSERT_EQ(stream->feed(late.data(), late.size(), &consumed), TETHER_OK) << "feed " << i;
    ASSERT_EQ(consumed, late.size()) << "feed " << i;
  }
  EXPECT_EQ(stream.take().size(), 2u);  // Output + End, nothing after
}

// The 413 Failure must fit the limit it names, or it would be refused in turn and the
// stream would end with nothing: its text is cut short.
TEST(InvocationLifecycle, The413FailureFitsASmallLimit) {
  Stream stream(5, 60);
  stream.run("x");
  std::string big(100, 'b');
  EXPECT_EQ(stream->complete(reinterpret_cast<const uint8_t *>(big.data()), big.size()),
            TETHER_MESSAGE_TOO_LARGE);
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_LE(out[0].payload.size(), 60u);
  pb::OutputCommandMessage output = output_of(out[0]);
  ASSERT_TRUE(output.has_failure());
  EXPECT_EQ(output.failure().code(), 413u);
  EXPECT_TRUE(contains(output.failure().message(), "104 bytes")) << output.failure().message();
  EXPECT_EQ(out[1].type, TETHER_MSG_END);
}

// A burst of Pings fills output up to the Pong allowance; the 571 for the malformed
// frame behind them still goes (a budget never refuses an ErrorMessage).
TEST(InvocationLifecycle, AnErrorAfterAPingBurstIsNeverLost) {
  tether_session_options session = Stream::default_session();
  session.outbound_high_watermark = 4096;
  session.outbound_low_watermark = 1024;
  Stream stream(8, TETHER_DEFAULT_MAX_MESSAGE_SIZE, session);
  Bytes wire = start_frame();
  for (int i = 0; i < 200; ++i)
    wire = concat({wire, ping_frame("nonce-0123456-" + std::to_string(i))});
  wire = concat({wire, start_frame()});  // a second Start: a protocol violation
  stream.feed(wire);
  EXPECT_EQ(stream.poll(), TETHER_PROTOCOL_VIOLATION);
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 201u);
  EXPECT_EQ(out[199].type, TETHER_MSG_PONG);
  pb::ErrorMessage error = error_of(out[200]);
  EXPECT_EQ(error.code(), 571u);
  EXPECT_TRUE(contains(error.message(), "expected InputCommand")) << error.message();
}

// Every string of the input is UTF-8 (tether.h): another is refused with a 571 naming
// the field, before RUN, so no binding ever meets undecodable text.
TEST(InvocationLifecycle, NonUtf8InputStringsAreRefusedNamingTheField) {
  pb::InputCommandMessage bad_header;
  auto *header = bad_header.add_headers();
  header->set_key("x-bin");
  header->set_value("\xff\xfe");
  struct Case {
    Bytes wire;
    const char *says;
  };
  pb::StartMessage bad_debug_id;
  bad_debug_id.set_debug_id("inv_\xc3");
  bad_debug_id.set_known_entries(1);
  const Case cases[] = {
      {concat({start_frame(1, "key-\xff"), input_frame("x")}), "StartMessage.key"},
      {concat(
           {frame(TETHER_MSG_START, 0, bad_debug_id.SerializePartialAsString()), input_frame("x")}),
       "StartMessage.debug_id"},
      {concat({start_frame(),
               frame(TETHER_MSG_INPUT_COMMAND, 0, bad_header.SerializePartialAsString())}),
       "InputCommandMessage.Header.value"},
  };
  for (const Case &c : cases) {
    Stream stream;
    stream.feed(c.wire);
    EXPECT_EQ(stream.poll(), TETHER_BAD_MESSAGE) << c.says;
    EXPECT_FALSE(stream->ran());
    stream.expect_done();
    std::vector<Message> out = stream.take();
    ASSERT_EQ(out.size(), 1u);
    pb::ErrorMessage error = error_of(out[0]);
    EXPECT_EQ(error.code(), 571u);
    EXPECT_TRUE(contains(error.message(), c.says)) << error.message();
    EXPECT_TRUE(contains(error.message(), "UTF-8")) << error.message();
  }
}

// abort() (the endpoint's own errors) ends the stream under any limit: its text is cut
// to fit, and it is never held back by the budget.
TEST(InvocationLifecycle, AbortAlwaysEndsTheStream) {
  Stream stream(5, 20);
  stream.run("x");
  std::string why(300, 'w');
  ASSERT_EQ(stream->abort(500, why.data(), why.size()), TETHER_OK);
  stream.expect_done();
  std::vector<Message> out = stream.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_LE(out[0].payload.size(), 20u);
  pb::ErrorMessage error = error_of(out[0]);
  EXPECT_EQ(error.code(), 500u);
  EXPECT_FALSE(error.message().empty());
  EXPECT_EQ(stream->abort(500, "x", 1), TETHER_CLOSED);
}

}  // namespace
