#include "prober.h"

#include <pybind11/native_enum.h>
#include <pybind11/stl.h>
#include <tether.h>

#include <chrono>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "buffer.h"
#include "call_guard.h"
#include "errors.h"
#include "options.h"

namespace py = pybind11;

namespace tether_py {
namespace {

const OptionField<tether_prober_options> kProberFields[] = {
    {"sample_size", &tether_prober_options::sample_size},
    {"interval_ns", &tether_prober_options::interval_ns},
    {"suspect_interval_ns", &tether_prober_options::suspect_interval_ns},
    {"pong_timeout_ns", &tether_prober_options::pong_timeout_ns},
    {"window_ns", &tether_prober_options::window_ns},
    {"window_max_samples", &tether_prober_options::window_max_samples},
    {"min_samples", &tether_prober_options::min_samples},
    {"quantile", &tether_prober_options::quantile},
    {"degraded_rtt_ns", &tether_prober_options::degraded_rtt_ns},
    {"congested_rtt_ns", &tether_prober_options::congested_rtt_ns},
    {"degraded_timeout_ratio", &tether_prober_options::degraded_timeout_ratio},
    {"congested_timeout_ratio", &tether_prober_options::congested_timeout_ratio},
    {"exit_fraction", &tether_prober_options::exit_fraction},
    {"escalate_after", &tether_prober_options::escalate_after},
    {"recover_after", &tether_prober_options::recover_after},
    {"max_streams", &tether_prober_options::max_streams},
    {"max_deployments", &tether_prober_options::max_deployments},
};

uint64_t monotonic_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// A state change copied out of the C callback (whose strings die with it), handed to
// the Python callback once the C call has returned: C never holds a Python object.
struct StateChange {
  std::string deployment;
  tether_prober_state_change figures;
};

class Prober {
 public:
  Prober(std::optional<tether_probe_selection> selection, py::object on_state_change,
         const py::kwargs &options)
      : on_state_change_(std::move(on_state_change)) {
    tether_prober_options o;
    tether_prober_options_init(&o);
    if (selection) o.selection = *selection;
    apply_options(options, kProberFields, o, "Prober");
    if (!on_state_change_.is_none() && !PyCallable_Check(on_state_change_.ptr())) {
      throw py::type_error("on_state_change must be callable or None");
    }
    o.on_state_change = &Prober::collect;
    o.user_data = &pending_;
    const char *problem = nullptr;
    tether_status status = tether_prober_options_check(&o, &problem);
    if (status != TETHER_OK) {
      raise_status(status, (std::string("invalid prober options: ") +
                            (problem != nullptr ? problem : "see tether_prober_options"))
                               .c_str());
    }
    status = tether_prober_new(&o, &handle_);
    if (status != TETHER_OK) raise_status(status, "");
  }
  ~Prober() { tether_prober_free(handle_); }
  Prober(const Prober &) = delete;
  Prober &operator=(const Prober &) = delete;

  void add_stream(uint64_t stream, const std::string &deployment, std::optional<uint64_t> now) {
    CallGuard call(handle_, busy_, "prober");
    check(tether_prober_add_stream(handle_, stream, deployment.c_str(),
                                   now.value_or(monotonic_ns())));
  }

  void remove_stream(uint64_t stream) {
    CallGuard call(handle_, busy_, "prober");
    check(tether_prober_remove_stream(handle_, stream));
  }

  // ([(stream, frame), ...], next deadline or None)
  py::tuple poll(std::optional<uint64_t> now) {
    py::list out;
    uint64_t deadline = UINT64_MAX;
    {
      CallGuard call(handle_, busy_, "prober");
      const tether_ping *pings = nullptr;
      size_t count = 0;
      tether_status status =
          tether_prober_poll(handle_, now.value_or(monotonic_ns()), &pings, &count, &deadline);
      if (status != TETHER_OK) {
        pending_.clear();
        fail(status);
      }
      for (size_t i = 0; i < count; ++i) {
        out.append(py::make_tuple(pings[i].stream, copy_to_bytes(pings[i].frame, pings[i].length)));
      }
    }
    deliver();
    return py::make_tuple(out,
                          deadline == UINT64_MAX ? py::object(py::none()) : py::int_(deadline));
  }

  void on_pong(uint64_t stream, py::handle nonce, std::optional<uint64_t> now) {
    InputBuffer input(nonce);
    {
      CallGuard call(handle_, busy_, "prober");
      tether_status status = tether_prober_on_pong(handle_, stream, input.data(), input.size(),
                                                   now.value_or(monotonic_ns()));
      if (status != TETHER_OK) {
        pending_.clear();
        fail(status);
      }
    }
    deliver();
  }

  void on_pong_message(uint64_t stream, py::handle payload, std::optional<uint64_t> now) {
    InputBuffer input(payload);
    {
      CallGuard call(handle_, busy_, "prober");
      tether_status status = tether_prober_on_pong_message(
          handle_, stream, input.data(), input.size(), now.value_or(monotonic_ns()));
      if (status != TETHER_OK) {
        pending_.clear();
        fail(status);
      }
    }
    deliver();
  }

  tether_deployment_state state(const std::string &deployment) {
    CallGuard call(handle_, busy_, "prober");
    tether_deployment_state state;
    check(tether_prober_state(handle_, deployment.c_str(), &state));
    return state;
  }

  py::dict summary(std::optional<std::string> deployment) {
    CallGuard call(handle_, busy_, "prober");
    tether_rtt_summary s{};
    s.struct_size = sizeof s;
    check(tether_prober_summary(handle_, deployment ? deployment->c_str() : nullptr, &s));
    py::dict out;
    out["count"] = s.count;
    out["timeouts"] = s.timeouts;
    out["sum_ns"] = s.sum_ns;
    out["min_ns"] = s.min_ns;
    out["p50_ns"] = s.p50_ns;
    out["p90_ns"] = s.p90_ns;
    out["p99_ns"] = s.p99_ns;
    out["max_ns"] = s.max_ns;
    return out;
  }

