/* The activation store of an invoker that produces records faster than its database
 * takes them: a tether_batcher in front of the SQLite sink (one transaction per batch,
 * synchronous=FULL), overflow into a spill log so nothing is lost or held in memory
 * beyond the budget. Stop it any time, even with SIGKILL: the next run drains the
 * log first and the table ends with each accepted record exactly once.
 *
 *   activation_store --db store.db --spill store.spill [--records N] [--first-id N]
 *                    [--queue-bytes N] [--accepted FILE] [--close-timeout-ms MS]
 *
 * --accepted appends the id of every accepted record (one per line) to FILE, so that a
 * test can compare the table with what was accepted. Build: ./run build
 * (build/examples/activation_store). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tether.h"

static uint64_t number(const char *text, const char *flag) {
  char *end = NULL;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0') {
    fprintf(stderr, "activation_store: %s wants a number, got \"%s\"\n", flag, text);
    exit(2);
  }
  return (uint64_t)value;
}

static void on_failed(const tether_record *records, size_t count, tether_status reason,
                      const char *message, void *user_data) {
  (void)records;
  (void)user_data;
  fprintf(stderr, "activation_store: %zu records not written: %s: %s\n", count,
          tether_status_name(reason), message);
}

int main(int argc, char **argv) {
  const char *db = NULL, *spill = NULL, *accepted_path = NULL;
  uint64_t records = 100000, first_id = 1, queue_bytes = 1u << 20, close_timeout_ms = 600000;
  static const struct option longs[] = {{"db", required_argument, NULL, 'd'},
                                        {"spill", required_argument, NULL, 's'},
                                        {"records", required_argument, NULL, 'n'},
                                        {"first-id", required_argument, NULL, 'f'},
                                        {"queue-bytes", required_argument, NULL, 'q'},
                                        {"accepted", required_argument, NULL, 'a'},
                                        {"close-timeout-ms", required_argument, NULL, 't'},
                                        {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
    switch (c) {
      case 'd':
        db = optarg;
        break;
      case 's':
        spill = optarg;
        break;
      case 'n':
        records = number(optarg, "--records");
        break;
      case 'f':
        first_id = number(optarg, "--first-id");
        break;
      case 'q':
        queue_bytes = number(optarg, "--queue-bytes");
        break;
      case 'a':
        accepted_path = optarg;
        break;
      case 't':
        close_timeout_ms = number(optarg, "--close-timeout-ms");
        break;
      default:
        fprintf(stderr,
                "usage: activation_store --db FILE --spill DIR [--records N] "
                "[--first-id N] [--queue-bytes N] [--accepted FILE] [--close-timeout-ms MS]\n");
        return 2;
    }
  }
  if (db == NULL || spill == NULL) {
    fprintf(stderr, "activation_store: --db and --spill are required\n");
    return 2;
  }

  char error[512];
  tether_sqlite_sink_options sink_options;
  tether_sqlite_sink_options_init(&sink_options);
  sink_options.path = db;
  sink_options.table = "activations";
  tether_sqlite_sink *sink = NULL;
  tether_status st = tether_sqlite_sink_open(&sink_options, &sink, error, sizeof error);
  if (st != TETHER_OK) {
    fprintf(stderr, "activation_store: %s: %s\n", tether_status_name(st), error);
    return 1;
  }

  tether_batcher_options options;
  tether_batcher_options_init(&options);
  options.sink = tether_sqlite_sink_write;
  options.sink_user_data = sink;
  options.on_failed = on_failed;
  options.policy = TETHER_OVERFLOW_SPILL;
  options.spill_dir = spill;
  options.max_queued_bytes = queue_bytes;
  options.max_batch_bytes = queue_bytes < (256u << 10) ? queue_bytes : (256u << 10);
  options.spill_repair = 1; /* a torn last record (power loss) is set aside, not fatal */
  tether_batcher *batcher = NULL;
  st = tether_batcher_new(&options, &batcher, error, sizeof error);
  if (st != TETHER_OK) {
    fprintf(stderr, "activation_store: %s: %s\n", tether_status_name(st), error);
    tether_sqlite_sink_free(sink);
    return 1;
  }

  int accepted_fd = -1;
  if (accepted_path != NULL) {
    accepted_fd = open(accepted_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (accepted_fd < 0) {
      fprintf(stderr, "activation_store: %s: %s\n", accepted_path, strerror(errno));
      return 1;
    }
  }
  uint64_t accepted = 0, refused = 0;
  for (uint64_t id = first_id; id < first_id + records; ++id) {
    char body[160];
    int n = snprintf(body, sizeof body,
                     "{\"activationId\":\"%016" PRIx64
                     "\",\"action\":\"hello\",\"status\":"
                     "\"success\",\"duration\":%" PRIu64 "}",
                     id, id % 997);
    st = tether_batcher_submit(batcher, id, (const uint8_t *)body, (size_t)n);
    if (st != TETHER_OK) {
      ++refused;
      continue;
    }
    ++accepted;
    if (accepted_fd >= 0) {
      char line[32];
      int len = snprintf(line, sizeof line, "%" PRIu64 "\n", id);
      if (write(accepted_fd, line, (size_t)len) != len) return 1;
    }
  }
  uint64_t unwritten = 0;
  st = tether_batcher_close(batcher, close_timeout_ms * 1000000ull, &unwritten);
  tether_batcher_stats stats;
  memset(&stats, 0, sizeof stats);
  stats.struct_size = sizeof stats;
  tether_batcher_stats_get(batcher, &stats);
  uint64_t rows = 0;
  tether_sqlite_sink_count(sink, &rows);
  printf("accepted %" PRIu64 " refused %" PRIu64 " replayed %" PRIu64 " written %" PRIu64
         " spilled %" PRIu64 " unwritten %" PRIu64 " rows %" PRIu64 " peak_queued_bytes %" PRIu64
         "\n",
         accepted, refused, stats.replayed, stats.written, stats.spilled, unwritten, rows,
         stats.peak_queued_bytes);
  tether_batcher_free(batcher);
  tether_sqlite_sink_free(sink);
  if (accepted_fd >= 0) close(accepted_fd);
  return st == TETHER_OK ? 0 : 1;
}
