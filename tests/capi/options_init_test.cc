// Options structs across library versions: tether_X_options_init is a macro that
// passes the caller's sizeof, so the library fills exactly the struct the caller was
// compiled with; the functions of the same names fill ABI 0's sizes for programs built
// before the macro. A struct from an older header (shorter) is filled up to its end and
// accepted; one from a newer header (longer) is refused by _new.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <vector>

#include "tether.h"

namespace {

constexpr uint8_t kCanary = 0xA5;

// A caller's struct of `size` bytes in a buffer with canaries after it.
struct Buffer {
  explicit Buffer(size_t size) : size(size), bytes(size + 64, kCanary) {}
  template <typename T>
  T *as() {
    return reinterpret_cast<T *>(bytes.data());
  }
  bool tail_untouched() const {
    for (size_t i = size; i < bytes.size(); ++i) {
      if (bytes[i] != kCanary) return false;
    }
    return true;
  }
  size_t size;
  std::vector<uint8_t> bytes;  // operator new aligns it for any options struct
};

TEST(OptionsInit, TheMacroFillsTheCallersWholeStruct) {
  tether_endpoint_options endpoint;
  std::memset(&endpoint, 0xFF, sizeof endpoint);
  tether_endpoint_options_init(&endpoint);
  EXPECT_EQ(endpoint.struct_size, sizeof endpoint);
  EXPECT_EQ(endpoint.max_streams_per_connection, 1024u);  // appended after ABI 0
  tether_session_options session;
  tether_session_options_init(&session);
  EXPECT_EQ(session.struct_size, sizeof session);
}

TEST(OptionsInit, AnOlderShorterStructIsFilledToItsEndAndAccepted) {
  // ABI 0's tether_endpoint_options ended after `extensions` (56 bytes).
  const size_t old_size = offsetof(tether_endpoint_options, extensions) + sizeof(uint32_t);
  Buffer old(old_size);
  tether_endpoint_options_init_sized(old.as<tether_endpoint_options>(), old_size);
  EXPECT_TRUE(old.tail_untouched());
  EXPECT_EQ(old.as<tether_endpoint_options>()->struct_size, old_size);
  EXPECT_EQ(old.as<tether_endpoint_options>()->dispatch_threads, 1u);
  tether_endpoint *endpoint = nullptr;
  ASSERT_EQ(tether_endpoint_new(old.as<tether_endpoint_options>(), &endpoint), TETHER_OK);
  tether_endpoint_free(endpoint);
}

TEST(OptionsInit, AbiZerosEntryPointWritesNoMoreThanAbiZerosStruct) {
  // A program built before the macro calls the function itself with a 56-byte struct.
  Buffer old(56);
  (tether_endpoint_options_init)(old.as<tether_endpoint_options>());
  EXPECT_TRUE(old.tail_untouched());
  EXPECT_EQ(old.as<tether_endpoint_options>()->struct_size, 56u);
  Buffer session(sizeof(tether_session_options));
  (tether_session_options_init)(session.as<tether_session_options>());
  EXPECT_TRUE(session.tail_untouched());
  EXPECT_EQ(session.as<tether_session_options>()->struct_size, sizeof(tether_session_options));
}

TEST(OptionsInit, ANewerLongerStructIsZeroedPastOursAndRefused) {
  const size_t newer = sizeof(tether_session_options) + 16;
  Buffer buffer(newer);
  tether_session_options_init_sized(buffer.as<tether_session_options>(), newer);
  EXPECT_TRUE(buffer.tail_untouched());
  for (size_t i = sizeof(tether_session_options); i < newer; ++i) EXPECT_EQ(buffer.bytes[i], 0);
  tether_session *session = nullptr;
  EXPECT_EQ(tether_session_new(buffer.as<tether_session_options>(), &session),
            TETHER_INVALID_ARGUMENT);  // fields this library does not have: refused
  EXPECT_EQ(session, nullptr);
}

TEST(OptionsInit, NullOrTooSmallIsIgnored) {
  tether_decoder_options_init_sized(nullptr, sizeof(tether_decoder_options));
  Buffer tiny(4);  // not even struct_size
  tether_decoder_options_init_sized(tiny.as<tether_decoder_options>(), 4);
  for (uint8_t b : tiny.bytes) EXPECT_EQ(b, kCanary);
}

}  // namespace