  py::dict stats() {
    CallGuard call(handle_, busy_, "prober");
    tether_prober_stats s{};
    s.struct_size = sizeof s;
    check(tether_prober_stats_get(handle_, &s));
    py::dict out;
    out["pings_sent"] = s.pings_sent;
    out["pongs_matched"] = s.pongs_matched;
    out["pongs_unexpected"] = s.pongs_unexpected;
    out["timeouts"] = s.timeouts;
    out["streams"] = s.streams;
    out["deployments"] = s.deployments;
    out["outstanding"] = s.outstanding;
    return out;
  }

  std::string prometheus() {
    CallGuard call(handle_, busy_, "prober");
    const char *text = nullptr;
    size_t length = 0;
    check(tether_prober_prometheus(handle_, &text, &length));
    return std::string(text, length);
  }

  std::string last_error() {
    CallGuard call(handle_, busy_, "prober");
    return tether_prober_last_error(handle_);
  }

  void close() {
    if (handle_ == nullptr) return;
    CallGuard call(handle_, busy_, "prober");
    tether_prober_free(handle_);
    handle_ = nullptr;
  }

  bool closed() const { return handle_ == nullptr; }

 private:
  static void collect(const tether_prober_state_change *change, void *user_data) {
    auto *pending = static_cast<std::vector<StateChange> *>(user_data);
    try {  // no exception may cross the C frames above this callback
      pending->push_back(StateChange{change->deployment, *change});
      pending->back().figures.deployment = nullptr;  // the string above owns the name
    } catch (const std::bad_alloc &) {
      // out of memory: the change is lost to the callback; state() still reports it
    }
  }

  // Calls the Python callback for each change of the last call, in order. An exception
  // from the callback propagates; the changes after it are dropped.
  void deliver() {
    std::vector<StateChange> changes;
    changes.swap(pending_);
    if (on_state_change_.is_none()) return;
    for (const StateChange &c : changes) {
      const tether_prober_state_change &f = c.figures;
      py::dict change;
      change["deployment"] = c.deployment;
      change["from_state"] = py::cast(f.from);
      change["to_state"] = py::cast(f.to);
      change["at_ns"] = f.at_ns;
      change["window_samples"] = f.window_samples;
      change["window_timeouts"] = f.window_timeouts;
      change["timeout_ratio"] = f.timeout_ratio;
      change["quantile_ns"] = f.quantile_ns;
      change["p50_ns"] = f.p50_ns;
      change["p90_ns"] = f.p90_ns;
      change["p99_ns"] = f.p99_ns;
      change["max_ns"] = f.max_ns;
      on_state_change_(change);
    }
  }

  void check(tether_status status) {
    if (status != TETHER_OK) fail(status);
  }
  [[noreturn]] void fail(tether_status status) {
    raise_status(status, tether_prober_last_error(handle_));
  }

  tether_prober *handle_ = nullptr;
  py::object on_state_change_;
  std::vector<StateChange> pending_;
  bool busy_ = false;
};

}  // namespace

void add_prober(py::module_ &module) {
  py::native_enum<tether_deployment_state>(module, "DeploymentState", "enum.IntEnum")
      .value("HEALTHY", TETHER_DEPLOYMENT_HEALTHY)
      .value("DEGRADED", TETHER_DEPLOYMENT_DEGRADED)
      .value("CONGESTED", TETHER_DEPLOYMENT_CONGESTED)
      .finalize();
  py::native_enum<tether_probe_selection>(module, "ProbeSelection", "enum.IntEnum")
      .value("ONE_PER_DEPLOYMENT", TETHER_PROBE_ONE_PER_DEPLOYMENT)
      .value("SAMPLE", TETHER_PROBE_SAMPLE)
      .value("ALL", TETHER_PROBE_ALL)
      .finalize();

  py::class_<Prober>(module, "Prober",
                     "Runtime side of Ping/Pong: schedules Pings over declared streams, matches "
                     "Pongs, keeps RTT histograms and classifies deployments. Times are "
                     "monotonic nanoseconds (time.monotonic_ns() when omitted).")
      .def(py::init<std::optional<tether_probe_selection>, py::object, const py::kwargs &>(),
           py::kw_only(), py::arg("selection") = py::none(),
           py::arg("on_state_change") = py::none())
      .def("add_stream", &Prober::add_stream, py::arg("stream"), py::arg("deployment"),
           py::arg("now_ns") = py::none())
      .def("remove_stream", &Prober::remove_stream, py::arg("stream"))
      .def("poll", &Prober::poll, py::arg("now_ns") = py::none(),
           "Pings due now as [(stream, frame bytes)] and the next deadline (None: none).")
      .def("on_pong", &Prober::on_pong, py::arg("stream"), py::arg("nonce"),
           py::arg("now_ns") = py::none())
      .def("on_pong_message", &Prober::on_pong_message, py::arg("stream"), py::arg("payload"),
           py::arg("now_ns") = py::none())
      .def("state", &Prober::state, py::arg("deployment"))
      .def("summary", &Prober::summary, py::arg("deployment") = py::none())
      .def("stats", &Prober::stats)
      .def("prometheus", &Prober::prometheus)
      .def_property_readonly("last_error", &Prober::last_error)
      .def_property_readonly("closed", &Prober::closed)
      .def("close", &Prober::close)
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](Prober &self, py::args) { self.close(); });
}

}  // namespace tether_py
