// The tether_batcher handle and tether_spill_log_verify: a thin shim over
// tether::Batcher and the spill log.
#include "flow/batcher.h"

#include <cstring>
#include <new>
#include <string>

#include "flow/kafka/kafka_producer.h"
#include "flow/spill_log.h"
#include "options.h"

struct tether_batcher {
  tether::Batcher *core;
};

using tether::capi::copy_text;

namespace {

// Reads the caller's options and, under KAFKA, the Kafka options they point to (an
// older, shorter struct keeps our defaults past its struct_size) into *kafka.
const char *read_batcher_options(const tether_batcher_options *given,
                                 tether_batcher_options &options,
                                 tether_kafka_overflow_options &kafka) {
  tether_batcher_options_init(&options);
  if (given == nullptr) return "options are required (the sink)";
  if (!tether::capi::read_options(given, options))
    return "struct_size is not the size of a tether_batcher_options";
  tether::kafka_overflow_default_options(&kafka);
  if (options.kafka != nullptr) {
    if (!tether::capi::read_options(options.kafka, kafka))
      return "kafka->struct_size is not the size of a tether_kafka_overflow_options";
    options.kafka = &kafka;
  }
  return nullptr;
}

}  // namespace

extern "C" {

namespace {

void batcher_defaults(tether_batcher_options *options) {
  if (options != nullptr) tether::batcher_default_options(options);
}

}  // namespace

void tether_batcher_options_init_sized(tether_batcher_options *options, size_t struct_size) {
  tether::capi::init_sized(options, struct_size, batcher_defaults);
}

// ABI 0's entry point, for programs built before _init_sized: it fills the struct
// as ABI 0 had it, 184 bytes, whatever has been appended since.
static_assert(sizeof(tether_batcher_options) >= 184);
void(tether_batcher_options_init)(tether_batcher_options *options) {
  tether_batcher_options_init_sized(options, 184);
}

static void kafka_defaults(tether_kafka_overflow_options *options) {
  tether::kafka_overflow_default_options(options);
}

void tether_kafka_overflow_options_init_sized(tether_kafka_overflow_options *options,
                                              size_t struct_size) {
  tether::capi::init_sized(options, struct_size, kafka_defaults);
}

tether_status tether_batcher_options_check(const tether_batcher_options *given,
                                           const char **problem) {
  const char *ignored;
  if (problem == nullptr) problem = &ignored;
  *problem = "";
  tether_batcher_options options;
  tether_kafka_overflow_options kafka;
  const char *found = read_batcher_options(given, options, kafka);
  if (found == nullptr) found = tether::batcher_options_problem(options);
  if (found == nullptr) return TETHER_OK;
  *problem = found;
  return TETHER_INVALID_ARGUMENT;
}

tether_status tether_batcher_new(const tether_batcher_options *given, tether_batcher **out,
                                 char *error, size_t error_size) {
  copy_text("", error, error_size);
  if (out == nullptr) {
    copy_text("out is NULL", error, error_size);
    return TETHER_INVALID_ARGUMENT;
  }
  *out = nullptr;
  const char *problem;
  if (tether_batcher_options_check(given, &problem) != TETHER_OK) {
    copy_text(problem, error, error_size);
    return TETHER_INVALID_ARGUMENT;
  }
  tether_batcher_options options;
  tether_kafka_overflow_options kafka;
  read_batcher_options(given, options, kafka);
  tether_status status;
  std::string message;
  tether::Batcher *core = tether::Batcher::create(options, &status, &message);
  if (core == nullptr) {
    copy_text(message, error, error_size);
    return status;
  }
  *out = new (std::nothrow) tether_batcher{core};
  if (*out == nullptr) {
    tether::Batcher::destroy(core);
    copy_text("out of memory", error, error_size);
    return TETHER_NO_MEMORY;
  }
  return TETHER_OK;
}

tether_status tether_batcher_submit(tether_batcher *batcher, uint64_t id, const uint8_t *data,
                                    size_t length) {
  if (batcher == nullptr || (data == nullptr && length > 0)) return TETHER_INVALID_ARGUMENT;
  return batcher->core->submit(id, data, length);
}

tether_status tether_batcher_close(tether_batcher *batcher, uint64_t timeout_ns,
                                   uint64_t *unwritten) {
  if (batcher == nullptr) return TETHER_INVALID_ARGUMENT;
  return batcher->core->close(timeout_ns, unwritten);
}

void tether_batcher_free(tether_batcher *batcher) {
  if (batcher == nullptr) return;
  tether::Batcher::destroy(batcher->core);
  delete batcher;
}

tether_status tether_batcher_stats_get(const tether_batcher *batcher, tether_batcher_stats *stats) {
  if (batcher == nullptr || stats == nullptr || stats->struct_size < sizeof(size_t) ||
      stats->struct_size > sizeof(tether_batcher_stats)) {
    return TETHER_INVALID_ARGUMENT;
  }
  tether_batcher_stats full{};
  batcher->core->stats(&full);
  std::memcpy(reinterpret_cast<char *>(stats) + sizeof(size_t),
              reinterpret_cast<const char *>(&full) + sizeof(size_t),
              stats->struct_size - sizeof(size_t));
  return TETHER_OK;
}

tether_status tether_batcher_prometheus(const tether_batcher *batcher, char *buffer,
                                        size_t capacity, size_t *length) {
  if (batcher == nullptr || length == nullptr) return TETHER_INVALID_ARGUMENT;
  std::string text = batcher->core->prometheus();
  *length = text.size();
  if (buffer == nullptr || capacity <= text.size()) return TETHER_INVALID_ARGUMENT;
  copy_text(text, buffer, capacity);
  return TETHER_OK;
}

size_t tether_batcher_last_error(const tether_batcher *batcher, char *buffer, size_t capacity) {
  return copy_text(batcher ? batcher->core->last_error() : std::string(), buffer, capacity);
}

tether_status tether_spill_log_verify(const char *spill_dir, tether_spill_report *report) {
  if (spill_dir == nullptr || report == nullptr ||
      report->struct_size != sizeof(tether_spill_report)) {
    return TETHER_INVALID_ARGUMENT;
  }
  tether::SpillScan scan = tether::verify_spill_dir(spill_dir);
  report->segments = scan.segments;
  report->records = scan.records;
  report->good_bytes = scan.good_bytes;
  report->bad_offset = scan.bad_offset;
  copy_text(scan.message, report->message, sizeof report->message);
  return scan.status;
}

}  // extern "C"
