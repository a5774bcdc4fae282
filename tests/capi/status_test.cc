#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tether.h"

TEST(Status, TableCoversEveryCodeInOrderWithUniqueNames) {
  size_t count = 0;
  const tether_status_info *table = tether_status_table(&count);
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(count, static_cast<size_t>(TETHER_RETRIES_EXHAUSTED) + 1);
  std::set<std::string> names;
  for (size_t i = 0; i < count; ++i) {
    EXPECT_EQ(static_cast<size_t>(table[i].code), i);
    EXPECT_TRUE(names.insert(table[i].name).second) << table[i].name;
    EXPECT_EQ(std::string(tether_status_str(table[i].code)), table[i].message);
    EXPECT_EQ(tether_status_is_retryable(table[i].code), table[i].retryable);
    EXPECT_EQ(tether_status_is_fatal(table[i].code), table[i].fatal);
    EXPECT_EQ(std::string(tether_status_name(table[i].code)), table[i].name);
  }
}

TEST(Status, ClassifiesBackpressureApartFromLimitsAndErrors) {
  EXPECT_TRUE(tether_status_is_retryable(TETHER_WOULD_BLOCK));
  EXPECT_FALSE(tether_status_is_fatal(TETHER_WOULD_BLOCK));
  EXPECT_FALSE(tether_status_is_retryable(TETHER_MESSAGE_TOO_LARGE));
  EXPECT_FALSE(tether_status_is_fatal(TETHER_MESSAGE_TOO_LARGE));
  EXPECT_TRUE(tether_status_is_fatal(TETHER_FRAME_TOO_LARGE));
  EXPECT_TRUE(tether_status_is_fatal(TETHER_UNKNOWN_TYPE));
  EXPECT_FALSE(tether_status_is_fatal(TETHER_OK));
}

TEST(Status, UnknownValuesAreNamedAsSuch) {
  auto bogus = static_cast<tether_status>(9999);
  EXPECT_STREQ(tether_status_str(bogus), "unknown status");
  EXPECT_STREQ(tether_status_name(bogus), "TETHER_UNKNOWN_STATUS");
  EXPECT_TRUE(tether_status_is_fatal(bogus));
}

TEST(Version, LibraryMatchesHeader) {
  EXPECT_EQ(tether_version(), static_cast<unsigned>(TETHER_VERSION));
  EXPECT_STREQ(tether_version_string(), TETHER_VERSION_STRING);
  EXPECT_EQ(tether_abi_version(), static_cast<unsigned>(TETHER_ABI_VERSION));
}
