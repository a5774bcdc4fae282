// Session events as Python objects: EventKind (an enum.IntEnum over tether_event_kind)
// and Event, a struct sequence (kind, type, flags, data, answered): a named tuple made
// in C, cheap enough for the dispatch loop.
#pragma once

#include <pybind11/pybind11.h>
#include <tether.h>

namespace tether_py {

void add_event_types(pybind11::module_ &module);

// A new Event; its data is a bytes copy of event.data (the C payload dies with the
// next call on the session, so a view of it could not be handed out safely).
pybind11::object make_event(const tether_event &event);

}  // namespace tether_py
