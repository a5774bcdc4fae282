// Output in one C call: copies queued output into a caller buffer and consumes it, so
// a Pong or a small message crosses cgo once. *more is what is still pending.
#include <string.h>
#include <tether.h>

#include "output.h"

#define TETHER_GO_TAKE(name)                                                                 \
  size_t tether_go_##name##_take(tether_##name *h, uint8_t *dst, size_t cap, size_t *more) { \
    size_t n = 0, length = 0;                                                                \
    const uint8_t *data = NULL;                                                              \
    for (;;) {                                                                               \
      tether_##name##_pending_output(h, &data, &length);                                     \
      if (length == 0 || n == cap) break;                                                    \
      size_t k = length < cap - n ? length : cap - n;                                        \
      memcpy(dst + n, data, k);                                                              \
      tether_##name##_consume_output(h, k);                                                  \
      n += k;                                                                                \
    }                                                                                        \
    *more = length;                                                                          \
    return n;                                                                                \
  }

TETHER_GO_TAKE(session)
TETHER_GO_TAKE(invocation)
TETHER_GO_TAKE(middleware)
