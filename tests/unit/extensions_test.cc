// The tether-extensions header parser and formatter (PROTOCOL.md section 2).
#include "extension/extensions.h"

#include <gtest/gtest.h>

#include <string>

namespace {

uint32_t parse(const std::string &value, uint32_t supported = TETHER_EXT_ALL) {
  uint32_t accepted = 99;
  const char *problem = nullptr;
  EXPECT_EQ(tether::parse_extensions(value.data(), value.size(), supported, &accepted, &problem),
            TETHER_OK)
      << value;
  return accepted;
}

std::string refusal(const std::string &value) {
  uint32_t accepted = 99;
  const char *problem = "";
  EXPECT_EQ(
      tether::parse_extensions(value.data(), value.size(), TETHER_EXT_ALL, &accepted, &problem),
      TETHER_INVALID_ARGUMENT)
      << value;
  EXPECT_EQ(accepted, 0u);
  return problem;
}

TEST(Extensions, KnownTokensAreFoundWhateverTheirCaseSpacingAndOrder) {
  EXPECT_EQ(parse("ping/1, chunked/1"), TETHER_EXT_ALL);
  EXPECT_EQ(parse("Chunked/1,PING/1"), TETHER_EXT_ALL);
  EXPECT_EQ(parse("\tping/1 \t"), TETHER_EXT_PING);
  EXPECT_EQ(parse("ping/1, ping/1, ping/1"), TETHER_EXT_PING);
  EXPECT_EQ(parse(",,chunked/1,"), TETHER_EXT_CHUNKED);
}

TEST(Extensions, UnknownTokensAndOtherVersionsAreIgnored) {
  EXPECT_EQ(parse("ping/2, chunked/10, ping, zstd/1"), 0u);
  EXPECT_EQ(parse("ping/2, ping/1"), TETHER_EXT_PING);
  EXPECT_EQ(parse(""), 0u);
  uint32_t accepted = 99;
  EXPECT_EQ(tether::parse_extensions(nullptr, 0, TETHER_EXT_ALL, &accepted, nullptr), TETHER_OK);
  EXPECT_EQ(accepted, 0u);
}

TEST(Extensions, OnlySupportedFeaturesAreAccepted) {
  EXPECT_EQ(parse("ping/1, chunked/1", TETHER_EXT_PING), TETHER_EXT_PING);
  EXPECT_EQ(parse("ping/1, chunked/1", 0), 0u);
}

TEST(Extensions, MalformedOrOverlongValuesAreRefusedNamingWhy) {
  EXPECT_NE(refusal("ping/1; q=1").find("token"), std::string::npos);
  EXPECT_NE(refusal("ping/1 chunked/1").find("token"), std::string::npos);
  EXPECT_NE(refusal("\"ping/1\"").find("token"), std::string::npos);
  EXPECT_NE(refusal(std::string("ping/1\0", 7)).find("token"), std::string::npos);
  EXPECT_NE(refusal("ping/1\r\nx: y").find("token"), std::string::npos);
  std::string longest(TETHER_EXTENSIONS_MAX_LENGTH, ',');
  EXPECT_EQ(parse(longest), 0u);
  EXPECT_NE(refusal(longest + ",").find("longer than 1024"), std::string::npos);
  uint32_t accepted = 0;
  const char *problem = "";
  EXPECT_EQ(tether::parse_extensions(nullptr, 3, TETHER_EXT_ALL, &accepted, &problem),
            TETHER_INVALID_ARGUMENT);
  EXPECT_NE(std::string(problem).find("NULL"), std::string::npos);
}

TEST(Extensions, FormattedSetsParseBackToThemselves) {
  EXPECT_STREQ(tether::format_extensions(0), "");
  EXPECT_STREQ(tether::format_extensions(TETHER_EXT_PING), "ping/1");
  EXPECT_STREQ(tether::format_extensions(TETHER_EXT_ALL), "ping/1, chunked/1");
  for (uint32_t set = 0; set <= TETHER_EXT_ALL; ++set) {
    EXPECT_EQ(parse(tether::format_extensions(set)), set);
  }
  EXPECT_EQ(tether::format_extensions(TETHER_EXT_ALL + 1), nullptr);
  EXPECT_EQ(tether::format_extensions(0x80000000u), nullptr);
}

}  // namespace
