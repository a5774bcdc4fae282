#include "prober/prober.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "common/byte_buffer.h"
#include "frame/header.h"
#include "prober/classifier.h"
#include "prober/hooked_allocator.h"
#include "prober/nonce.h"
#include "prober/ping_codec.h"
#include "prober/prometheus.h"

namespace tether {
namespace {

template <typename T>
using Vector = std::vector<T, HookedAllocator<T>>;
using String = std::basic_string<char, std::char_traits<char>, HookedAllocator<char>>;

constexpr size_t kMaxDeploymentId = 255;

struct Deployment {
  Deployment(const tether_prober_options &options, const Allocator &allocator)
      : id(HookedAllocator<char>(allocator)),
        streams(HookedAllocator<uint64_t>(allocator)),
        classifier(options, allocator),
        interval_ns(options.interval_ns) {}

  String id;
  Vector<uint64_t> streams;  // rotation order
  size_t cursor = 0;         // next stream of the rotation
  Classifier classifier;
  uint64_t interval_ns;
  uint64_t next_round_ns = 0;
  uint64_t last_round_ns = 0;
  bool scheduled = false;  // false until the first round is due (at once)
  RttHistogram rtt;        // since creation
  uint64_t timeouts = 0;
};

struct Stream {
  Deployment *deployment;
  bool outstanding = false;
  uint64_t sequence = 0;  // of the outstanding Ping, to recognise its deadline entry
  uint64_t sent_ns = 0;
  uint8_t nonce[NonceSource::kSize] = {};
};

struct Deadline {
  uint64_t at_ns;
  uint64_t stream;
  uint64_t sequence;
};

// Allocator::make for types whose constructor may throw std::bad_alloc (std::deque
// allocates when constructed): the memory goes back before the exception goes on.
template <typename T, typename... Args>
T *make_throwing(const Allocator &allocator, Args &&...args) {
  void *memory = allocator.allocate(sizeof(T));
  if (memory == nullptr) throw std::bad_alloc();
  try {
    return new (memory) T(static_cast<Args &&>(args)...);
  } catch (...) {
    allocator.release(memory);
    throw;
  }
}

}  // namespace

struct Prober::Impl {
  Impl(const tether_prober_options &given, const Allocator &allocator)
      : options(given),
        allocator(allocator),
        deployments(HookedAllocator<Deployment *>(allocator)),
        by_id(HookedAllocator<std::pair<const std::string_view, Deployment *>>(allocator)),
        streams(HookedAllocator<std::pair<const uint64_t, Stream>>(allocator)),
        deadlines(HookedAllocator<Deadline>(allocator)),
        frames(allocator),
        pings(HookedAllocator<tether_ping>(allocator)),
        text(HookedAllocator<char>(allocator)) {}

  ~Impl() {
    for (Deployment *deployment : deployments) allocator.destroy(deployment);
  }

  Status begin(uint64_t now_ns);  // the checks of every call that changes the prober
  Status add_stream(uint64_t stream, std::string_view id);
  Status remove_stream(uint64_t stream);
  Status poll(uint64_t now_ns, const tether_ping **out, size_t *count, uint64_t *next);
  Status on_pong(uint64_t stream, const uint8_t *nonce, size_t length, uint64_t now_ns);
  Status round(Deployment &deployment, uint64_t now_ns);
  Status send_ping(uint64_t id, Stream &stream, uint64_t now_ns);
  void record(Deployment &deployment, uint64_t now_ns, uint64_t rtt_ns, bool timeout);
  void expire(uint64_t now_ns);
  uint64_t next_deadline() const;
  void write_prometheus();

