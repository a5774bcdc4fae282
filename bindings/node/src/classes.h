// Each class registers itself on the module's exports.
#pragma once

#include <napi.h>

namespace tether_node {

void init_session(Napi::Env env, Napi::Object exports);
void init_invocation(Napi::Env env, Napi::Object exports);
void init_decoder(Napi::Env env, Napi::Object exports);
void init_prober(Napi::Env env, Napi::Object exports);
void init_middleware(Napi::Env env, Napi::Object exports);

}  // namespace tether_node
