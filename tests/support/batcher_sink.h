// A sink for batcher tests: records what it was given, answers with a scripted
// result, and can be held shut (a sink that does not return) to fill the queue.
// Also a fresh temporary directory per test for spill logs.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "tether.h"

namespace tether_test {

struct TestSink {
  std::mutex mu;
  std::condition_variable cv;
  bool held = false;  // calls wait while held
  size_t calls = 0;
  std::vector<uint64_t> written;    // ids of batches answered OK, in order
  std::vector<size_t> batch_sizes;  // every call's count
  std::vector<std::string> bodies;  // of written records
  // Decides a call's result (default: OK). Runs under mu.
  std::function<tether_sink_result(const tether_record *, size_t)> decide;

  struct Failure {
    uint64_t id;
    tether_status reason;
    std::string message;
  };
  std::vector<Failure> failed;

  static tether_sink_result sink(const tether_record *records, size_t count, void *self) {
    return static_cast<TestSink *>(self)->call(records, count);
  }
  static void on_failed(const tether_record *records, size_t count, tether_status reason,
                        const char *message, void *self) {
    auto *s = static_cast<TestSink *>(self);
    std::lock_guard lock(s->mu);
    for (size_t i = 0; i < count; ++i) s->failed.push_back({records[i].id, reason, message});
    s->cv.notify_all();
  }

  tether_sink_result call(const tether_record *records, size_t count) {
    std::unique_lock lock(mu);
    ++calls;
    batch_sizes.push_back(count);
    cv.notify_all();
    cv.wait(lock, [&] { return !held; });
    tether_sink_result result = decide ? decide(records, count) : TETHER_SINK_OK;
    if (result == TETHER_SINK_OK) {
      for (size_t i = 0; i < count; ++i) {
        written.push_back(records[i].id);
        bodies.emplace_back(reinterpret_cast<const char *>(records[i].data), records[i].length);
      }
    }
    cv.notify_all();
    return result;
  }

  void hold(bool on) {
    std::lock_guard lock(mu);
    held = on;
    cv.notify_all();
  }
  // Waits (up to 30 s, a bound for a broken build, not a timing claim) for pred.
  bool wait_for(const std::function<bool()> &pred) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(30), pred);
  }

  void wire(tether_batcher_options &options) {
    options.sink = &TestSink::sink;
    options.sink_user_data = this;
    options.on_failed = &TestSink::on_failed;
    options.failed_user_data = this;
  }
};

struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/tether-test-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string &name) const { return path + "/" + name; }
};

inline std::vector<uint8_t> bytes_of(const std::string &text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

}  // namespace tether_test