  tether_prober_options options;
  Allocator allocator;
  ErrorSlot error;
  NonceSource nonces;
  Vector<Deployment *> deployments;  // creation order, which the exposition follows
  std::unordered_map<std::string_view, Deployment *, std::hash<std::string_view>,
                     std::equal_to<std::string_view>,
                     HookedAllocator<std::pair<const std::string_view, Deployment *>>>
      by_id;  // keys view Deployment::id
  std::unordered_map<uint64_t, Stream, std::hash<uint64_t>, std::equal_to<uint64_t>,
                     HookedAllocator<std::pair<const uint64_t, Stream>>>
      streams;
  // Timeouts in send order, which is deadline order because the clock never goes
  // back and the timeout is fixed. Entries of answered Pings are skipped when reached.
  std::deque<Deadline, HookedAllocator<Deadline>> deadlines;
  ByteBuffer frames;  // this poll's Ping frames
  // This poll's Pings. While frames may still grow, length holds the frame's offset.
  Vector<tether_ping> pings;
  String text;  // the last Prometheus text
  uint64_t last_now_ns = 0;
  uint64_t pings_sent = 0, pongs_matched = 0, pongs_unexpected = 0, timeouts = 0;
  bool in_callback = false;
};

Status Prober::Impl::begin(uint64_t now_ns) {
  error.clear();
  if (in_callback) {
    return error.set(TETHER_INVALID_STATE,
                     "the state-change callback may not change the prober that calls it");
  }
  if (now_ns < last_now_ns) {
    return error.set(TETHER_INVALID_ARGUMENT,
                     "now_ns went backwards: %llu after %llu (the clock must be monotonic)",
                     static_cast<unsigned long long>(now_ns),
                     static_cast<unsigned long long>(last_now_ns));
  }
  last_now_ns = now_ns;
  return TETHER_OK;
}

Status Prober::Impl::add_stream(uint64_t stream, std::string_view id) {
  if (id.empty() || id.size() > kMaxDeploymentId) {
    return error.set(TETHER_INVALID_ARGUMENT, "deployment id of %zu bytes (1..%zu allowed)",
                     id.size(), kMaxDeploymentId);
  }
  if (streams.count(stream) != 0) {
    return error.set(TETHER_INVALID_ARGUMENT, "stream %llu was already added",
                     static_cast<unsigned long long>(stream));
  }
  if (streams.size() >= options.max_streams) {
    return error.set(TETHER_QUEUE_FULL, "max_streams (%u) streams are probed already",
                     options.max_streams);
  }
  Deployment *deployment = nullptr;
  auto found = by_id.find(id);
  if (found != by_id.end()) {
    deployment = found->second;
  } else {
    if (deployments.size() >= options.max_deployments) {
      return error.set(TETHER_QUEUE_FULL, "max_deployments (%u) deployments are known already",
                       options.max_deployments);
    }
    deployments.reserve(deployments.size() + 1);
    deployment = make_throwing<Deployment>(allocator, options, allocator);
    try {
      deployment->id.assign(id);
      by_id.emplace(std::string_view(deployment->id), deployment);
    } catch (...) {
      allocator.destroy(deployment);
      throw;
    }
    deployments.push_back(deployment);
  }
  deployment->streams.reserve(deployment->streams.size() + 1);
  streams.emplace(stream, Stream{deployment});
  deployment->streams.push_back(stream);
  return TETHER_OK;
}

Status Prober::Impl::remove_stream(uint64_t stream) {
  auto found = streams.find(stream);
  if (found == streams.end()) {
    return error.set(TETHER_INVALID_ARGUMENT, "stream %llu is not probed",
                     static_cast<unsigned long long>(stream));
  }
  Deployment &deployment = *found->second.deployment;
  auto &list = deployment.streams;
  auto at = std::find(list.begin(), list.end(), stream);
  size_t index = static_cast<size_t>(at - list.begin());
  list.erase(at);
  if (index < deployment.cursor) --deployment.cursor;
  if (deployment.cursor >= list.size()) deployment.cursor = 0;
  streams.erase(found);
  return TETHER_OK;
}

Status Prober::Impl::send_ping(uint64_t id, Stream &stream, uint64_t now_ns) {
  Status status = nonces.next(stream.nonce, error);
  if (status != TETHER_OK) return status;
  size_t offset = frames.size();
  status = append_ping_frame(frames, stream.nonce, sizeof stream.nonce);
  if (status != TETHER_OK) return error.set(status, "no memory for a Ping frame");
  pings.push_back(tether_ping{id, nullptr, offset});
  deadlines.push_back(Deadline{now_ns + options.pong_timeout_ns, id, nonces.issued()});
  stream.outstanding = true;
  stream.sequence = nonces.issued();
  stream.sent_ns = now_ns;
  ++pings_sent;
  return TETHER_OK;
}

Status Prober::Impl::round(Deployment &deployment, uint64_t now_ns) {
  size_t total = deployment.streams.size();
  size_t wanted = total;
  if (options.selection == TETHER_PROBE_ONE_PER_DEPLOYMENT) wanted = 1;
  if (options.selection == TETHER_PROBE_SAMPLE) wanted = options.sample_size;
  size_t sent = 0;
  for (size_t looked = 0; looked < total && sent < wanted; ++looked) {
    uint64_t id = deployment.streams[deployment.cursor];
    deployment.cursor = (deployment.cursor + 1) % total;
    Stream &stream = streams.at(id);
    if (stream.outstanding) continue;  // one Ping per stream at a time
    Status status = send_ping(id, stream, now_ns);
    if (status != TETHER_OK) return status;
    ++sent;
  }
  // Healthy again: the interval doubles each round back up to the base.
  if (deployment.classifier.suspect()) {
    deployment.interval_ns = options.suspect_interval_ns;
  } else if (deployment.interval_ns < options.interval_ns) {
    deployment.interval_ns = std::min(deployment.interval_ns * 2, options.interval_ns);
  }
  uint64_t due = deployment.scheduled ? deployment.next_round_ns : now_ns;
  deployment.last_round_ns = due;
  deployment.next_round_ns = due + deployment.interval_ns;
  if (deployment.next_round_ns <= now_ns)
    deployment.next_round_ns = now_ns + deployment.interval_ns;
  deployment.scheduled = true;
  return TETHER_OK;
}

void Prober::Impl::record(Deployment &deployment, uint64_t now_ns, uint64_t rtt_ns, bool timeout) {
  deployment.rtt.record(rtt_ns);
  if (timeout) ++deployment.timeouts;
  tether_deployment_state before = deployment.classifier.state();
  WindowFigures f;
  bool changed = deployment.classifier.add(now_ns, rtt_ns, timeout, &f);
  // Suspect now: the next round comes after the short interval, counted from the last.
  if (deployment.classifier.suspect() && deployment.interval_ns > options.suspect_interval_ns) {
    deployment.interval_ns = options.suspect_interval_ns;
    if (deployment.scheduled) {
      deployment.next_round_ns =
          std::min(deployment.next_round_ns,
                   std::max(deployment.last_round_ns + deployment.interval_ns, now_ns));
    }
  }
  if (!changed || options.on_state_change == nullptr) return;
  tether_prober_state_change change{deployment.id.c_str(),
                                    before,
                                    deployment.classifier.state(),
                                    now_ns,
                                    f.samples,
                                    f.timeouts,
                                    f.timeout_ratio,
                                    f.quantile_ns,
                                    f.p50_ns,
                                    f.p90_ns,
                                    f.p99_ns,
                                    f.max_ns};
  in_callback = true;
  options.on_state_change(&change, options.user_data);
  in_callback = false;
}

void Prober::Impl::expire(uint64_t now_ns) {
  while (!deadlines.empty() && deadlines.front().at_ns <= now_ns) {
    Deadline deadline = deadlines.front();
    deadlines.pop_front();
    auto found = streams.find(deadline.stream);
    if (found == streams.end()) continue;
    Stream &stream = found->second;
    if (!stream.outstanding || stream.sequence != deadline.sequence) continue;
    stream.outstanding = false;
    ++timeouts;
    record(*stream.deployment, now_ns, now_ns - stream.sent_ns, true);
  }
}

uint64_t Prober::Impl::next_deadline() const {
  uint64_t next = UINT64_MAX;
  for (const Deadline &deadline : deadlines) {
    auto found = streams.find(deadline.stream);
    if (found != streams.end() && found->second.outstanding &&
        found->second.sequence == deadline.sequence) {
      next = deadline.at_ns;
      break;  // the first live entry is the earliest
    }
  }
  for (const Deployment *deployment : deployments) {
    if (deployment->streams.empty()) continue;
    next = std::min(next, deployment->scheduled ? deployment->next_round_ns : last_now_ns);
  }
  return next;
}

Status Prober::Impl::poll(uint64_t now_ns, const tether_ping **out, size_t *count, uint64_t *next) {
  frames.clear();
  pings.clear();
  expire(now_ns);
  for (Deployment *deployment : deployments) {
    if (deployment->streams.empty()) continue;
    if (deployment->scheduled && deployment->next_round_ns > now_ns) continue;
    Status status = round(*deployment, now_ns);
    if (status != TETHER_OK) return status;
  }
  for (tether_ping &ping : pings) {
    ping.frame = frames.data() + ping.length;  // frames stopped moving
    ping.length = kFrameHeaderSize + 2 + NonceSource::kSize;
  }
  *out = pings.data();
  *count = pings.size();
  if (next != nullptr) *next = next_deadline();
  return TETHER_OK;
}

Status Prober::Impl::on_pong(uint64_t id, const uint8_t *nonce, size_t length, uint64_t now_ns) {
  auto found = streams.find(id);
  if (found == streams.end() || !found->second.outstanding || length != NonceSource::kSize ||
      std::memcmp(found->second.nonce, nonce, length) != 0) {
    ++pongs_unexpected;  // unknown stream or nonce, answered already, or timed out
    return TETHER_OK;
  }
  Stream &stream = found->second;
  stream.outstanding = false;
  ++pongs_matched;
  record(*stream.deployment, now_ns, now_ns - stream.sent_ns, false);
  return TETHER_OK;
}

void Prober::Impl::write_prometheus() {
  namespace prom = prometheus;
  char number[32];
  text.clear();
  prom::family(text, "tether_ping_rtt_seconds", "histogram",
               "Application Ping/Pong round trip per deployment; a lost Pong counts at the "
               "time waited.");
  for (const Deployment *d : deployments) {
    prom::histogram(text, "tether_ping_rtt_seconds", {{"deployment", d->id}}, d->rtt);
  }
  prom::family(text, "tether_ping_timeouts_total", "counter",
               "Pings whose Pong did not come within the timeout.");
  for (const Deployment *d : deployments) {
    prom::sample(text, "tether_ping_timeouts_total", {{"deployment", d->id}},
                 prom::format_u64(number, d->timeouts));
  }
  prom::family(text, "tether_pong_unexpected_total", "counter",
               "Pongs with an unknown or already answered nonce, ignored.");
  prom::sample(text, "tether_pong_unexpected_total", {},
               prom::format_u64(number, pongs_unexpected));
  prom::family(text, "tether_deployment_state", "gauge",
               "Deployment state: 0 healthy, 1 degraded, 2 congested.");
  for (const Deployment *d : deployments) {
    prom::sample(text, "tether_deployment_state", {{"deployment", d->id}},
                 prom::format_u64(number, static_cast<uint64_t>(d->classifier.state())));
  }
}

// ---- Prober: validation, then the Impl under a bad_alloc guard ----------------

namespace {

template <typename F>
Status guarded(ErrorSlot &error, F &&body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return error.set(TETHER_NO_MEMORY, "the allocator returned NULL");
  }
}

Status unknown_deployment(ErrorSlot &error, std::string_view deployment) {
  return error.set(TETHER_INVALID_ARGUMENT, "unknown deployment '%.*s'",
                   static_cast<int>(std::min<size_t>(deployment.size(), 64)), deployment.data());
}

}  // namespace

