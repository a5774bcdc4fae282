// Start/InputCommand parsing and OutputCommand/ErrorMessage encoding, checked
// against the protobuf-generated classes.
#include <gtest/gtest.h>

#include <string>

#include "common/wire.h"
#include "invocation/content_type.h"
#include "invocation/messages.h"
#include "protocol.pb.h"

namespace {

namespace pb = dev::restate::service::protocol;
using tether::ByteBuffer;
using tether::ErrorSlot;

const uint8_t *u8(const std::string &s) { return reinterpret_cast<const uint8_t *>(s.data()); }
std::string str(const void *data, size_t n) {
  return std::string(static_cast<const char *>(data), n);
}

TEST(InvocationMessages, ParsesEveryStartFieldAsProtobufWritesIt) {
  pb::StartMessage start;
  start.set_id(std::string("\x00\x01\x02id", 5));
  start.set_debug_id("inv_1abc");
  start.set_known_entries(1);
  start.set_key("user-7");
  start.set_retry_count_since_last_stored_entry(3);
  start.set_duration_since_last_stored_entry(1234567890123ull);
  start.set_random_seed(0xFFFFFFFFFFFFFFFFull);
  auto *entry = start.add_state_map();  // skipped
  entry->set_key("k");
  entry->set_value("v");
  start.set_partial_state(true);
  std::string wire = start.SerializeAsString();
  tether_invocation_input input{};
  ErrorSlot error;
  ASSERT_EQ(tether::parse_start(u8(wire), wire.size(), &input, error), TETHER_OK)
      << error.message();
  EXPECT_EQ(str(input.id, input.id_length), start.id());
  EXPECT_EQ(str(input.debug_id, input.debug_id_length), "inv_1abc");
  EXPECT_EQ(str(input.key, input.key_length), "user-7");
  EXPECT_EQ(input.known_entries, 1u);
  EXPECT_EQ(input.retry_count_since_last_stored_entry, 3u);
  EXPECT_EQ(input.duration_since_last_stored_entry, 1234567890123ull);
  EXPECT_EQ(input.random_seed, 0xFFFFFFFFFFFFFFFFull);
}

TEST(InvocationMessages, EmptyStartHasEmptyStringsNotNull) {
  tether_invocation_input input{};
  ErrorSlot error;
  ASSERT_EQ(tether::parse_start(nullptr, 0, &input, error), TETHER_OK);
  EXPECT_NE(input.debug_id, nullptr);
  EXPECT_NE(input.key, nullptr);
  EXPECT_EQ(input.id_length + input.debug_id_length + input.key_length, 0u);
  EXPECT_EQ(input.known_entries, 0u);
}

TEST(InvocationMessages, MalformedStartIsBadMessageNamingTheProblem) {
  struct Case {
    std::string bytes;
    const char *says;
  } cases[] = {
      {std::string("\x0a\x05"
                   "ab",
                   4),
       "runs past the end"},
      {std::string("\x18", 1), "truncated varint"},
      {std::string("\x18\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11), "truncated varint"},
      {std::string("\x08\x01", 2), "field id (1) has wire type 0"},
      {std::string("\x1a\x01x", 3), "known_entries"},
      {std::string("\x0b", 1), "unsupported wire type 3"},
      {std::string("\x00\x01", 2), "invalid field number"},
      {std::string("\x80", 1), "truncated field key"},
      {std::string("\x4d\x01\x02", 3), "truncated fixed-width"},
  };
  for (const Case &c : cases) {
    tether_invocation_input input{};
    ErrorSlot error;
    EXPECT_EQ(tether::parse_start(u8(c.bytes), c.bytes.size(), &input, error), TETHER_BAD_MESSAGE);
    EXPECT_NE(std::string(error.message()).find(c.says), std::string::npos) << error.message();
    EXPECT_NE(std::string(error.message()).find("StartMessage"), std::string::npos);
  }
}

TEST(InvocationMessages, ParsesInputValueAndHeaders) {
  pb::InputCommandMessage message;
  for (int i = 0; i < 3; ++i) {
    auto *header = message.add_headers();
    header->set_key("k" + std::to_string(i));
    header->set_value("value " + std::to_string(i));
  }
  message.mutable_value()->set_content(std::string("\x00payload", 8));
  message.set_name("input");
  std::string wire = message.SerializeAsString();
  ByteBuffer headers{tether::Allocator()};
  tether_invocation_input input{};
  ErrorSlot error;
  ASSERT_EQ(tether::parse_input(u8(wire), wire.size(), headers, &input, error), TETHER_OK)
      << error.message();
  EXPECT_EQ(str(input.value, input.value_length), message.value().content());
  ASSERT_EQ(input.header_count, 3u);
  for (int i = 0; i < 3; ++i) {
    const tether_invocation_header &h = input.headers[i];
    EXPECT_EQ(str(h.key, h.key_length), "k" + std::to_string(i));
    EXPECT_EQ(str(h.value, h.value_length), "value " + std::to_string(i));
  }
}

TEST(InvocationMessages, InputWithoutValueIsEmpty) {
  ByteBuffer headers{tether::Allocator()};
  tether_invocation_input input{};
  ErrorSlot error;
  ASSERT_EQ(tether::parse_input(nullptr, 0, headers, &input, error), TETHER_OK);
  EXPECT_EQ(input.value_length, 0u);
  EXPECT_EQ(input.header_count, 0u);
  EXPECT_EQ(input.headers, nullptr);
}

TEST(InvocationMessages, MalformedInputIsBadMessage) {
  struct Case {
    std::string bytes;
    const char *says;
  } cases[] = {
      {std::string("\x70\x01", 2), "field value (14) has wire type 0"},
      {std::string("\x72\x02\x08\x01", 4), "content"},
      {std::string("\x0a\x02\x08\x01", 4), "key"},
      {std::string("\x0a\x02\x12\x05", 4), "InputCommandMessage.Header"},
      {std::string("\x72\x05\x0a\x01", 4), "runs past the end"},
  };
  for (const Case &c : cases) {
    ByteBuffer headers{tether::Allocator()};
    tether_invocation_input input{};
    ErrorSlot error;
    EXPECT_EQ(tether::parse_input(u8(c.bytes), c.bytes.size(), headers, &input, error),
              TETHER_BAD_MESSAGE);
    EXPECT_NE(std::string(error.message()).find(c.says), std::string::npos) << error.message();
  }
}

TEST(InvocationMessages, EncodesOutputValueAsProtobufParsesIt) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{127}, size_t{128}, size_t{70000}}) {
    std::string value(n, 'v');
    ByteBuffer out{tether::Allocator()};
    ASSERT_EQ(tether::encode_output_value(out, u8(value), n), TETHER_OK);
    EXPECT_EQ(out.size(), tether::output_value_size(n));
    pb::OutputCommandMessage output;
    ASSERT_TRUE(output.ParseFromArray(out.data(), static_cast<int>(out.size())));
    ASSERT_TRUE(output.has_value());
    EXPECT_EQ(output.value().content(), value);
    if (n != 0) {  // (protobuf leaves an empty content out; both forms parse the same)
      pb::OutputCommandMessage expected;
      expected.mutable_value()->set_content(value);
      EXPECT_EQ(out.size(), expected.ByteSizeLong());
    }
  }
}

