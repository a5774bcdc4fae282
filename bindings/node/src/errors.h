// tether statuses as JavaScript errors. The classes are made in lib/errors.js from
// tether_status_table(); the addon throws through the factory it was handed at load.
#pragma once

#include <napi.h>
#include <tether.h>

#include <string>

namespace tether_node {

void set_error_factory(Napi::Env env, Napi::Function factory);
// Throws the TetherError subclass of status with message (the handle's last_error,
// or the status' own sentence when that is empty).
[[noreturn]] void throw_status(Napi::Env env, tether_status status, const std::string &message);
// The InvalidState error every call after close() throws.
[[noreturn]] void throw_closed(Napi::Env env, const char *class_name);
// The status table as an array of plain objects, for lib/errors.js.
Napi::Value status_table(const Napi::CallbackInfo &info);

}  // namespace tether_node
