// tether_extensions_*: the header helpers every binding and adapter calls.
#include <gtest/gtest.h>
#include <tether.h>

#include <cstring>
#include <string>

namespace {

TEST(ExtensionsApi, AnOfferIsParsedAgainstWhatTheSideSupports) {
  const char *offer = "ping/1, chunked/1";
  uint32_t accepted = 0;
  const char *problem = nullptr;
  ASSERT_EQ(
      tether_extensions_parse(offer, std::strlen(offer), TETHER_EXT_PING, &accepted, &problem),
      TETHER_OK);
  EXPECT_EQ(accepted, TETHER_EXT_PING);
  EXPECT_STREQ(problem, "");
  EXPECT_STREQ(tether_extensions_format(accepted), "ping/1");
}

TEST(ExtensionsApi, MisuseAndMalformedOffersAreRefused) {
  uint32_t accepted = 7;
  const char *problem = nullptr;
  EXPECT_EQ(tether_extensions_parse("ping/1", 6, TETHER_EXT_ALL, nullptr, &problem),
            TETHER_INVALID_ARGUMENT);
  EXPECT_NE(std::string(problem).find("accepted is NULL"), std::string::npos);
  EXPECT_EQ(tether_extensions_parse("p=1", 3, TETHER_EXT_ALL, &accepted, nullptr),
            TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(accepted, 0u);
  EXPECT_EQ(tether_extensions_format(0x100), nullptr);
}

TEST(ExtensionsApi, SessionsRefuseUnknownExtensionBits) {
  tether_session_options options;
  tether_session_options_init(&options);
  EXPECT_EQ(options.extensions, 0u) << "nothing of the extension runs un-negotiated";
  options.extensions = 0x4;
  tether_session *s = nullptr;
  EXPECT_EQ(tether_session_new(&options, &s), TETHER_INVALID_ARGUMENT);
  tether_endpoint_options endpoint;
  tether_endpoint_options_init(&endpoint);
  EXPECT_EQ(endpoint.extensions, TETHER_EXT_ALL);
  endpoint.extensions = 0x8;
  tether_endpoint *e = nullptr;
  EXPECT_EQ(tether_endpoint_new(&endpoint, &e), TETHER_INVALID_ARGUMENT);
}

}  // namespace