TEST(InvocationMessages, EncodesFailureAndErrorAsProtobufParsesThem) {
  std::string text = "output of 41943052 bytes exceeds the limit";
  ByteBuffer out{tether::Allocator()};
  ASSERT_EQ(tether::encode_output_failure(out, 413, text.data(), text.size()), TETHER_OK);
  EXPECT_EQ(out.size(), tether::output_failure_size(413, text.size()));
  pb::OutputCommandMessage output;
  ASSERT_TRUE(output.ParseFromArray(out.data(), static_cast<int>(out.size())));
  ASSERT_TRUE(output.has_failure());
  EXPECT_EQ(output.failure().code(), 413u);
  EXPECT_EQ(output.failure().message(), text);

  ByteBuffer error_out{tether::Allocator()};
  ASSERT_EQ(tether::encode_error(error_out, 570, text.data(), text.size()), TETHER_OK);
  pb::ErrorMessage error;
  ASSERT_TRUE(error.ParseFromArray(error_out.data(), static_cast<int>(error_out.size())));
  EXPECT_EQ(error.code(), 570u);
  EXPECT_EQ(error.message(), text);
}

TEST(InvocationMessages, Utf8Validation) {
  EXPECT_TRUE(tether::valid_utf8("", 0));
  EXPECT_TRUE(tether::valid_utf8("plain ascii", 11));
  EXPECT_TRUE(tether::valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));  // é € 😀
  EXPECT_FALSE(tether::valid_utf8("\xc3", 1));                                 // cut short
  EXPECT_FALSE(tether::valid_utf8("\xc0\xaf", 2));                             // overlong
  EXPECT_FALSE(tether::valid_utf8("\xed\xa0\x80", 3));                         // surrogate
  EXPECT_FALSE(tether::valid_utf8("\xf4\x90\x80\x80", 4));                     // above U+10FFFF
  EXPECT_FALSE(tether::valid_utf8("\xff", 1));
  EXPECT_FALSE(tether::valid_utf8("a\x80", 2));
}

TEST(InvocationContentType, ParsesTheVersion) {
  uint32_t version = 0;
  auto parse = [&](const std::string &text, uint32_t max = 8) {
    return tether::content_type_version(text.data(), text.size(), max, &version);
  };
  EXPECT_EQ(parse("application/vnd.restate.invocation.v5"), TETHER_OK);
  EXPECT_EQ(version, 5u);
  EXPECT_EQ(parse("application/vnd.restate.invocation.v8"), TETHER_OK);
  EXPECT_EQ(version, 8u);
  EXPECT_EQ(parse("application/vnd.restate.invocation.v8", 7), TETHER_UNSUPPORTED_VERSION);
  EXPECT_EQ(parse("application/vnd.restate.invocation.v4"), TETHER_UNSUPPORTED_VERSION);
  EXPECT_EQ(parse("application/vnd.restate.invocation.v99999999999"), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(parse("application/vnd.restate.invocation.v"), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(parse("application/vnd.restate.invocation.v5x"), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(parse("application/json"), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether::content_type_version(nullptr, 0, 8, &version), TETHER_INVALID_ARGUMENT);
}

}  // namespace
