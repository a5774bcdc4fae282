// The dispatch threads: poll invocations, run handlers, apply their replies, and
// wake the I/O thread when output is pending. A stream is dispatched by one thread
// at a time (its schedule state), and its lock is never held while a handler runs.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "frame/encoder.h"
#include "h2/server_impl.h"
#include "invocation/messages.h"

namespace tether::h2 {

void Server::Impl::schedule(Stream &s) {
  std::lock_guard<std::mutex> lock(dispatch_mu);
  if (s.reply.cancelled()) return;
  switch (s.schedule) {
    case Stream::kIdle:
      s.schedule = Stream::kQueued;
      s.queued_at = dispatch_queue.insert(dispatch_queue.end(), s.shared_from_this());
      dispatch_cv.notify_one();
      break;
    case Stream::kRunning:
      s.schedule = Stream::kRunningDirty;
      break;
    default:
      break;
  }
}

// A reset stream never starts its handler: it leaves the queue now (a flood of resets
// costs no dispatch and no memory), and a running handler sees tether_reply_cancelled.
void Server::Impl::cancel(Stream &s) {
  std::lock_guard<std::mutex> lock(dispatch_mu);
  s.reply.cancel();
  if (s.schedule == Stream::kQueued) {
    dispatch_queue.erase(s.queued_at);
    s.schedule = Stream::kIdle;
  }
}

void Server::Impl::wake_io(Stream &s) {
  bool first;
  {
    std::lock_guard<std::mutex> lock(wake_mu);
    first = wake_list.empty();
    wake_list.push_back(s.shared_from_this());
  }
  if (first) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd, &one, sizeof one);
  }
}

Status Server::Impl::apply_reply(Stream &s) {
  const Reply &r = s.reply;
  const std::string &b = r.bytes();
  switch (r.kind()) {
    case Reply::Kind::kValue:
      return s.invocation->complete(reinterpret_cast<const uint8_t *>(b.data()), b.size());
    case Reply::Kind::kFailure:
      return s.invocation->fail_terminal(r.code(), b.data(), b.size());
    case Reply::Kind::kError:
      return s.invocation->fail_retryable(r.code(), b.data(), b.size());
    case Reply::Kind::kStream:
      return pump(s);
    case Reply::Kind::kNone:
      break;
  }
  static constexpr char kNoResult[] = "the handler returned without a result";
  return s.invocation->abort(500, kNoResult, sizeof kNoResult - 1);
}

// A streamed value: begins the output, then asks the producer for as many bytes as
// the session has room for. WOULD_BLOCK: the rest waits until the I/O thread takes
// output (it reschedules the stream then). The buffer is the only copy of the value
// the endpoint makes besides its output queue.
Status Server::Impl::pump(Stream &s) {
  Invocation &invocation = *s.invocation;
  const Reply::Producer &producer = s.reply.producer();
  if (!invocation.output_open()) {
    // WOULD_BLOCK: held; MESSAGE_TOO_LARGE: the 413 Failure went instead.
    Status status = invocation.output_begin(producer.length);
    if (status != TETHER_OK) return status;
  }
  uint8_t piece[64 << 10];
  for (;;) {
    if (invocation.output_left() == 0) return invocation.output_finish();
    size_t room = static_cast<size_t>(std::min<uint64_t>(invocation.output_room(), sizeof piece));
    if (room == 0) return TETHER_WOULD_BLOCK;
    size_t n = producer.produce(producer.state, piece, room);
    if (n == 0 || n > room) {
      static constexpr char kShort[] = "the handler's streamed value stopped short of its length";
      end_stream(s, kShort);
      return TETHER_OK;  // the stream ended: the reply is done with
    }
    size_t written = 0;
    Status status = invocation.output_write(piece, n, &written);  // all of it: n <= room
    if (status != TETHER_OK) return status;
  }
}

void Server::Impl::end_stream(Stream &s, const char *why) {
  if (s.invocation->abort(500, why, std::strlen(why)) == TETHER_TRUNCATED) s.reset = true;
}

