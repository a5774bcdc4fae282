#include <gtest/gtest.h>

#include <set>
#include <string>

#include "frame/header.h"
#include "prober/nonce.h"
#include "prober/ping_codec.h"
#include "protocol.pb.h"

namespace {

namespace pb = dev::restate::service::protocol;
using tether::ByteBuffer;
using tether::ErrorSlot;

std::string bytes(const uint8_t *data, size_t n) {
  return std::string(reinterpret_cast<const char *>(data), n);
}

TEST(PingCodec, PingFrameIsAHeaderAndAProtobufPingMessage) {
  ByteBuffer out{tether::Allocator()};
  const uint8_t nonce[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  ASSERT_EQ(tether::append_ping_frame(out, nonce, sizeof nonce), TETHER_OK);
  ASSERT_EQ(out.size(), 8u + 18u);
  tether::FrameHeader header = tether::decode_header(out.data());
  EXPECT_EQ(header.type, TETHER_MSG_PING);
  EXPECT_EQ(header.flags, 0);
  EXPECT_EQ(header.length, 18u);
  pb::PingMessage ping;
  ASSERT_TRUE(ping.ParseFromArray(out.data() + 8, 18));
  EXPECT_EQ(ping.nonce(), bytes(nonce, 16));

  EXPECT_EQ(tether::append_ping_frame(out, nonce, 0), TETHER_INVALID_ARGUMENT);
  uint8_t big[65] = {};
  EXPECT_EQ(tether::append_ping_frame(out, big, sizeof big), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(out.size(), 26u);  // nothing appended on failure
}

TEST(PingCodec, ParsesPongMessagesAsProtobufDoes) {
  pb::PongMessage pong;
  pong.set_nonce(std::string("\x00\x01nonce", 7));
  std::string wire = pong.SerializeAsString();
  // Unknown fields of every wire type around it are skipped.
  std::string extra = std::string("\x10\x96\x01", 3) + std::string("\x19", 1) +
                      std::string(8, 'x') + std::string("\x25", 1) + std::string(4, 'y') +
                      std::string("\x2a\x02zz", 4);
  for (const std::string &body : {wire, extra + wire, wire + extra}) {
    ErrorSlot error;
    const uint8_t *nonce = nullptr;
    size_t length = 0;
    ASSERT_EQ(tether::parse_pong(reinterpret_cast<const uint8_t *>(body.data()), body.size(),
                                 &nonce, &length, error),
              TETHER_OK)
        << error.message();
    EXPECT_EQ(bytes(nonce, length), pong.nonce());
    pb::PongMessage check;
    ASSERT_TRUE(check.ParseFromString(body));
    EXPECT_EQ(check.nonce(), pong.nonce());
  }
  // Repeated nonce fields: the last wins, as in protobuf.
  std::string twice = std::string(
      "\x0a\x01"
      "a\x0a\x01"
      "b",
      6);
  ErrorSlot error;
  const uint8_t *nonce = nullptr;
  size_t length = 0;
  ASSERT_EQ(tether::parse_pong(reinterpret_cast<const uint8_t *>(twice.data()), twice.size(),
                               &nonce, &length, error),
            TETHER_OK);
  EXPECT_EQ(bytes(nonce, length), "b");
}

TEST(PingCodec, MalformedPongsAreBadMessagesWithAReason) {
  struct Case {
    std::string body;
    const char *reason;
  } cases[] = {
      {"", "no nonce"},
      {std::string("\x0a\x00", 2), "no nonce"},
      {std::string("\x10\x01", 2), "no nonce"},
      {std::string("\x80", 1), "truncated field key"},
      {std::string("\x00\x01", 2), "invalid field number"},
      {std::string("\x08\x01", 2), "has wire type 0"},
      {std::string("\x0a\x05"
                   "ab",
                   4),
       "runs past the end"},
      {std::string("\x0a", 1), "runs past the end"},
      {std::string("\x10\xff", 2), "truncated varint"},
      {std::string("\x19\x01\x02", 3), "truncated fixed-width"},
      {std::string("\x13\x14", 2), "unsupported wire type 3"},
      {std::string("\x0f", 1), "unsupported wire type 7"},
  };
  for (const Case &c : cases) {
    ErrorSlot error;
    const uint8_t *nonce = nullptr;
    size_t length = 0;
    EXPECT_EQ(tether::parse_pong(reinterpret_cast<const uint8_t *>(c.body.data()), c.body.size(),
                                 &nonce, &length, error),
              TETHER_BAD_MESSAGE)
        << c.reason;
    EXPECT_NE(std::string(error.message()).find(c.reason), std::string::npos)
        << error.message() << " / expected " << c.reason;
  }
}

TEST(NonceSource, NoncesAreUniqueRandomPlusCounter) {
  tether::NonceSource source;
  ErrorSlot error;
  std::set<std::string> seen, prefixes;
  for (uint64_t i = 1; i <= 1000; ++i) {
    uint8_t nonce[tether::NonceSource::kSize];
    ASSERT_EQ(source.next(nonce, error), TETHER_OK);
    uint64_t counter = 0;
    for (size_t b = 8; b < 16; ++b) counter = (counter << 8) | nonce[b];
    EXPECT_EQ(counter, i);
    seen.insert(bytes(nonce, sizeof nonce));
    prefixes.insert(bytes(nonce, 8));
  }
  EXPECT_EQ(seen.size(), 1000u);
  // 64 random bits per nonce: a repeat among 1000 would mean the source is broken.
  EXPECT_EQ(prefixes.size(), 1000u);
  EXPECT_EQ(source.issued(), 1000u);
}

}  // namespace