const char *prober_options_problem(const tether_prober_options &o) {
  auto fraction = [](double x) { return x > 0 && x <= 1; };
  // A C caller may store any integer in the enum: read it as one before trusting it.
  std::underlying_type_t<tether_probe_selection> selection;
  std::memcpy(&selection, &o.selection, sizeof selection);
  if (selection > TETHER_PROBE_ALL) return "selection is not a tether_probe_selection";
  if (selection == TETHER_PROBE_SAMPLE && o.sample_size == 0) return "sample_size is 0";
  if (o.interval_ns == 0) return "interval_ns is 0";
  if (o.suspect_interval_ns == 0 || o.suspect_interval_ns > o.interval_ns) {
    return "suspect_interval_ns must be in 1..interval_ns";
  }
  if (o.pong_timeout_ns == 0) return "pong_timeout_ns is 0";
  if (o.window_ns == 0) return "window_ns is 0";
  if (o.window_max_samples == 0) return "window_max_samples is 0";
  if (!fraction(o.quantile)) return "quantile must be in (0, 1]";
  if (o.degraded_rtt_ns == 0) return "degraded_rtt_ns is 0";
  if (o.congested_rtt_ns < o.degraded_rtt_ns) return "congested_rtt_ns is below degraded_rtt_ns";
  if (!fraction(o.degraded_timeout_ratio) || !fraction(o.congested_timeout_ratio)) {
    return "timeout ratios must be in (0, 1]";
  }
  if (o.congested_timeout_ratio < o.degraded_timeout_ratio) {
    return "congested_timeout_ratio is below degraded_timeout_ratio";
  }
  if (!fraction(o.exit_fraction)) return "exit_fraction must be in (0, 1]";
  if (o.escalate_after == 0 || o.recover_after == 0)
    return "escalate_after and recover_after must be >= 1";
  if (o.max_streams == 0 || o.max_deployments == 0)
    return "max_streams and max_deployments must be >= 1";
  if (!Allocator::valid(o.allocator)) return "allocator: set all three functions or none";
  return nullptr;
}

