// Every message type tether parses survives body encode -> frame -> decode -> parse.
#include <gtest/gtest.h>

#include <string>

#include "frame/decoder.h"
#include "frame/encoder.h"
#include "protocol.pb.h"

namespace tether {
namespace {

namespace pb = dev::restate::service::protocol;

template <typename Message>
Message through_the_wire(uint16_t type, const Message &message) {
  std::string body = message.SerializeAsString();
  ByteBuffer wire{Allocator()};
  EXPECT_EQ(append_frame(wire, type, 0, reinterpret_cast<const uint8_t *>(body.data()),
                         static_cast<uint32_t>(body.size()), 1 << 20),
            TETHER_OK);
  FrameDecoder decoder(FrameLimits{1 << 20, true}, 2 << 20, Allocator());
  size_t consumed = 0;
  EXPECT_EQ(decoder.feed(wire.data(), wire.size(), &consumed), TETHER_OK);
  DecodedFrame frame;
  EXPECT_EQ(decoder.next(&frame), TETHER_OK);
  EXPECT_EQ(frame.header.type, type);
  Message back;
  EXPECT_TRUE(back.ParseFromArray(frame.payload, static_cast<int>(frame.header.length)));
  EXPECT_EQ(decoder.next(&frame), TETHER_EMPTY);
  return back;
}

TEST(ProtoRoundTrip, Start) {
  pb::StartMessage m;
  m.set_id("\x01\x02\x03");
  m.set_debug_id("inv_1abc");
  m.set_known_entries(1);
  auto *entry = m.add_state_map();
  entry->set_key("k");
  entry->set_value("v");
  m.set_partial_state(true);
  m.set_key("object-key");
  m.set_retry_count_since_last_stored_entry(3);
  m.set_duration_since_last_stored_entry(1500);
  m.set_random_seed(42);
  pb::StartMessage back = through_the_wire(TETHER_MSG_START, m);
  EXPECT_EQ(back.SerializeAsString(), m.SerializeAsString());
  EXPECT_EQ(back.debug_id(), "inv_1abc");
  EXPECT_EQ(back.state_map(0).value(), "v");
  EXPECT_EQ(back.random_seed(), 42u);
}

TEST(ProtoRoundTrip, InputCommand) {
  pb::InputCommandMessage m;
  auto *header = m.add_headers();
  header->set_key("x-trace");
  header->set_value("abc");
  m.mutable_value()->set_content(std::string("\0payload", 8));
  m.set_name("input");
  pb::InputCommandMessage back = through_the_wire(TETHER_MSG_INPUT_COMMAND, m);
  EXPECT_EQ(back.value().content(), std::string("\0payload", 8));
  EXPECT_EQ(back.headers(0).key(), "x-trace");
}

TEST(ProtoRoundTrip, OutputCommandValueAndFailure) {
  pb::OutputCommandMessage value;
  value.mutable_value()->set_content("result");
  EXPECT_EQ(through_the_wire(TETHER_MSG_OUTPUT_COMMAND, value).value().content(), "result");

  pb::OutputCommandMessage failure;
  failure.mutable_failure()->set_code(413);
  failure.mutable_failure()->set_message("too big");
  auto *meta = failure.mutable_failure()->add_metadata();
  meta->set_key("limit");
  meta->set_value("33554432");
  pb::OutputCommandMessage back = through_the_wire(TETHER_MSG_OUTPUT_COMMAND, failure);
  ASSERT_TRUE(back.has_failure());
  EXPECT_EQ(back.failure().code(), 413u);
  EXPECT_EQ(back.failure().metadata(0).value(), "33554432");
}

TEST(ProtoRoundTrip, Error) {
  pb::ErrorMessage m;
  m.set_code(571);
  m.set_message("protocol violation");
  m.set_stacktrace("at here");
  m.set_related_command_index(2);
  m.set_related_command_name("cmd");
  m.set_related_command_type(0x0401);
  m.set_next_retry_delay(250);
  pb::ErrorMessage back = through_the_wire(TETHER_MSG_ERROR, m);
  EXPECT_EQ(back.SerializeAsString(), m.SerializeAsString());
  EXPECT_TRUE(back.has_next_retry_delay());
}

TEST(ProtoRoundTrip, EndIsEmpty) {
  pb::EndMessage m;
  EXPECT_EQ(m.ByteSizeLong(), 0u);
  through_the_wire(TETHER_MSG_END, m);
}

TEST(ProtoRoundTrip, CommandAck) {
  pb::CommandAckMessage m;
  m.set_command_index(7);
  EXPECT_EQ(through_the_wire(TETHER_MSG_COMMAND_ACK, m).command_index(), 7u);
}

TEST(ProtoRoundTrip, PingAndPongCarryTheNonce) {
  pb::PingMessage ping;
  ping.set_nonce(std::string(64, '\xAB'));
  EXPECT_EQ(through_the_wire(TETHER_MSG_PING, ping).nonce(), std::string(64, '\xAB'));
  pb::PongMessage pong;
  pong.set_nonce("12345678");
  EXPECT_EQ(through_the_wire(TETHER_MSG_PONG, pong).nonce(), "12345678");
}

TEST(ProtoRoundTrip, FieldNumbersMatchTheRealProtocol) {
  // Value.content = 1 inside OutputCommand.value = 14: tag 14<<3|2 = 0x72.
  pb::OutputCommandMessage m;
  m.mutable_value()->set_content("A");
  EXPECT_EQ(m.SerializeAsString(), std::string("\x72\x03\x0a\x01"
                                               "A",
                                               5));
  // Ping.nonce = 1: tag 0x0a.
  pb::PingMessage ping;
  ping.set_nonce("n");
  EXPECT_EQ(ping.SerializeAsString(), std::string("\x0a\x01n", 3));
}

}  // namespace
}  // namespace tether
