// What every class holds: an owned C handle (freed by close() or the finalizer) and
// the output-taking loop that Session, Invocation and Middleware share.
#pragma once

#include <napi.h>
#include <tether.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "errors.h"

namespace tether_node {

template <class T, void (*Free)(T *)>
class Handle {
 public:
  Handle() = default;
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  ~Handle() { reset(); }
  T *get(Napi::Env env, const char *class_name) const {
    if (handle_ == nullptr) throw_closed(env, class_name);
    return handle_;
  }
  T *raw() const { return handle_; }
  void reset(T *handle = nullptr) {
    if (handle_ != nullptr) Free(handle_);
    handle_ = handle;
  }
  bool closed() const { return handle_ == nullptr; }

 private:
  T *handle_ = nullptr;
};

// Copies up to limit bytes of pending output into one Buffer and consumes them; null
// when nothing is pending. The copy is needed: the library's span is only valid until
// the next call on the handle. pending(&data, &length) and consume(n) return statuses;
// fail(status) throws.
template <class Pending, class Consume, class Fail>
Napi::Value take_output(Napi::Env env, uint64_t limit, Pending pending, Consume consume,
                        Fail fail) {
  const uint8_t *data = nullptr;
  size_t length = 0;
  tether_status status = pending(&data, &length);
  if (status != TETHER_OK) fail(status);
  if (length == 0 || limit == 0) return env.Null();
  if (length >= limit) {  // the common case: one span holds it all
    auto out = Napi::Buffer<uint8_t>::Copy(env, data, size_t(limit));
    if ((status = consume(size_t(limit))) != TETHER_OK) fail(status);
    return out;
  }
  std::string joined;
  while (length > 0 && joined.size() < limit) {
    size_t n = size_t(std::min<uint64_t>(length, limit - joined.size()));
    joined.append(reinterpret_cast<const char *>(data), n);
    if ((status = consume(n)) != TETHER_OK) fail(status);
    if ((status = pending(&data, &length)) != TETHER_OK) fail(status);
  }
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t *>(joined.data()),
                                     joined.size());
}

Napi::Object session_stats_object(Napi::Env env, const tether_session_stats &s);

}  // namespace tether_node
