#include "echo_service.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr uint64_t kMaxBig = uint64_t{1} << 30;  // refuse rather than exhaust memory
constexpr uint64_t kMaxBlockMs = 60000;

// A decimal in [0, max] or false.
bool parse_decimal(const tether_invocation_input *input, uint64_t max, uint64_t *out) {
  std::string_view text(reinterpret_cast<const char *>(input->value), input->value_length);
  if (text.empty() || text.size() > 19) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + uint64_t(c - '0');
  }
  if (value > max) return false;
  *out = value;
  return true;
}

void refuse(tether_reply *reply, const char *handler, uint64_t max) {
  std::string message = std::string(handler) + " takes a decimal from 0 to " + std::to_string(max);
  tether_reply_failure(reply, 400, message.data(), message.size());
}

void echo(const tether_invocation_input *input, tether_reply *reply, void *) {
  tether_reply_value(reply, input->value, input->value_length);
}

void big(const tether_invocation_input *input, tether_reply *reply, void *) {
  uint64_t n = 0;
  if (!parse_decimal(input, kMaxBig, &n)) return refuse(reply, "big", kMaxBig);
  std::vector<uint8_t> bytes(n);
  for (uint64_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>('a' + i % 26);
  tether_reply_value(reply, bytes.data(), bytes.size());
}

void block(const tether_invocation_input *input, tether_reply *reply, void *) {
  uint64_t ms = 0;
  if (!parse_decimal(input, kMaxBlockMs, &ms)) return refuse(reply, "block", kMaxBlockMs);
  // Deliberately blocks the dispatch thread: Pongs of every stream it serves wait.
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  tether_reply_value(reply, reinterpret_cast<const uint8_t *>("ok"), 2);
}

}  // namespace

tether_status echo_service_register(tether_endpoint *endpoint) {
  struct Entry {
    const char *name;
    tether_handler_fn fn;
  };
  for (const Entry &e : {Entry{"echo", echo}, Entry{"big", big}, Entry{"block", block}}) {
    tether_status status = tether_endpoint_add_handler(endpoint, "Echo", e.name, e.fn, nullptr);
    if (status != TETHER_OK) return status;
  }
  return TETHER_OK;
}
