#include "echo_service.h"

#include <chrono>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <thread>

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

// big's value, "abc...z" repeated, written piece by piece as the stream has room
// (tether_reply_stream): the endpoint never holds the whole of it.
struct Alphabet {
  uint64_t offset = 0;
};

size_t produce_alphabet(void *state, uint8_t *buf, size_t capacity) {
  auto &alphabet = *static_cast<Alphabet *>(state);
  for (size_t i = 0; i < capacity; ++i)
    buf[i] = static_cast<uint8_t>('a' + (alphabet.offset + i) % 26);
  alphabet.offset += capacity;
  return capacity;
}

void release_alphabet(void *state) { delete static_cast<Alphabet *>(state); }

void big(const tether_invocation_input *input, tether_reply *reply, void *) {
  uint64_t n = 0;
  if (!parse_decimal(input, kMaxBig, &n)) return refuse(reply, "big", kMaxBig);
  auto *alphabet = new (std::nothrow) Alphabet;
  if (alphabet == nullptr) return;  // no result: the endpoint answers 500, retryably
  if (tether_reply_stream(reply, n, produce_alphabet, release_alphabet, alphabet) != TETHER_OK) {
    delete alphabet;
  }
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