void prober_default_options(tether_prober_options *o) {
  *o = tether_prober_options{};
  o->struct_size = sizeof *o;
  o->selection = TETHER_PROBE_ONE_PER_DEPLOYMENT;
  o->sample_size = 2;
  o->interval_ns = 1'000'000'000;
  o->suspect_interval_ns = 200'000'000;
  o->pong_timeout_ns = 5'000'000'000;
  o->window_ns = 30'000'000'000;
  o->window_max_samples = 1024;
  o->min_samples = 1;
  o->quantile = 0.9;
  o->degraded_rtt_ns = 100'000'000;
  o->congested_rtt_ns = 1'000'000'000;
  o->degraded_timeout_ratio = 0.01;
  o->congested_timeout_ratio = 0.5;
  o->exit_fraction = 0.8;
  o->escalate_after = 1;
  o->recover_after = 3;
  o->max_streams = 65536;
  o->max_deployments = 1024;
}

Prober *Prober::create(const tether_prober_options *given, Status *status) {
  tether_prober_options options;
  prober_default_options(&options);
  if (given != nullptr) options = *given;
  if (prober_options_problem(options) != nullptr) {
    *status = TETHER_INVALID_ARGUMENT;
    return nullptr;
  }
  Allocator allocator(options.allocator);
  Prober *prober = allocator.make<Prober>();
  if (prober == nullptr) {
    *status = TETHER_NO_MEMORY;
    return nullptr;
  }
  try {
    prober->impl_ = make_throwing<Impl>(allocator, options, allocator);
  } catch (const std::bad_alloc &) {
    allocator.destroy(prober);
    *status = TETHER_NO_MEMORY;
    return nullptr;
  }
  *status = TETHER_OK;
  return prober;
}

