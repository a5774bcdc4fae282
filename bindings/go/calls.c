// See calls.h.
#include "calls.h"

#include <string.h>

#define TETHER_GO_FEED(name, handle, call)                                        \
  tether_go_fed tether_go_##name(handle *h, const uint8_t *data, size_t length) { \
    tether_go_fed r = {TETHER_OK, 0};                                             \
    r.status = call(h, data, length, &r.consumed);                                \
    return r;                                                                     \
  }

TETHER_GO_FEED(session_feed, tether_session, tether_session_feed)
TETHER_GO_FEED(invocation_feed, tether_invocation, tether_invocation_feed)
TETHER_GO_FEED(invocation_output_write, tether_invocation, tether_invocation_output_write)
TETHER_GO_FEED(middleware_feed, tether_middleware, tether_middleware_feed)
TETHER_GO_FEED(middleware_sdk_output, tether_middleware, tether_middleware_sdk_output)
TETHER_GO_FEED(decoder_feed, tether_decoder, tether_decoder_feed)

tether_go_event tether_go_session_next_event(tether_session *h) {
  tether_go_event r;
  memset(&r, 0, sizeof r);
  r.status = tether_session_next_event(h, &r.event);
  return r;
}

tether_go_invocation_event tether_go_invocation_poll(tether_invocation *h) {
  tether_go_invocation_event r;
  memset(&r, 0, sizeof r);
  r.status = tether_invocation_poll(h, &r.event);
  return r;
}

tether_go_frame tether_go_decoder_next(tether_decoder *h) {
  tether_go_frame r;
  memset(&r, 0, sizeof r);
  r.status = tether_decoder_next(h, &r.frame);
  return r;
}

tether_go_bytes tether_go_middleware_take_sdk_input(tether_middleware *h) {
  tether_go_bytes r = {TETHER_OK, NULL, 0};
  r.status = tether_middleware_take_sdk_input(h, &r.data, &r.length);
  return r;
}

#define TETHER_GO_TAKE(name)                                                            \
  tether_go_taken tether_go_##name##_take(tether_##name *h, uint8_t *dst, size_t cap) { \
    tether_go_taken r = {0, 0};                                                         \
    size_t length = 0;                                                                  \
    const uint8_t *data = NULL;                                                         \
    for (;;) {                                                                          \
      tether_##name##_pending_output(h, &data, &length);                                \
      if (length == 0 || r.taken == cap) break;                                         \
      size_t k = length < cap - r.taken ? length : cap - r.taken;                       \
      memcpy(dst + r.taken, data, k);                                                   \
      tether_##name##_consume_output(h, k);                                             \
      r.taken += k;                                                                     \
    }                                                                                   \
    r.more = length;                                                                    \
    return r;                                                                           \
  }

TETHER_GO_TAKE(session)
TETHER_GO_TAKE(invocation)
TETHER_GO_TAKE(middleware)

tether_go_step tether_go_session_step(tether_session *h, const uint8_t *in, size_t in_length,
                                      uint8_t *data, size_t data_cap, uint8_t *out,
                                      size_t out_cap) {
  tether_go_step r;
  memset(&r, 0, sizeof r);
  r.next.status = TETHER_EMPTY;
  if (in_length != 0) r.fed.status = tether_session_feed(h, in, in_length, &r.fed.consumed);
  if (r.fed.status == TETHER_OK || r.fed.status == TETHER_WOULD_BLOCK) {
    r.next.status = tether_session_next_event(h, &r.next.event);
    if (r.next.status == TETHER_OK && r.next.event.length != 0 && r.next.event.length <= data_cap) {
      memcpy(data, r.next.event.data, r.next.event.length);
      r.copied = r.next.event.length;
    }
  }
  // (taking output is a call on the session: it would end event.data's life)
  if (r.next.status == TETHER_OK && r.copied != r.next.event.length) return r;
  r.out = tether_go_session_take(h, out, out_cap);
  return r;
}
