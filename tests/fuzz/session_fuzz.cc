// libFuzzer target: arbitrary input fed to a session in fuzzer-chosen slices, with
// dispatch, sends and output taken in between. It must never crash or leak, keep
// the inbound queue within its budget, hand out messages within the limit, and
// answer a Ping with exactly one Pong carrying its nonce.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tether.h"

namespace {

// The control stream: reads one byte of choices, 0 when used up.
struct Choices {
  const uint8_t *data;
  size_t size;
  uint8_t next() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
};

// Checks that the new output ends with the Pong for this nonce. Once End is queued,
// every Ping read before it was answered ahead of End, so its event adds no output.
void check_pong(tether_session *s, size_t before, const tether_event &ping, bool ended) {
  const uint8_t *out;
  size_t length;
  if (tether_session_pending_output(s, &out, &length) != TETHER_OK) std::abort();
  if (!ping.answered) {
    if (length != before) std::abort();
    return;
  }
  size_t pong = 8 + 2 + ping.length;
  if (ended && length == before) return;
  if (length != before + pong) std::abort();
  const uint8_t *frame = out + before;
  uint8_t header[8];
  tether_frame_header_encode(TETHER_MSG_PONG, 0, static_cast<uint32_t>(2 + ping.length), header);
  if (std::memcmp(frame, header, 8) != 0 || frame[8] != 0x0a || frame[9] != ping.length ||
      std::memcmp(frame + 10, ping.data, ping.length) != 0) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  // First bytes: options and how much of the rest steers the calls.
  tether_session_options options;
  tether_session_options_init(&options);
  options.protocol_version = 5 + data[0] % 4;
  options.extensions = (data[0] >> 2) & TETHER_EXT_ALL;
  options.max_frame_payload = 16 + data[1] % 64;
  options.max_message_size = 64 + data[2] % 256;
  options.outbound_high_watermark = 256;
  options.outbound_low_watermark = 64;
  size_t control = data[3] % (size - 3);
  Choices choices{data + 4, control};
  const uint8_t *input = data + 4 + control;
  size_t input_size = size - 4 - control;

  tether_session *s = nullptr;
  if (tether_session_new(&options, &s) != TETHER_OK) std::abort();
  uint64_t limit = options.max_message_size;
  size_t offset = 0;
  bool failed = false;
  bool ended = false;
  while (!failed && offset < input_size) {
    size_t slice = 1 + choices.next() % 97;
    if (slice > input_size - offset) slice = input_size - offset;
    size_t consumed = 0;
    tether_status status = tether_session_feed(s, input + offset, slice, &consumed);
    if (consumed > slice) std::abort();
    offset += consumed;
    if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) failed = true;
    tether_session_stats stats;
    stats.struct_size = sizeof stats;
    tether_session_stats_get(s, &stats);
    if (stats.inbound_buffered > options.max_message_size + 2 * options.max_frame_payload) {
      std::abort();
    }
    // Dispatch some events (all of them when feed is blocked, so it can go on).
    size_t events = status == TETHER_WOULD_BLOCK ? SIZE_MAX : choices.next() % 4;
    tether_event event;
    for (size_t i = 0; i < events; ++i) {
      const uint8_t *out;
      size_t before;
      tether_session_pending_output(s, &out, &before);
      tether_status next = tether_session_next_event(s, &event);
      if (next == TETHER_WOULD_BLOCK) {  // Pongs wait for output to be taken
        tether_session_consume_output(s, before);
        continue;
      }
      if (next != TETHER_OK) break;
      if (event.kind == TETHER_EVENT_MESSAGE && event.length > limit) std::abort();
      if (event.kind == TETHER_EVENT_PING) check_pong(s, before, event, ended);
    }
    uint8_t action = choices.next();
    if (action % 5 == 0) {
      uint16_t type = action & 0x80 ? TETHER_MSG_END : 0x0401;
      if (tether_session_send(s, type, input, (action >> 1) % (offset + 1)) == TETHER_OK &&
          type == TETHER_MSG_END) {
        ended = true;
      }
    }
    if (action % 3 == 0) {
      const uint8_t *out;
      size_t length;
      tether_session_pending_output(s, &out, &length);
      tether_session_consume_output(s, length / 2 + 1 > length ? length : length / 2 + 1);
    }
  }
  tether_session_finish_input(s);
  tether_session_free(s);
  return 0;
}
