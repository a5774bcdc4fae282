// libFuzzer target: the invocation lifecycle (tether_invocation_*) on arbitrary request
// bytes fed in fuzzer-chosen slices, with polls, results of every kind (value, terminal
// failure, retryable error), output taken and input finished at fuzzer-chosen points.
// It must never crash or leak; the state only moves forward; RUN comes once and only
// with the input readable; a result is accepted only while RUNNING; DONE comes once
// and every poll after it reports CLOSED.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "tether.h"

namespace {

struct Choices {
  const uint8_t *data;
  size_t size;
  uint8_t next() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
};

tether_status give_result(tether_invocation *inv, uint8_t how, const uint8_t *bytes, size_t n) {
  static constexpr char kMessage[] = "fuzz";
  switch (how % 3) {
    case 0:
      return tether_invocation_complete(inv, bytes, n);
    case 1:
      return tether_invocation_fail_terminal(inv, 400 + how, kMessage, sizeof kMessage - 1);
    default:
      return tether_invocation_fail_retryable(inv, 500 + how, kMessage, sizeof kMessage - 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  tether_session_options session;
  tether_session_options_init(&session);
  session.protocol_version = 5 + data[0] % 4;
  session.extensions = (data[0] >> 2) & TETHER_EXT_ALL;
  session.max_frame_payload = 16 + data[1] % 64;
  session.max_message_size = 64 + data[2] % 256;
  session.outbound_high_watermark = 128;
  session.outbound_low_watermark = 32;
  tether_invocation_options options;
  tether_invocation_options_init(&options);
  options.session = &session;
  options.max_output_size = 16 + (data[1] >> 4) * 16u;
  size_t control = data[3] % (size - 3);
  Choices choices{data + 4, control};
  const uint8_t *input = data + 4 + control;
  size_t input_size = size - 4 - control;

  tether_invocation *inv = nullptr;
  if (tether_invocation_new(&options, &inv) != TETHER_OK) std::abort();
  tether_invocation_state last = tether_invocation_state_get(inv);
  bool ran = false, done = false, finished = false;
  size_t offset = 0;
  for (int round = 0; round < 256; ++round) {
    uint8_t action = choices.next();
    if (offset < input_size && !finished) {
      size_t slice = 1 + action % 61;
      if (slice > input_size - offset) slice = input_size - offset;
      size_t consumed = 0;
      tether_invocation_feed(inv, input + offset, slice, &consumed);
      if (consumed > slice) std::abort();
      offset += consumed;
    } else if (!finished) {
      tether_invocation_finish_input(inv);
      finished = true;
    }
    for (int polls = choices.next() % 4 + 1; polls > 0; --polls) {
      tether_invocation_event event{};
      tether_status status = tether_invocation_poll(inv, &event);
      if (done && status != TETHER_CLOSED) std::abort();
      if (status != TETHER_OK) continue;
      if (event.kind == TETHER_INVOCATION_EVENT_RUN) {
        if (ran) std::abort();
        ran = true;
        tether_invocation_input in;
        if (tether_invocation_input_get(inv, &in) != TETHER_OK) std::abort();
        if ((in.value_length > 0 && in.value == nullptr) || (in.header_count > 0 && !in.headers)) {
          std::abort();
        }
      }
      if (event.kind == TETHER_INVOCATION_EVENT_DONE) {
        if (done) std::abort();
        done = true;
      }
    }
    tether_invocation_state state = tether_invocation_state_get(inv);
    if (state < last) std::abort();
    last = state;
    if (action & 0x40) {
      tether_status status = give_result(inv, choices.next(), input, offset % 200);
      bool accepted = status == TETHER_OK || status == TETHER_MESSAGE_TOO_LARGE;
      if (state != TETHER_INVOCATION_RUNNING && status != TETHER_INVALID_STATE) std::abort();
      if (accepted && tether_invocation_state_get(inv) < TETHER_INVOCATION_ENDING) std::abort();
    }
    if (action & 0x20) {
      const uint8_t *out;
      size_t length = 0;
      tether_invocation_pending_output(inv, &out, &length);
      tether_invocation_consume_output(inv, length);
    }
    if (done && finished) break;
  }
  tether_invocation_free(inv);
  return 0;
}
