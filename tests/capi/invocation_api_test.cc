// The Invocation through tether.h and libtether.so only: handles, NULLs, options
// structs of older callers, the allocator hook with failing allocations, last_error.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <string>

#include "frame_bytes.h"
#include "tether.h"
#include "tracking_allocator.h"

namespace {

using tether_test::Bytes;
using tether_test::concat;
using tether_test::frame;
using tether_test::TrackingAllocator;

// Start{known_entries: 1} + InputCommand{value{content: "hi"}}, written by hand.
const Bytes kRequest = concat({frame(TETHER_MSG_START, 0, std::string("\x18\x01", 2)),
                               frame(TETHER_MSG_INPUT_COMMAND, 0, "\x72\x04\x0a\x02hi")});
// OutputCommand{value{content: "hi"}} + End.
const Bytes kAnswer = concat(
    {frame(TETHER_MSG_OUTPUT_COMMAND, 0, "\x72\x04\x0a\x02hi"), frame(TETHER_MSG_END, 0, "")});

Bytes take_output(tether_invocation *invocation) {
  Bytes out;
  const uint8_t *data = nullptr;
  size_t length = 0;
  while (tether_invocation_pending_output(invocation, &data, &length) == TETHER_OK && length) {
    out.insert(out.end(), data, data + length);
    tether_invocation_consume_output(invocation, length);
  }
  return out;
}

// Echo through the C API; the first status that is not as expected, or TETHER_OK.
tether_status echo(tether_invocation *invocation, Bytes *answer) {
  tether_status status =
      tether_invocation_feed(invocation, kRequest.data(), kRequest.size(), nullptr);
  if (status != TETHER_OK) return status;
  tether_invocation_event event{};
  status = tether_invocation_poll(invocation, &event);
  if (status != TETHER_OK) return status;
  if (event.kind != TETHER_INVOCATION_EVENT_RUN) return TETHER_INTERNAL;
  tether_invocation_input input{};
  status = tether_invocation_input_get(invocation, &input);
  if (status != TETHER_OK) return status;
  status = tether_invocation_complete(invocation, input.value, input.value_length);
  if (status != TETHER_OK) return status;
  status = tether_invocation_poll(invocation, &event);
  if (status != TETHER_OK) return status;
  if (event.kind != TETHER_INVOCATION_EVENT_DONE) return TETHER_INTERNAL;
  *answer = take_output(invocation);
  return TETHER_OK;
}

TEST(InvocationApi, EchoWithDefaults) {
  tether_invocation *invocation = nullptr;
  ASSERT_EQ(tether_invocation_new(nullptr, &invocation), TETHER_OK);
  EXPECT_EQ(tether_invocation_state_get(invocation), TETHER_INVOCATION_WAITING_START);
  Bytes answer;
  ASSERT_EQ(echo(invocation, &answer), TETHER_OK) << tether_invocation_last_error(invocation);
  EXPECT_EQ(answer, kAnswer);
  EXPECT_EQ(tether_invocation_state_get(invocation), TETHER_INVOCATION_DONE);
  tether_invocation_event event{};
  EXPECT_EQ(tether_invocation_poll(invocation, &event), TETHER_CLOSED);
  tether_session_stats stats{};
  stats.struct_size = sizeof stats;
  ASSERT_EQ(tether_invocation_session_stats(invocation, &stats), TETHER_OK);
  EXPECT_EQ(stats.messages_in, 2u);
  EXPECT_EQ(stats.messages_out, 2u);
  tether_invocation_free(invocation);
}

TEST(InvocationApi, OptionsDefaultsAndValidation) {
  tether_invocation_options options;
  tether_invocation_options_init(&options);
  EXPECT_EQ(options.struct_size, sizeof options);
  EXPECT_EQ(options.max_output_size, TETHER_DEFAULT_MAX_MESSAGE_SIZE);
  EXPECT_EQ(options.session, nullptr);
  tether_invocation_options_init_sized(nullptr, sizeof options);  // no crash
  (tether_invocation_options_init)(nullptr);                      // ABI 0's too

  tether_invocation *invocation = reinterpret_cast<tether_invocation *>(1);
  EXPECT_EQ(tether_invocation_new(nullptr, nullptr), TETHER_INVALID_ARGUMENT);
  options.max_output_size = 0;
  EXPECT_EQ(tether_invocation_new(&options, &invocation), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(invocation, nullptr);
  tether_invocation_options_init(&options);
  options.struct_size = sizeof options + 8;  // from a newer library than this one
  EXPECT_EQ(tether_invocation_new(&options, &invocation), TETHER_INVALID_ARGUMENT);
  options.struct_size = 1;
  EXPECT_EQ(tether_invocation_new(&options, &invocation), TETHER_INVALID_ARGUMENT);

  tether_session_options session;
  tether_session_options_init(&session);
  session.protocol_version = 4;
  tether_invocation_options_init(&options);
  options.session = &session;
  EXPECT_EQ(tether_invocation_new(&options, &invocation), TETHER_INVALID_ARGUMENT);
  session.protocol_version = 5;
  session.struct_size = sizeof session + 8;
  EXPECT_EQ(tether_invocation_new(&options, &invocation), TETHER_INVALID_ARGUMENT);
  session.struct_size = sizeof session;
  ASSERT_EQ(tether_invocation_new(&options, &invocation), TETHER_OK);
  tether_invocation_free(invocation);
  tether_invocation_free(nullptr);
}

TEST(InvocationApi, AnOlderOptionsStructKeepsTheNewerFieldsDefaults) {
  tether_invocation_options options;
  tether_invocation_options_init(&options);
  options.max_output_size = 10;  // past the older struct's end: must be ignored
  options.struct_size = offsetof(tether_invocation_options, max_output_size);
  tether_invocation *invocation = nullptr;
  ASSERT_EQ(tether_invocation_new(&options, &invocation), TETHER_OK);
  Bytes answer;
  ASSERT_EQ(echo(invocation, &answer), TETHER_OK);  // a 10-byte limit would have refused it
  EXPECT_EQ(answer, kAnswer);
  tether_invocation_free(invocation);
}

TEST(InvocationApi, NullHandleAndNullArguments) {
  tether_invocation_event event{};
  tether_invocation_input input{};
  const uint8_t *data = nullptr;
  size_t length = 0, consumed = 7;
  EXPECT_EQ(tether_invocation_feed(nullptr, kRequest.data(), 1, &consumed),
            TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(tether_invocation_finish_input(nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_pending_output(nullptr, &data, &length), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_consume_output(nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_poll(nullptr, &event), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_input_get(nullptr, &input), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_complete(nullptr, nullptr, 0), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_fail_terminal(nullptr, 400, "x", 1), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_fail_retryable(nullptr, 500, "x", 1), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_state_get(nullptr), TETHER_INVOCATION_DONE);
  EXPECT_STRNE(tether_invocation_last_error(nullptr), "");

  tether_invocation *invocation = nullptr;
  ASSERT_EQ(tether_invocation_new(nullptr, &invocation), TETHER_OK);
  EXPECT_EQ(tether_invocation_feed(invocation, nullptr, 3, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tether_invocation_last_error(invocation)).find("data is NULL"),
            std::string::npos);
  EXPECT_EQ(tether_invocation_feed(invocation, nullptr, 0, nullptr), TETHER_OK);
  EXPECT_EQ(tether_invocation_poll(invocation, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_pending_output(invocation, nullptr, &length),
            TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_input_get(invocation, nullptr), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_input_get(invocation, &input), TETHER_INVALID_STATE);
  EXPECT_EQ(tether_invocation_complete(invocation, nullptr, 0), TETHER_INVALID_STATE);
  EXPECT_NE(std::string(tether_invocation_last_error(invocation)).find("no handler is running"),
            std::string::npos);
  tether_session_stats stats{};
  EXPECT_EQ(tether_invocation_session_stats(invocation, &stats), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_session_stats(invocation, nullptr), TETHER_INVALID_ARGUMENT);
  stats.struct_size = offsetof(tether_session_stats, bytes_out);  // an older caller
  stats.bytes_out = 12345;
  EXPECT_EQ(tether_invocation_session_stats(invocation, &stats), TETHER_OK);
  EXPECT_EQ(stats.bytes_out, 12345u);  // past its struct: left alone
  tether_invocation_free(invocation);
}

TEST(InvocationApi, OversizeOutputIsATerminal413) {
  tether_invocation_options options;
  tether_invocation_options_init(&options);
  options.max_output_size = 64;
  tether_invocation *invocation = nullptr;
  ASSERT_EQ(tether_invocation_new(&options, &invocation), TETHER_OK);
  ASSERT_EQ(tether_invocation_feed(invocation, kRequest.data(), kRequest.size(), nullptr),
            TETHER_OK);
  tether_invocation_event event{};
  ASSERT_EQ(tether_invocation_poll(invocation, &event), TETHER_OK);
  std::string big(100, 'b');
  EXPECT_EQ(tether_invocation_complete(invocation, reinterpret_cast<const uint8_t *>(big.data()),
                                       big.size()),
            TETHER_MESSAGE_TOO_LARGE);
  std::string said = tether_invocation_last_error(invocation);
  EXPECT_NE(said.find("104 bytes exceeds the message size limit of 64 bytes"), std::string::npos)
      << said;
  ASSERT_EQ(tether_invocation_poll(invocation, &event), TETHER_OK);
  EXPECT_EQ(event.kind, TETHER_INVOCATION_EVENT_DONE);
  Bytes out = take_output(invocation);
  // OutputCommand{failure{code: 413 (varint 0x9d 0x03), message}} + End.
  std::string wire(out.begin(), out.end());
  EXPECT_NE(wire.find(std::string("\x08\x9d\x03", 3)), std::string::npos);
  // The Failure fits the limit it names: its text is the start of the one said.
  EXPECT_NE(wire.find(said.substr(0, 40)), std::string::npos);
  EXPECT_LE(out.size(), 64u + 2 * TETHER_FRAME_HEADER_SIZE);
  tether_invocation_free(invocation);
}

TEST(InvocationApi, ContentTypeVersion) {
  uint32_t version = 0;
  std::string v6 = "application/vnd.restate.invocation.v6";
  EXPECT_EQ(tether_invocation_content_type_version(v6.data(), v6.size(), 0, &version), TETHER_OK);
  EXPECT_EQ(version, 6u);
  EXPECT_EQ(tether_invocation_content_type_version(v6.data(), v6.size(), 5, &version),
            TETHER_UNSUPPORTED_VERSION);
  EXPECT_EQ(tether_invocation_content_type_version(v6.data(), v6.size(), 0, nullptr),
            TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(tether_invocation_content_type_version("text/plain", 10, 0, &version),
            TETHER_INVALID_ARGUMENT);
}

TEST(InvocationApi, EveryAllocationGoesThroughTheHookAndFailuresLeakNothing) {
  TrackingAllocator counting;
  tether_session_options session;
  tether_session_options_init(&session);
  session.allocator = counting.hook();
  tether_invocation_options options;
  tether_invocation_options_init(&options);
  options.session = &session;
  tether_invocation *invocation = nullptr;
  ASSERT_EQ(tether_invocation_new(&options, &invocation), TETHER_OK);
  Bytes answer;
  ASSERT_EQ(echo(invocation, &answer), TETHER_OK);
  tether_invocation_free(invocation);
  size_t needed = counting.calls;
  EXPECT_GT(needed, 0u);
  EXPECT_EQ(counting.blocks, 0u);

  for (size_t fail_after = 0; fail_after < needed; ++fail_after) {
    TrackingAllocator failing;
    failing.fail_after = fail_after;
    session.allocator = failing.hook();
    tether_invocation *attempt = nullptr;
    tether_status status = tether_invocation_new(&options, &attempt);
    if (status == TETHER_OK) {
      status = echo(attempt, &answer);
      tether_invocation_free(attempt);
    }
    EXPECT_EQ(status, TETHER_NO_MEMORY) << "failing after " << fail_after << " allocations";
    EXPECT_EQ(failing.blocks, 0u) << "failing after " << fail_after << " allocations";
  }
}

// An invocation that went DONE without RUN never had input (tether.h: INVALID_STATE
// before RUN), and a newer caller's larger stats struct is taken as the session's is.
TEST(InvocationApi, NoInputWithoutRunAndLargerStatsStructs) {
  tether_invocation *invocation = nullptr;
  ASSERT_EQ(tether_invocation_new(nullptr, &invocation), TETHER_OK);
  Bytes input_first = frame(TETHER_MSG_INPUT_COMMAND, 0, "\x72\x04\x0a\x02hi");
  ASSERT_EQ(tether_invocation_feed(invocation, input_first.data(), input_first.size(), nullptr),
            TETHER_OK);
  tether_invocation_event event{};
  EXPECT_EQ(tether_invocation_poll(invocation, &event), TETHER_PROTOCOL_VIOLATION);
  ASSERT_EQ(tether_invocation_state_get(invocation), TETHER_INVOCATION_DONE);
  tether_invocation_input input{};
  EXPECT_EQ(tether_invocation_input_get(invocation, &input), TETHER_INVALID_STATE);

  struct Newer {
    tether_session_stats known;
    uint64_t later_field;
  } newer{};
  newer.known.struct_size = sizeof newer;
  newer.later_field = 77;
  ASSERT_EQ(tether_invocation_session_stats(invocation, &newer.known), TETHER_OK);
  EXPECT_EQ(newer.known.struct_size, sizeof newer);
  EXPECT_EQ(newer.known.messages_in, 1u);
  EXPECT_EQ(newer.later_field, 77u);  // unknown to this library: left alone
  tether_invocation_free(invocation);
}

// The input ends (finish_input) before the invocation has what it runs on: it must
// not wait for good but end the stream with an ErrorMessage 571 naming what is missing.
void expect_missing_input_fails(const Bytes &input, const std::string &missing) {
  tether_invocation *invocation = nullptr;
  ASSERT_EQ(tether_invocation_new(nullptr, &invocation), TETHER_OK);
  if (!input.empty()) {
    ASSERT_EQ(tether_invocation_feed(invocation, input.data(), input.size(), nullptr), TETHER_OK);
  }
  tether_invocation_event event{};
  EXPECT_EQ(tether_invocation_poll(invocation, &event), TETHER_EMPTY);  // more may come yet
  ASSERT_EQ(tether_invocation_finish_input(invocation), TETHER_OK);
  EXPECT_EQ(tether_invocation_poll(invocation, &event), TETHER_PROTOCOL_VIOLATION);
  std::string said = tether_invocation_last_error(invocation);
  EXPECT_NE(said.find(missing), std::string::npos) << said;
  EXPECT_EQ(tether_invocation_state_get(invocation), TETHER_INVOCATION_DONE);
  ASSERT_EQ(tether_invocation_poll(invocation, &event), TETHER_OK);
  EXPECT_EQ(event.kind, TETHER_INVOCATION_EVENT_DONE);
  EXPECT_EQ(tether_invocation_poll(invocation, &event), TETHER_CLOSED);
  Bytes out = take_output(invocation);
  ASSERT_GE(out.size(), TETHER_FRAME_HEADER_SIZE);
  // One ErrorMessage{code: 571 (varint 0xbb 0x04), message} and nothing after it.
  EXPECT_EQ(out[0] << 8 | out[1], TETHER_MSG_ERROR);
  std::string wire(out.begin(), out.end());
  EXPECT_EQ(wire.find(std::string("\x08\xbb\x04", 3)), TETHER_FRAME_HEADER_SIZE);
  EXPECT_NE(wire.find(missing), std::string::npos);
  tether_invocation_free(invocation);
}

TEST(InvocationApi, InputEndingAfterStartWithoutInputCommandFailsTheStream) {
  expect_missing_input_fails(frame(TETHER_MSG_START, 0, std::string("\x18\x01", 2)),
                             "after Start, before InputCommand");
}

TEST(InvocationApi, InputEndingBeforeStartFailsTheStream) {
  expect_missing_input_fails({}, "ended before Start");
}

TEST(InvocationApi, InputEndingWhileTheHandlerRunsIsNormal) {
  tether_invocation *invocation = nullptr;
  ASSERT_EQ(tether_invocation_new(nullptr, &invocation), TETHER_OK);
  ASSERT_EQ(tether_invocation_feed(invocation, kRequest.data(), kRequest.size(), nullptr),
            TETHER_OK);
  ASSERT_EQ(tether_invocation_finish_input(invocation), TETHER_OK);
  tether_invocation_event event{};
  ASSERT_EQ(tether_invocation_poll(invocation, &event), TETHER_OK);
  EXPECT_EQ(event.kind, TETHER_INVOCATION_EVENT_RUN);
  EXPECT_EQ(tether_invocation_poll(invocation, &event), TETHER_EMPTY);  // the handler runs
  ASSERT_EQ(tether_invocation_complete(invocation, reinterpret_cast<const uint8_t *>("hi"), 2),
            TETHER_OK);
  ASSERT_EQ(tether_invocation_poll(invocation, &event), TETHER_OK);
  EXPECT_EQ(event.kind, TETHER_INVOCATION_EVENT_DONE);
  EXPECT_EQ(take_output(invocation), kAnswer);
  tether_invocation_free(invocation);
}

}  // namespace