void Prober::destroy(Prober *prober) {
  if (prober == nullptr) return;
  Allocator allocator = prober->impl_->allocator;
  allocator.destroy(prober->impl_);
  allocator.destroy(prober);
}

Status Prober::add_stream(uint64_t stream, std::string_view deployment, uint64_t now_ns) {
  Status status = impl_->begin(now_ns);
  if (status != TETHER_OK) return status;
  return guarded(impl_->error, [&] { return impl_->add_stream(stream, deployment); });
}

Status Prober::remove_stream(uint64_t stream) {
  Status status = impl_->begin(impl_->last_now_ns);
  if (status != TETHER_OK) return status;
  return impl_->remove_stream(stream);
}

Status Prober::poll(uint64_t now_ns, const tether_ping **pings, size_t *count,
                    uint64_t *next_deadline_ns) {
  *pings = nullptr;
  *count = 0;
  if (next_deadline_ns != nullptr) *next_deadline_ns = UINT64_MAX;
  Status status = impl_->begin(now_ns);
  if (status != TETHER_OK) return status;
  return guarded(impl_->error, [&] { return impl_->poll(now_ns, pings, count, next_deadline_ns); });
}

Status Prober::on_pong(uint64_t stream, const uint8_t *nonce, size_t length, uint64_t now_ns) {
  Status status = impl_->begin(now_ns);
  if (status != TETHER_OK) return status;
  if (nonce == nullptr && length != 0) {
    return impl_->error.set(TETHER_INVALID_ARGUMENT, "nonce is NULL with length %zu", length);
  }
  return guarded(impl_->error, [&] { return impl_->on_pong(stream, nonce, length, now_ns); });
}

