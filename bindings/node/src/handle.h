// What every class holds: an owned C handle (freed by close() or the finalizer) and
// the output-taking loop that Session, Invocation and Middleware share.
#pragma once

#include <napi.h>
#include <tether.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "errors.h"
#include "scratch.h"

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

// Takes up to limit bytes of pending output and consumes them: their length when they
// were copied into scratch (see scratch.h), a Buffer when they did not fit, null when
// nothing is pending. The copy is needed: the library's span is only valid until the
// next call on the handle. pending(&data, &length) and consume(n) return statuses;
// fail(status) throws.
template <class Pending, class Consume, class Fail>
Napi::Value take_output(Napi::Env env, const Scratch &scratch, uint64_t limit, Pending pending,
                        Consume consume, Fail fail) {
  const uint8_t *data = nullptr;
  size_t length = 0;
  tether_status status = pending(&data, &length);
  if (status != TETHER_OK) fail(status);
  if (length == 0 || limit == 0) return env.Null();
  if (length >= limit) {  // one span holds it all
    Napi::Value out = bytes_out(env, scratch, data, size_t(limit));
    if ((status = consume(size_t(limit))) != TETHER_OK) fail(status);
    return out;
  }
  // Several spans: joined in scratch while they fit, else in one string.
  std::string joined;
  size_t taken = 0;
  bool in_scratch = true;
  while (length > 0 && taken < limit) {
    size_t n = size_t(std::min<uint64_t>(length, limit - taken));
    if (in_scratch && taken + n > scratch.length) {
      joined.assign(reinterpret_cast<const char *>(scratch.data), taken);
      in_scratch = false;
    }
    if (in_scratch)
      std::memcpy(scratch.data + taken, data, n);
    else
      joined.append(reinterpret_cast<const char *>(data), n);
    taken += n;
    if ((status = consume(n)) != TETHER_OK) fail(status);
    if ((status = pending(&data, &length)) != TETHER_OK) fail(status);
  }
  if (in_scratch) return scratch_result(env, scratch, taken);
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t *>(joined.data()),
                                     joined.size());
}

Napi::Object session_stats_object(Napi::Env env, const tether_session_stats &s);

}  // namespace tether_node
