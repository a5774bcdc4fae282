/* Encodes a small invocation stream, feeds it to a decoder in uneven pieces, as a
 * socket would deliver it, and prints every frame the decoder hands out. */
#include <stdio.h>
#include <string.h>

#include "tether.h"

static size_t put_frame(uint8_t *out, uint16_t type, uint16_t flags, const char *payload) {
  uint32_t length = (uint32_t)strlen(payload);
  tether_frame_header_encode(type, flags, length, out);
  memcpy(out + TETHER_FRAME_HEADER_SIZE, payload, length);
  return TETHER_FRAME_HEADER_SIZE + length;
}

static const char *name_of(uint16_t type) {
  switch (type) {
    case TETHER_MSG_START:
      return "Start";
    case TETHER_MSG_END:
      return "End";
    case TETHER_MSG_PING:
      return "Ping";
    case TETHER_MSG_INPUT_COMMAND:
      return "InputCommand";
    case TETHER_MSG_OUTPUT_COMMAND:
      return "OutputCommand";
    default:
      return "other";
  }
}

int main(void) {
  uint8_t stream[256];
  size_t length = 0, offset = 0, piece = 1;
  tether_decoder_options options;
  tether_decoder *decoder = NULL;
  tether_frame frame;
  tether_status status;

  length += put_frame(stream + length, TETHER_MSG_START, 0, "start");
  length += put_frame(stream + length, TETHER_MSG_INPUT_COMMAND, 0, "hello");
  length += put_frame(stream + length, TETHER_MSG_PING, 0, "nonce-1");
  length +=
      put_frame(stream + length, TETHER_MSG_OUTPUT_COMMAND, TETHER_FLAG_CONTINUED, "first half,");
  length += put_frame(stream + length, TETHER_MSG_OUTPUT_COMMAND, 0, " second half");
  length += put_frame(stream + length, TETHER_MSG_END, 0, "");
  /* A frame whose type is not in the protocol: the decoder must refuse it. */
  length += put_frame(stream + length, 0x0123, 0, "");

  tether_decoder_options_init(&options);
  options.allow_continued = 1; /* the stream negotiated chunked/1 */
  if (tether_decoder_new(&options, &decoder) != TETHER_OK) return 1;
  printf("tether %s: decoding a %zu-byte stream fed in pieces of 1, 2, 3, ... bytes\n",
         tether_version_string(), length);
  while (offset < length) {
    size_t take = piece < length - offset ? piece : length - offset;
    size_t consumed = 0;
    status = tether_decoder_feed(decoder, stream + offset, take, &consumed);
    offset += consumed;
    piece++;
    while (tether_decoder_next(decoder, &frame) == TETHER_OK) {
      printf("  frame %-13s type=0x%04x flags=0x%04x %2u bytes \"%.*s\"\n", name_of(frame.type),
             frame.type, frame.flags, frame.length, (int)frame.length, (const char *)frame.payload);
    }
    if (status != TETHER_OK) {
      printf("  stopped: %s: %s\n", tether_status_name(status), tether_decoder_last_error(decoder));
      break;
    }
  }
  tether_decoder_free(decoder);
  return 0;
}
