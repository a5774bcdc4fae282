#include "session_options.h"

#include "options.h"

#include <string>

namespace py = pybind11;

namespace tether_py {
namespace {

const OptionField<tether_session_options> kSessionFields[] = {
    {"protocol_version", &tether_session_options::protocol_version},
    {"max_frame_payload", &tether_session_options::max_frame_payload},
    {"max_message_size", &tether_session_options::max_message_size},
    {"inbound_budget", &tether_session_options::inbound_budget},
    {"outbound_high_watermark", &tether_session_options::outbound_high_watermark},
    {"outbound_low_watermark", &tether_session_options::outbound_low_watermark},
    {"extensions", &tether_session_options::extensions},
};

}  // namespace

tether_session_options session_options(const py::kwargs &kwargs, const char *what) {
  tether_session_options options;
  tether_session_options_init(&options);
  apply_options(kwargs, kSessionFields, options, what);
  return options;
}

std::optional<uint64_t> pop_uint64(py::kwargs &kwargs, const char *name, const char *what) {
  if (!kwargs.contains(name)) return std::nullopt;
  py::object value = kwargs[name];
  PyDict_DelItemString(kwargs.ptr(), name);
  try {
    return value.cast<uint64_t>();
  } catch (const py::cast_error &) {
    throw py::type_error(std::string(what) + "() option '" + name + "' must be an unsigned int");
  }
}

py::dict stats_dict(const tether_session_stats &s) {
  py::dict out;
  out["bytes_in"] = s.bytes_in;
  out["bytes_out"] = s.bytes_out;
  out["frames_in"] = s.frames_in;
  out["frames_out"] = s.frames_out;
  out["chunks_in"] = s.chunks_in;
  out["chunks_out"] = s.chunks_out;
  out["messages_in"] = s.messages_in;
  out["messages_out"] = s.messages_out;
  out["pings_answered"] = s.pings_answered;
  out["inbound_buffered"] = s.inbound_buffered;
  out["outbound_buffered"] = s.outbound_buffered;
  out["peak_inbound_buffered"] = s.peak_inbound_buffered;
  out["peak_outbound_buffered"] = s.peak_outbound_buffered;
  return out;
}

}  // namespace tether_py
