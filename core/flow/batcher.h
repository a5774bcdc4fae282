// The batcher (tether.h, "Batcher"): a byte-bounded queue in front of a slow sink,
// with an explicit overflow policy (reject, block with a deadline, spill to a local
// log), batching by bytes, count and linger time, retries with backoff, and
// permanent failures reported per record. One sink thread per batcher; submit and
// the read-only calls are safe from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace tether {

class Batcher {
 public:
  // Validates options, opens the spill log, starts the sink thread. On failure
  // returns nullptr with *status and *message set.
  static Batcher *create(const tether_batcher_options &options, Status *status,
                         std::string *message);
  // Closes with no time left if still open, then frees.
  static void destroy(Batcher *batcher);

  Status submit(uint64_t id, const uint8_t *data, size_t length);
  Status close(uint64_t timeout_ns, uint64_t *unwritten);
  void stats(tether_batcher_stats *out) const;
  std::string prometheus() const;
  std::string last_error() const;

 private:
  Batcher() = default;
  static Batcher *create_or_throw(const tether_batcher_options &options, Status *status,
                                  std::string *message);
  struct Impl;
  Impl *impl_ = nullptr;
};

// The documented defaults (tether_batcher_options_init).
void batcher_default_options(tether_batcher_options *options);
// Why options are invalid (a static sentence naming the field), or nullptr.
const char *batcher_options_problem(const tether_batcher_options &options);

}  // namespace tether
