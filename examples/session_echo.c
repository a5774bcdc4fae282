/* One invocation stream through a tether_session, no network: the bytes a runtime
 * would send (Start, a Ping, an Input in two CONTINUED chunks, another Ping) are fed
 * in; the dispatch loop answers the Pings and echoes the input; the frames written
 * back are printed. Build: part of ./run build (build/examples/session_echo). */
#include <stdio.h>
#include <string.h>

#include "tether.h"

static size_t put_frame(uint8_t *out, uint16_t type, uint16_t flags, const void *body,
                        uint32_t length) {
  tether_frame_header_encode(type, flags, length, out);
  memcpy(out + TETHER_FRAME_HEADER_SIZE, body, length);
  return TETHER_FRAME_HEADER_SIZE + length;
}

static int check(tether_status status, tether_session *session, const char *what) {
  if (status == TETHER_OK) return 0;
  fprintf(stderr, "%s: %s: %s\n", what, tether_status_name(status),
          tether_session_last_error(session));
  return 1;
}

int main(void) {
  uint8_t in[256];
  size_t n = 0;
  /* Bodies written out by hand: Start{known_entries=1}, Ping{nonce}, and
   * InputCommand{value{content="hello"}} split after its 4th byte. */
  static const uint8_t start[] = {0x18, 0x01};
  static const uint8_t ping1[] = {0x0a, 0x02, 'p', '1'};
  static const uint8_t input[] = {0x72, 0x07, 0x0a, 0x05, 'h', 'e', 'l', 'l', 'o'};
  static const uint8_t ping2[] = {0x0a, 0x02, 'p', '2'};
  n += put_frame(in + n, TETHER_MSG_START, 0, start, sizeof start);
  n += put_frame(in + n, TETHER_MSG_PING, 0, ping1, sizeof ping1);
  n += put_frame(in + n, TETHER_MSG_INPUT_COMMAND, TETHER_FLAG_CONTINUED, input, 4);
  n += put_frame(in + n, TETHER_MSG_PING, 0, ping2, sizeof ping2);
  n += put_frame(in + n, TETHER_MSG_INPUT_COMMAND, 0, input + 4, sizeof input - 4);

  /* The runtime offered "tether-extensions: ping/1, chunked/1" and the SDK accepted
   * both (tether_extensions_parse), so Pings and chunks are valid on this stream. */
  tether_session_options options;
  tether_session_options_init(&options);
  options.extensions = TETHER_EXT_PING | TETHER_EXT_CHUNKED;
  tether_session *session = NULL;
  if (tether_session_new(&options, &session) != TETHER_OK) return 1;
  size_t taken = 0;
  if (check(tether_session_feed(session, in, n, &taken), session, "feed")) return 1;
  printf("fed %zu bytes\n", taken);

  tether_event event;
  tether_status status;
  while ((status = tether_session_next_event(session, &event)) == TETHER_OK) {
    if (event.kind == TETHER_EVENT_PING) {
      printf("Ping \"%.*s\" dispatched, Pong queued\n", (int)event.length,
             (const char *)event.data);
    } else if (event.kind == TETHER_EVENT_MESSAGE && event.type == TETHER_MSG_INPUT_COMMAND) {
      printf("InputCommand of %zu bytes: echo it, then End\n", event.length);
      /* OutputCommand{value=14} has the same shape as InputCommand{value=14}. */
      if (check(tether_session_send(session, TETHER_MSG_OUTPUT_COMMAND, event.data, event.length),
                session, "send output") ||
          check(tether_session_send(session, TETHER_MSG_END, NULL, 0), session, "send end")) {
        return 1;
      }
    }
  }
  if (status != TETHER_EMPTY) return check(status, session, "next_event");

  const uint8_t *out = NULL;
  size_t out_length = 0;
  tether_session_pending_output(session, &out, &out_length);
  /* The transport would write these bytes; here they are decoded and printed. */
  tether_decoder *decoder = NULL;
  tether_decoder_new(NULL, &decoder);
  size_t used = 0;
  tether_decoder_feed(decoder, out, out_length, &used);
  tether_frame frame;
  while (tether_decoder_next(decoder, &frame) == TETHER_OK) {
    printf("  wrote type 0x%04x, %u bytes\n", frame.type, frame.length);
  }
  tether_session_consume_output(session, out_length);
  tether_decoder_free(decoder);
  tether_session_free(session);
  return 0;
}
