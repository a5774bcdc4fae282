/* The C side of bench/python/dispatch_bench.py: the same two loops as the Python side,
 * through the C API directly.
 *   ping:    feed one Ping frame, dispatch it (next_event), take the Pong bytes
 *   message: feed one frame holding a 1 KiB InputCommand, dispatch it
 * Usage: dispatch_loop BATCHES OPS_PER_BATCH; prints "<loop> <median ns per op>". */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tether.h>

static unsigned long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void die(const char *what, tether_status s, tether_session *session) {
  fprintf(stderr, "%s: %s: %s\n", what, tether_status_name(s),
          session ? tether_session_last_error(session) : "");
  exit(1);
}

/* header + body into out; returns the frame length */
static size_t frame(uint16_t type, const uint8_t *body, size_t length, uint8_t *out) {
  tether_frame_header_encode(type, 0, (uint32_t)length, out);
  memcpy(out + TETHER_FRAME_HEADER_SIZE, body, length);
  return TETHER_FRAME_HEADER_SIZE + length;
}

static tether_session *started_session(void) {
  /* StartMessage { id = "inv" (1), debug_id = "inv" (2), known_entries = 1 (3) } */
  static const uint8_t start_body[] = {0x0a, 3, 'i', 'n', 'v', 0x12, 3, 'i', 'n', 'v', 0x18, 1};
  uint8_t start[64];
  size_t n = frame(TETHER_MSG_START, start_body, sizeof start_body, start);
  tether_session_options options;
  tether_session_options_init(&options);
  options.extensions = TETHER_EXT_PING;
  tether_session *session;
  tether_status s = tether_session_new(&options, &session);
  if (s != TETHER_OK) die("session_new", s, NULL);
  size_t used;
  if ((s = tether_session_feed(session, start, n, &used)) != TETHER_OK)
    die("feed start", s, session);
  tether_event event;
  while ((s = tether_session_next_event(session, &event)) == TETHER_OK) {
  }
  if (s != TETHER_EMPTY) die("next_event start", s, session);
  return session;
}

static void one_op(tether_session *session, const uint8_t *wire, size_t n, int take_output) {
  size_t used;
  tether_status s = tether_session_feed(session, wire, n, &used);
  if (s != TETHER_OK) die("feed", s, session);
  tether_event event;
  if ((s = tether_session_next_event(session, &event)) != TETHER_OK) die("next_event", s, session);
  if (!take_output) return;
  const uint8_t *out;
  size_t length;
  for (;;) {
    if ((s = tether_session_pending_output(session, &out, &length)) != TETHER_OK)
      die("pending", s, session);
    if (length == 0) break;
    if ((s = tether_session_consume_output(session, length)) != TETHER_OK)
      die("consume", s, session);
  }
}

static double median_ns(const uint8_t *wire, size_t n, int take_output, int batches, int ops) {
  tether_session *session = started_session();
  double *per_op = malloc(sizeof(double) * (size_t)batches);
  for (int i = 0; i < ops; ++i) one_op(session, wire, n, take_output); /* warm up */
  for (int b = 0; b < batches; ++b) {
    unsigned long long t0 = now_ns();
    for (int i = 0; i < ops; ++i) one_op(session, wire, n, take_output);
    per_op[b] = (double)(now_ns() - t0) / ops;
  }
  qsort(per_op, (size_t)batches, sizeof *per_op, cmp_double);
  double median = per_op[batches / 2];
  free(per_op);
  tether_session_free(session);
  return median;
}

int main(int argc, char **argv) {
  int batches = argc > 1 ? atoi(argv[1]) : 101;
  int ops = argc > 2 ? atoi(argv[2]) : 1000;

  static const uint8_t ping_body[] = {0x0a, 8, 'n', 'o', 'n', 'c', 'e', '-', '0', '1'};
  uint8_t ping[64];
  size_t ping_n = frame(TETHER_MSG_PING, ping_body, sizeof ping_body, ping);

  /* InputCommandMessage { value (14) = Value { content (1) = 1018 x 'm' } }: 1024 bytes */
  static uint8_t message_body[1024] = {0x72, 0xfd, 0x07, 0x0a, 0xfa, 0x07};
  memset(message_body + 6, 'm', sizeof message_body - 6);
  static uint8_t message[1024 + TETHER_FRAME_HEADER_SIZE];
  size_t message_n = frame(TETHER_MSG_INPUT_COMMAND, message_body, sizeof message_body, message);

  printf("ping %.1f\n", median_ns(ping, ping_n, 1, batches, ops));
  printf("message %.1f\n", median_ns(message, message_n, 0, batches, ops));
  return 0;
}
