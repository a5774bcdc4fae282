#include "event.h"

#include <pybind11/native_enum.h>

#include "buffer.h"

namespace py = pybind11;

namespace tether_py {
namespace {

PyTypeObject *event_type = nullptr;
// EventKind members by tether_event_kind value, fetched once so an event costs no lookup.
PyObject *kinds[4] = {};

PyStructSequence_Field kEventFields[] = {
    {"kind", "EventKind: MESSAGE, PING or WRITABLE"},
    {"type", "message type (u16); for PING the Ping type"},
    {"flags", "frame flags of the message (u16)"},
    {"data", "MESSAGE: the (reassembled) payload; PING: the nonce; WRITABLE: b''"},
    {"answered", "PING: True if its Pong was queued (False once End was sent)"},
    {nullptr, nullptr},
};

PyStructSequence_Desc kEventDesc = {
    "tether.Event",
    "One step of the dispatch loop, returned by Session.next_event().",
    kEventFields,
    5,
};

}  // namespace

void add_event_types(py::module_ &module) {
  py::native_enum<tether_event_kind>(module, "EventKind", "enum.IntEnum")
      .value("MESSAGE", TETHER_EVENT_MESSAGE, "a message for the handler")
      .value("PING", TETHER_EVENT_PING, "a Ping was dispatched (its Pong is queued)")
      .value("WRITABLE", TETHER_EVENT_WRITABLE, "output drained below the low watermark")
      .finalize();
  py::object kind_enum = module.attr("EventKind");
  for (tether_event_kind kind : {TETHER_EVENT_MESSAGE, TETHER_EVENT_PING, TETHER_EVENT_WRITABLE}) {
    kinds[kind] = kind_enum(static_cast<int>(kind)).release().ptr();
  }

  event_type = PyStructSequence_NewType(&kEventDesc);
  if (event_type == nullptr) throw py::error_already_set();
  module.add_object("Event", py::handle(reinterpret_cast<PyObject *>(event_type)));
}

py::object make_event(const tether_event &event) {
  py::object out = py::reinterpret_steal<py::object>(PyStructSequence_New(event_type));
  if (!out) throw py::error_already_set();
  auto kind = static_cast<size_t>(event.kind);
  py::object kind_object = kind < std::size(kinds) && kinds[kind]
                               ? py::reinterpret_borrow<py::object>(kinds[kind])
                               : py::reinterpret_steal<py::object>(PyLong_FromLong(event.kind));
  py::int_ type(event.type);
  py::int_ flags(event.flags);
  py::bytes data = copy_to_bytes(event.data, event.length);
  PyStructSequence_SetItem(out.ptr(), 0, kind_object.release().ptr());
  PyStructSequence_SetItem(out.ptr(), 1, type.release().ptr());
  PyStructSequence_SetItem(out.ptr(), 2, flags.release().ptr());
  PyStructSequence_SetItem(out.ptr(), 3, data.release().ptr());
  PyStructSequence_SetItem(out.ptr(), 4, PyBool_FromLong(event.answered));
  return out;
}

}  // namespace tether_py
