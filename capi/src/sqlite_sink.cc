// The tether_sqlite_sink handle: a thin shim over tether::SqliteSink (built with
// -DTETHER_SQLITE=ON).
#include "flow/sqlite_sink/sqlite_sink.h"

#include <cstring>
#include <new>

#include "options.h"

struct tether_sqlite_sink {
  tether::SqliteSink *core;
};

extern "C" {

namespace {

void sqlite_sink_defaults(tether_sqlite_sink_options *options) {
  if (options != nullptr) tether::sqlite_sink_default_options(options);
}

}  // namespace

void tether_sqlite_sink_options_init_sized(tether_sqlite_sink_options *options,
                                           size_t struct_size) {
  tether::capi::init_sized(options, struct_size, sqlite_sink_defaults);
}

// ABI 0's entry point, for programs built before _init_sized: it fills the struct
// as ABI 0 had it, 32 bytes, whatever has been appended since.
static_assert(sizeof(tether_sqlite_sink_options) >= 32);
void(tether_sqlite_sink_options_init)(tether_sqlite_sink_options *options) {
  tether_sqlite_sink_options_init_sized(options, 32);
}

tether_status tether_sqlite_sink_open(const tether_sqlite_sink_options *given,
                                      tether_sqlite_sink **out, char *error, size_t error_size) {
  auto say = [&](std::string_view text) { tether::capi::copy_text(text, error, error_size); };
  say("");
  if (out == nullptr) return TETHER_INVALID_ARGUMENT;
  *out = nullptr;
  tether_sqlite_sink_options options;
  tether_sqlite_sink_options_init(&options);
  if (given == nullptr || !tether::capi::read_options(given, options)) {
    say(given == nullptr ? "options are required (the path)"
                         : "struct_size is not the size of a tether_sqlite_sink_options");
    return TETHER_INVALID_ARGUMENT;
  }
  tether_status status;
  std::string message;
  tether::SqliteSink *core = tether::SqliteSink::open(options, &status, &message);
  if (core == nullptr) {
    say(message);
    return status;
  }
  *out = new (std::nothrow) tether_sqlite_sink{core};
  if (*out == nullptr) {
    delete core;
    say("out of memory");
    return TETHER_NO_MEMORY;
  }
  return TETHER_OK;
}

void tether_sqlite_sink_free(tether_sqlite_sink *sink) {
  if (sink == nullptr) return;
  delete sink->core;
  delete sink;
}

tether_sink_result tether_sqlite_sink_write(const tether_record *records, size_t count,
                                            void *sink) {
  if (sink == nullptr || (records == nullptr && count > 0)) return TETHER_SINK_PERMANENT;
  return static_cast<tether_sqlite_sink *>(sink)->core->write(records, count);
}

tether_status tether_sqlite_sink_count(tether_sqlite_sink *sink, uint64_t *rows) {
  if (sink == nullptr || rows == nullptr) return TETHER_INVALID_ARGUMENT;
  return sink->core->count(rows);
}

const char *tether_sqlite_sink_last_error(const tether_sqlite_sink *sink) {
  return sink ? sink->core->last_error().c_str() : "";
}

}  // extern "C"