bool Server::Impl::abandon(Stream &s, uint32_t code, const char *why) {
  if (s.invocation->output_open()) {
    // Nothing may follow its pending bytes but the rest of the value: the invocation
    // ends it (an ErrorMessage between chunks, or a reset inside a frame).
    if (s.invocation->abort(code, why, std::strlen(why)) == TETHER_TRUNCATED) s.reset = true;
    return true;
  }
  Allocator allocator;
  ByteBuffer body(allocator), frame(allocator);
  if (encode_error(body, code, why, std::strlen(why)) != TETHER_OK ||
      append_frame(frame, TETHER_MSG_ERROR, 0, body.data(), uint32_t(body.size()), SIZE_MAX) !=
          TETHER_OK) {
    return false;  // out of memory: the peer's own timeout ends the stream
  }
  s.body.assign(reinterpret_cast<const char *>(frame.data()), frame.size());
  s.abandoned = true;
  return true;
}

// Polls one invocation until it has nothing to do. The stream lock is held for each
// call on the invocation only, never while the handler runs.
void Server::Impl::dispatch(Stream &s) {
  for (;;) {
    tether_invocation_event event{};
    Status status;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      if (s.reply.cancelled()) return;  // reset: nobody reads the output
      if (s.reply_held) {
        // MESSAGE_TOO_LARGE still completes the invocation (a 413 Failure is queued).
        if (apply_reply(s) != TETHER_WOULD_BLOCK) {
          // The reply calls refused what the invocation would refuse, so this is a lack
          // of memory or a bug: the stream still ends, with an ErrorMessage saying so.
          if (s.invocation->state() == TETHER_INVOCATION_RUNNING) {
            char why[200];
            snprintf(why, sizeof why, "the handler's result could not be sent: %s",
                     s.invocation->error().message());
            end_stream(s, why);
          }
          s.reply_held = false;
          s.reply.release();
        }
      }
      status = s.invocation->poll(&event);
      // Set under the lock, so the I/O thread's next output read sees it and
      // reschedules this stream once output drained.
      s.wants_writable.store(s.reply_held || status == TETHER_WOULD_BLOCK);
    }
    // WOULD_BLOCK: a Pong waits for the peer to take output (it stays first).
    if (status == TETHER_EMPTY || status == TETHER_CLOSED || status == TETHER_WOULD_BLOCK) break;
    if (status != TETHER_OK) continue;  // an ErrorMessage naming it is queued; DONE follows
    if (event.kind == TETHER_INVOCATION_EVENT_RUN) {
      if (s.reply.cancelled()) return;
      // input() stays valid and unchanged until a result is accepted.
      const Handler &handler = *s.handler;
      s.reply.limits(s.invocation->output_limit(), s.invocation->error_limit());
      handler.fn(s.invocation->input(), s.reply, handler.user_data);
      s.reply_held = true;
    }
  }
  wake_io(s);
}

// Dispatches the stream at the queue's front; dispatch_mu is held on entry and return.
void Server::Impl::dispatch_front(std::unique_lock<std::mutex> &lock) {
  std::shared_ptr<Stream> s = std::move(dispatch_queue.front());
  dispatch_queue.pop_front();
  s->schedule = Stream::kRunning;
  lock.unlock();
  dispatch(*s);
  lock.lock();
  if (s->schedule == Stream::kRunningDirty && !s->reply.cancelled()) {
    s->schedule = Stream::kQueued;
    Stream &again = *s;
    again.queued_at = dispatch_queue.insert(dispatch_queue.end(), std::move(s));
  } else {
    s->schedule = Stream::kIdle;
  }
}

void Server::Impl::dispatch_loop() {
  std::unique_lock<std::mutex> lock(dispatch_mu);
  for (;;) {
    dispatch_cv.wait(lock, [&] { return stopping.load() || !dispatch_queue.empty(); });
    if (stopping.load()) return;
    dispatch_front(lock);
  }
}

void Server::Impl::dispatch_queued() {
  std::unique_lock<std::mutex> lock(dispatch_mu);
  while (!dispatch_queue.empty()) dispatch_front(lock);
}

}  // namespace tether::h2
