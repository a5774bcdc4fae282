// The runtime-side frames the probe and the tests send, checked against protobuf.
#include <gtest/gtest.h>

#include "frame/header.h"
#include "h2/runtime_messages.h"
#include "protocol.pb.h"

namespace {

namespace pb = dev::restate::service::protocol;

std::string payload_of(const std::string &frame, uint16_t type) {
  EXPECT_GE(frame.size(), tether::kFrameHeaderSize);
  tether::FrameHeader h = tether::decode_header(reinterpret_cast<const uint8_t *>(frame.data()));
  EXPECT_EQ(h.type, type);
  EXPECT_EQ(h.flags, 0);
  EXPECT_EQ(h.length, frame.size() - tether::kFrameHeaderSize);
  return frame.substr(tether::kFrameHeaderSize);
}

TEST(H2RuntimeMessages, StartFrameParsesAsStartMessage) {
  pb::StartMessage m;
  ASSERT_TRUE(m.ParseFromString(payload_of(tether::h2::start_frame("id-1", "inv_1", 1), 0)));
  EXPECT_EQ(m.id(), "id-1");
  EXPECT_EQ(m.debug_id(), "inv_1");
  EXPECT_EQ(m.known_entries(), 1u);
}

TEST(H2RuntimeMessages, InputFrameParsesAsInputCommand) {
  std::string big(300, 'x');  // a multi-byte length varint
  pb::InputCommandMessage m;
  ASSERT_TRUE(
      m.ParseFromString(payload_of(tether::h2::input_frame(big), TETHER_MSG_INPUT_COMMAND)));
  EXPECT_EQ(m.value().content(), big);
  pb::InputCommandMessage empty;
  ASSERT_TRUE(
      empty.ParseFromString(payload_of(tether::h2::input_frame(""), TETHER_MSG_INPUT_COMMAND)));
  EXPECT_EQ(empty.value().content(), "");
}

}  // namespace
