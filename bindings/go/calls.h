// The binding's hot-path calls, each one cgo crossing with its results returned by
// value: an out parameter pointing at a Go variable makes cgo move that variable to
// the heap, an allocation per call (see calls.c).
#include <stddef.h>
#include <stdint.h>
#include <tether.h>

// A feed-like call's status and the bytes it took.
typedef struct {
  tether_status status;
  size_t consumed;
} tether_go_fed;

tether_go_fed tether_go_session_feed(tether_session *h, const uint8_t *data, size_t length);
tether_go_fed tether_go_invocation_feed(tether_invocation *h, const uint8_t *data, size_t length);
// (consumed: the bytes the write queued)
tether_go_fed tether_go_invocation_output_write(tether_invocation *h, const uint8_t *data,
                                                size_t length);
tether_go_fed tether_go_middleware_feed(tether_middleware *h, const uint8_t *data, size_t length);
tether_go_fed tether_go_middleware_sdk_output(tether_middleware *h, const uint8_t *data,
                                              size_t length);
tether_go_fed tether_go_decoder_feed(tether_decoder *h, const uint8_t *data, size_t length);

typedef struct {
  tether_status status;
  tether_event event;
} tether_go_event;
tether_go_event tether_go_session_next_event(tether_session *h);

typedef struct {
  tether_status status;
  tether_invocation_event event;
} tether_go_invocation_event;
tether_go_invocation_event tether_go_invocation_poll(tether_invocation *h);

typedef struct {
  tether_status status;
  tether_frame frame;
} tether_go_frame;
tether_go_frame tether_go_decoder_next(tether_decoder *h);

typedef struct {
  tether_status status;
  const uint8_t *data;
  size_t length;
} tether_go_bytes;
tether_go_bytes tether_go_middleware_take_sdk_input(tether_middleware *h);

// Output in one call: copies queued output into a caller buffer and consumes it, so a
// Pong or a small message crosses cgo once; more is what is still pending.
typedef struct {
  size_t taken;
  size_t more;
} tether_go_taken;
tether_go_taken tether_go_session_take(tether_session *h, uint8_t *dst, size_t cap);
tether_go_taken tether_go_invocation_take(tether_invocation *h, uint8_t *dst, size_t cap);
tether_go_taken tether_go_middleware_take(tether_middleware *h, uint8_t *dst, size_t cap);

// One turn of a single-goroutine dispatch loop (Session.Step): feed in, dispatch one
// event (its bytes copied into data when they fit in data_cap), take output into out.
// When the event's bytes did not fit, no output is taken (that call would end
// event.data's life: the caller copies it first). A fatal feed status skips the
// dispatch; the output (an ErrorMessage then) is taken.
typedef struct {
  tether_go_fed fed;
  tether_go_event next;
  size_t copied;  // event bytes copied into data: event.length, or 0 when they did not fit
  tether_go_taken out;
} tether_go_step;
tether_go_step tether_go_session_step(tether_session *h, const uint8_t *in, size_t in_length,
                                      uint8_t *data, size_t data_cap, uint8_t *out, size_t out_cap);
