// What an idle invocation stream costs the endpoint: starts tether-endpoint as its own
// process, opens N streams over C connections that each send Start and one Ping
// (ping/1 negotiated) and then nothing more, waits for every Pong, and reads the
// endpoint's RSS before and after. Prints one line per stream count (bytes per stream
// against stream count is a curve: fixed costs fall away, per-stream ones stay), the
// sizes of the structs each stream holds, and the ratio to the 2 KiB target at the
// largest count.
//   idle_streams [--endpoint PATH] [--counts N,N,...] [--connections C]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "common/byte_buffer.h"
#include "h2/client.h"
#include "h2/net.h"
#include "h2/runtime_messages.h"
#include "h2/server_impl.h"
#include "invocation/invocation.h"
#include "observe.h"
#include "prober/ping_codec.h"
#include "session/session.h"
#include "tether.h"

namespace {

constexpr uint64_t kTarget = 2048;  // bytes per idle stream (docs/benchmarks.md)

// Counts response bytes per connection: a Pong is a whole frame of known size.
struct Counter : tether::h2::ClientListener {
  uint64_t bytes = 0;
  uint32_t failures = 0;
  void on_data(int32_t, const uint8_t *, size_t length) override { bytes += length; }
  void on_close(int32_t, uint32_t) override { ++failures; }  // an idle stream must stay open
};

struct Child {
  pid_t pid = -1;
  uint16_t port = 0;
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

// Runs the endpoint with --port 0 and reads its "listening on HOST:PORT" line.
bool spawn(const std::string &path, uint32_t streams_per_connection, Child *child) {
  int out[2];
  if (pipe(out) != 0) return false;
  child->pid = fork();
  if (child->pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    std::string limit = std::to_string(streams_per_connection);
    execl(path.c_str(), path.c_str(), "--port", "0", "--max-streams", limit.c_str(), nullptr);
    _exit(127);
  }
  close(out[1]);
  FILE *f = fdopen(out[0], "r");
  char line[256];
  bool found = false;
  while (!found && f != nullptr && std::fgets(line, sizeof line, f)) {
    unsigned port = 0;
    const char *colon = std::strrchr(line, ':');
    found = std::strstr(line, "listening on") != nullptr && colon != nullptr &&
            std::sscanf(colon + 1, "%u", &port) == 1;
    child->port = static_cast<uint16_t>(port);
  }
  if (f != nullptr) fclose(f);  // the endpoint prints nothing more
  return found;
}

}  // namespace

int main(int argc, char **argv) {
  std::string endpoint = "build/tether-endpoint";
  std::vector<uint32_t> counts{1000, 2000, 5000, 10000};
  uint32_t connections = 10;
  CLI::App app("Bytes of endpoint RSS per idle invocation stream (Start and one Ping each).");
  tether::cli::init(app, "idle_streams");
  app.add_option("--endpoint", endpoint, "The endpoint program")->capture_default_str();
  app.add_option("--counts", counts, "Stream counts measured, each one line (the last: the target)")
      ->delimiter(',')
      ->check(tether::cli::decimal())
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  app.add_option("--connections", connections, "Connections they share")
      ->check(tether::cli::decimal())
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  std::string text;
  tether::cli::Outcome outcome = tether::cli::parse(app, argc, argv, &text);
  if (outcome != tether::cli::Outcome::kRun) return tether::cli::finish(outcome, text);
  if (!std::is_sorted(counts.begin(), counts.end()) ||
      std::adjacent_find(counts.begin(), counts.end()) != counts.end()) {
    return tether::cli::finish(tether::cli::Outcome::kUsageError,
                               tether::cli::usage_error(app, "--counts must be increasing"));
  }
  const uint32_t streams = counts.back();

  uint32_t per_connection = (streams + connections - 1) / connections;
  Child child;
  if (!spawn(endpoint, per_connection + 1, &child)) {
    std::fprintf(stderr, "idle_streams: %s did not start\n", endpoint.c_str());
    return 1;
  }
  std::vector<Counter> counters(connections);
  std::vector<std::unique_ptr<tether::h2::Client>> clients;
  for (Counter &c : counters) {
    std::string error;
    clients.push_back(tether::h2::Client::connect("127.0.0.1", child.port, &c, &error));
    if (!clients.back()) {
      std::fprintf(stderr, "idle_streams: connect: %s\n", error.c_str());
      return 1;
    }
  }
  tether::ByteBuffer ping{tether::Allocator()};
  const uint8_t nonce[] = {'i', 'd', 'l', 'e'};
  if (tether::append_ping_frame(ping, nonce, sizeof nonce) != TETHER_OK) return 1;
  std::string body = tether::h2::start_frame("idle", "idle", 1) +
                     std::string(reinterpret_cast<const char *>(ping.data()), ping.size());
  const uint64_t pong = ping.size();  // a Pong carries the same nonce
  const tether::h2::Headers headers{{"content-type", "application/vnd.restate.invocation.v6"},
                                    {TETHER_EXTENSIONS_HEADER, "ping/1"}};
  auto run_until_answered = [&](uint64_t opened) {
    uint64_t deadline = tether::h2::monotonic_ns() + 60'000'000'000ull;
    for (;;) {
      uint64_t answered = 0, failures = 0;
      for (size_t i = 0; i < clients.size(); ++i) {
        if (clients[i]->run(0) != TETHER_OK) return false;
        answered += counters[i].bytes / pong;
        failures += counters[i].failures;
      }
      if (failures != 0) return false;
      if (answered >= opened) return true;
      if (tether::h2::monotonic_ns() > deadline) return false;
      usleep(1000);
    }
  };

  // The baseline: the endpoint after one stream on every connection (their buffers
  // and nghttp2 sessions exist), so what follows is what streams alone add.
  uint64_t opened = 0;
  auto open = [&](uint64_t count) {
    for (uint64_t n = 0; n < count; ++n, ++opened) {
      tether::h2::Client &c = *clients[opened % clients.size()];
      int32_t id = c.request("POST", "/invoke/Echo/echo", headers, true);
      if (id < 0 ||
          c.write(id, reinterpret_cast<const uint8_t *>(body.data()), body.size()) != TETHER_OK) {
        return false;
      }
    }
    return run_until_answered(opened);
  };
  if (!open(connections)) {
    std::fprintf(stderr, "idle_streams: the first streams were not answered\n");
    return 1;
  }
  uint64_t baseline = tether::conformance::resident_bytes(child.pid);
  std::printf("idle streams on %u connections, each Start + one Ping answered, then quiet\n",
              connections);
  std::printf("%10s %14s %16s\n", "streams", "RSS added", "bytes/stream");
  uint64_t per_stream = 0;
  for (uint32_t goal : counts) {
    if (!open(goal - (opened - connections))) {
      std::fprintf(stderr, "idle_streams: not every Ping was answered at %u streams\n", goal);
      return 1;
    }
    uint64_t added = tether::conformance::resident_bytes(child.pid) - baseline;
    per_stream = added / goal;
    std::printf("%10u %11.1f MiB %16llu\n", goal, added / 1048576.0,
                static_cast<unsigned long long>(per_stream));
  }
  // What each stream holds of the endpoint's own structs (the rest is their buffers,
  // nghttp2's stream and the allocator's headers: docs/endpoint.md).
  std::printf("structs per stream: h2::Stream %zu B, Invocation %zu B, Session %zu B\n",
              sizeof(tether::h2::Stream), sizeof(tether::Invocation), sizeof(tether::Session));
  std::printf("bytes per idle stream at %u streams: %llu, %.2fx the target of %llu (%s)\n", streams,
              static_cast<unsigned long long>(per_stream), double(per_stream) / double(kTarget),
              static_cast<unsigned long long>(kTarget), per_stream <= kTarget ? "met" : "NOT met");
  std::printf(
      "figure: bytes per idle stream at %u streams | %llu B | limit %llu B | %.2fx | <= 1x: %s\n",
      streams, static_cast<unsigned long long>(per_stream),
      static_cast<unsigned long long>(kTarget), double(per_stream) / double(kTarget),
      per_stream <= kTarget ? "met" : "NOT met");  // bench/report.sh's table row
  return 0;
}
