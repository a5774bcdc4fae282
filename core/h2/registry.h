// The services an endpoint serves: handler functions by service and handler name,
// and the Reply a handler fills in.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tether::h2 {

// A handler's answer; the last accepted call wins. Filled on a dispatch thread, applied
// to the invocation by the server after the handler returns. failure() and error()
// refuse, at the call, text the invocation would refuse (not UTF-8, over the limits).
class Reply {
 public:
  enum class Kind { kNone, kValue, kFailure, kError, kStream };

  // A value of known length produced piecewise (tether_reply_stream).
  struct Producer {
    tether_reply_produce_fn produce = nullptr;
    tether_reply_release_fn release = nullptr;
    void *state = nullptr;
    uint64_t length = 0;
  };

  Reply() = default;
  Reply(const Reply &) = delete;
  Reply &operator=(const Reply &) = delete;
  ~Reply() { drop_producer(); }

  // An oversize value is no refusal: it becomes the 413 Failure.
  Status value(const uint8_t *data, size_t length);
  // Terminal failure: the invocation completes, failed.
  Status failure(uint32_t code, std::string_view message);
  // Retryable error (ErrorMessage): the runtime retries the attempt.
  Status error(uint32_t code, std::string_view message);
  // A streamed value: the server calls produce for its bytes after the handler
  // returned, as room allows; release once, when the producer is done with.
  Status stream(const Producer &producer);

  // Set by the server before the handler runs: the invocation's output limit and the
  // largest ErrorMessage payload it can send.
  void limits(uint64_t output, uint64_t error) {
    output_limit_ = output;
    error_limit_ = error;
  }
  // Set by the I/O thread when the stream is reset; a running handler may poll it.
  void cancel() { cancelled_.store(true, std::memory_order_release); }
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  const char *last_error() const { return error_.message(); }

  // Frees the bytes once the invocation has taken its copy (assigning an empty
  // reply would keep the capacity: a 30 MiB reply per idle stream).
  void release() {
    kind_ = Kind::kNone;
    std::string().swap(bytes_);
    drop_producer();
  }

  Kind kind() const { return kind_; }
  uint32_t code() const { return code_; }
  const std::string &bytes() const { return bytes_; }
  const Producer &producer() const { return *producer_; }  // kind() == kStream

 private:
  Status text(Kind kind, uint32_t code, std::string_view message, uint64_t limit, const char *call);
  void drop_producer() {
    if (producer_ && producer_->release != nullptr) producer_->release(producer_->state);
    producer_.reset();
  }
  void set(Kind kind, uint32_t code, const void *data, size_t length) {
    drop_producer();  // the last accepted call wins
    kind_ = kind;
    code_ = code;
    bytes_.assign(static_cast<const char *>(data), length);
  }
  Kind kind_ = Kind::kNone;
  uint32_t code_ = 0;
  std::string bytes_;
  std::unique_ptr<Producer> producer_;  // apart: most replies are no stream
  uint64_t output_limit_ = UINT64_MAX;
  uint64_t error_limit_ = UINT64_MAX;
  std::atomic<bool> cancelled_{false};
  ErrorSlot error_;
};

// Runs on a dispatch thread and may block it (that is what Pongs measure). input and
// the memory it points to stay valid until the handler returns.
using HandlerFn = void (*)(const tether_invocation_input &input, Reply &reply, void *user_data);

struct Handler {
  std::string name;
  HandlerFn fn = nullptr;
  void *user_data = nullptr;
};

struct Service {
  std::string name;
  std::vector<Handler> handlers;
};

class Registry {
 public:
  // TETHER_INVALID_ARGUMENT (reason in *error) for a NULL fn, a name that is empty,
  // longer than 255 bytes or not [A-Za-z0-9_.-], or a handler registered twice.
  Status add(std::string_view service, std::string_view handler, HandlerFn fn, void *user_data,
             std::string *error);
  const Service *service(std::string_view name) const;
  const Handler *find(std::string_view service, std::string_view handler) const;
  const std::vector<Service> &services() const { return services_; }

 private:
  std::vector<Service> services_;
};

}  // namespace tether::h2
