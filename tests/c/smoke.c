/* Compiled as strict C11: the public header must be plain C. */
#include <stdio.h>
#include <string.h>

#include "tether.h"

static int fail(const char *what) {
  fprintf(stderr, "c_smoke: %s\n", what);
  return 1;
}

int main(void) {
  uint8_t stream[8 + 3];
  tether_decoder *decoder = NULL;
  tether_decoder_options options;
  tether_frame frame;
  size_t consumed = 0;
  size_t count = 0;

  if (tether_version() != TETHER_VERSION) return fail("version mismatch");
  if (tether_status_table(&count) == NULL || count == 0) return fail("no status table");
  if (strcmp(tether_status_name(TETHER_WOULD_BLOCK), "TETHER_WOULD_BLOCK") != 0) {
    return fail("status name");
  }

  tether_frame_header_encode(TETHER_MSG_PING, 0, 3, stream);
  memcpy(stream + 8, "abc", 3);
  tether_decoder_options_init(&options);
  if (tether_decoder_new(&options, &decoder) != TETHER_OK) return fail("new");
  if (tether_decoder_feed(decoder, stream, sizeof stream, &consumed) != TETHER_OK) {
    return fail("feed");
  }
  if (tether_decoder_next(decoder, &frame) != TETHER_OK) return fail("next");
  if (frame.type != TETHER_MSG_PING || frame.length != 3 || memcmp(frame.payload, "abc", 3) != 0) {
    return fail("frame content");
  }
  if (tether_decoder_next(decoder, &frame) != TETHER_EMPTY) return fail("expected EMPTY");
  tether_decoder_free(decoder);
  printf("c_smoke: ok (%zu status codes)\n", count);
  return 0;
}
