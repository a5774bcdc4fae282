// See output.c.
#include <stddef.h>
#include <stdint.h>
#include <tether.h>

size_t tether_go_session_take(tether_session *h, uint8_t *dst, size_t cap, size_t *more);
size_t tether_go_invocation_take(tether_invocation *h, uint8_t *dst, size_t cap, size_t *more);
size_t tether_go_middleware_take(tether_middleware *h, uint8_t *dst, size_t cap, size_t *more);