Status Prober::on_pong_message(uint64_t stream, const uint8_t *payload, size_t length,
                               uint64_t now_ns) {
  Status status = impl_->begin(now_ns);
  if (status != TETHER_OK) return status;
  if (payload == nullptr && length != 0) {
    return impl_->error.set(TETHER_INVALID_ARGUMENT, "payload is NULL with length %zu", length);
  }
  const uint8_t *nonce = nullptr;
  size_t nonce_length = 0;
  status = parse_pong(payload, length, &nonce, &nonce_length, impl_->error);
  if (status != TETHER_OK) return status;
  return guarded(impl_->error, [&] { return impl_->on_pong(stream, nonce, nonce_length, now_ns); });
}

Status Prober::state(std::string_view deployment, tether_deployment_state *out) const {
  auto found = impl_->by_id.find(deployment);
  if (found == impl_->by_id.end()) return unknown_deployment(impl_->error, deployment);
  *out = found->second->classifier.state();
  return TETHER_OK;
}

const RttHistogram *Prober::histogram(std::string_view deployment) const {
  auto found = impl_->by_id.find(deployment);
  return found == impl_->by_id.end() ? nullptr : &found->second->rtt;
}

void summarize(const RttHistogram &h, tether_rtt_summary *out) {
  out->count = h.count();
  out->timeouts = 0;
  out->sum_ns = h.sum_ns();
  out->min_ns = h.min_ns();
  out->p50_ns = h.quantile_ns(0.5);
  out->p90_ns = h.quantile_ns(0.9);
  out->p99_ns = h.quantile_ns(0.99);
  out->max_ns = h.max_ns();
}

Status Prober::summary(std::string_view deployment, tether_rtt_summary *out) const {
  if (!deployment.empty()) {
    const RttHistogram *h = histogram(deployment);
    if (h == nullptr) return unknown_deployment(impl_->error, deployment);
    summarize(*h, out);
    out->timeouts = impl_->by_id.find(deployment)->second->timeouts;
    return TETHER_OK;
  }
  // Merged into heap memory: a histogram is too large for some callers' stacks.
  RttHistogram *merged = impl_->allocator.make<RttHistogram>();
  if (merged == nullptr) return impl_->error.set(TETHER_NO_MEMORY, "no memory to merge");
  for (const Deployment *d : impl_->deployments) merged->merge(d->rtt);
  summarize(*merged, out);
  out->timeouts = impl_->timeouts;
  impl_->allocator.destroy(merged);
  return TETHER_OK;
}

void Prober::stats(tether_prober_stats *out) const {
  out->pings_sent = impl_->pings_sent;
  out->pongs_matched = impl_->pongs_matched;
  out->pongs_unexpected = impl_->pongs_unexpected;
  out->timeouts = impl_->timeouts;
  out->streams = impl_->streams.size();
  out->deployments = impl_->deployments.size();
  uint64_t outstanding = 0;
  for (const auto &[id, stream] : impl_->streams) outstanding += stream.outstanding ? 1 : 0;
  out->outstanding = outstanding;
}

Status Prober::prometheus(const char **text, size_t *length) {
  *text = "";
  *length = 0;
  Status status = impl_->begin(impl_->last_now_ns);
  if (status != TETHER_OK) return status;
  return guarded(impl_->error, [&] {
    impl_->write_prometheus();
    *text = impl_->text.c_str();
    *length = impl_->text.size();
    return TETHER_OK;
  });
}

const ErrorSlot &Prober::error() const { return impl_->error; }
const tether_prober_options &Prober::options() const { return impl_->options; }

}  // namespace tether
