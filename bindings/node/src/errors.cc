#include "errors.h"

#include "addon_data.h"

namespace tether_node {

AddonData &addon_data(Napi::Env env) {
  auto *data = env.GetInstanceData<AddonData>();
  if (data == nullptr) {
    data = new AddonData();
    env.SetInstanceData(data);  // freed by node-addon-api when the environment goes
  }
  return *data;
}

void set_error_factory(Napi::Env env, Napi::Function factory) {
  addon_data(env).error_factory = Napi::Persistent(factory);
}

void throw_status(Napi::Env env, tether_status status, const std::string &message) {
  std::string text = message.empty() ? tether_status_str(status) : message;
  AddonData *data = env.GetInstanceData<AddonData>();
  if (data == nullptr || data->error_factory.IsEmpty()) {
    throw Napi::Error::New(env, std::string(tether_status_name(status)) + ": " + text);
  }
  Napi::Value error = data->error_factory.Call(
      {Napi::Number::New(env, double(status)), Napi::String::New(env, text)});
  throw Napi::Error(env, error);
}

void throw_closed(Napi::Env env, const char *class_name) {
  throw_status(env, TETHER_INVALID_STATE, std::string(class_name) + " is closed");
}

Napi::Value status_table(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  size_t count = 0;
  const tether_status_info *table = tether_status_table(&count);
  Napi::Array out = Napi::Array::New(env, count);
  for (size_t i = 0; i < count; ++i) {
    Napi::Object row = Napi::Object::New(env);
    row.Set("code", double(table[i].code));
    row.Set("name", table[i].name);
    row.Set("message", table[i].message);
    row.Set("family", double(table[i].family));
    row.Set("retryable", table[i].retryable != 0);
    row.Set("fatal", table[i].fatal != 0);
    out.Set(uint32_t(i), row);
  }
  return out;
}

}  // namespace tether_node
