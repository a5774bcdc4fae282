// libFuzzer target: the chunk reassembler (core/chunk) against a model of the chunked/1
// rules, on a sequence of fuzzer-made frame headers and payloads, with allocations
// failing when the input says so. Every role and refusal must match the model, a
// completed message must be exactly its chunks' bytes in order, the buffer must never
// pass max_message_size, and a failure must drop the message in progress.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "chunk/reassembler.h"

namespace {

using tether::FrameHeader;
using tether::Reassembler;
using tether::Status;

// Fails the allocation whose number the input chose (0: none fails).
struct FailingHeap {
  unsigned count = 0;
  unsigned fail_at = 0;
};

void *heap_malloc(size_t size, void *user) {
  auto *h = static_cast<FailingHeap *>(user);
  return ++h->count == h->fail_at ? nullptr : std::malloc(size);
}
void *heap_realloc(void *p, size_t size, void *user) {
  auto *h = static_cast<FailingHeap *>(user);
  return ++h->count == h->fail_at ? nullptr : std::realloc(p, size);
}
void heap_free(void *p, void *) { std::free(p); }

// Types the records may carry: Start, Input, an output command, Ping, End, custom.
constexpr uint16_t kTypes[] = {0x0000, 0x0400, 0x0401, TETHER_MSG_PING, TETHER_MSG_END, 0xFC01};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  FailingHeap heap{0, data[0] % 8u};
  tether_allocator hook{heap_malloc, heap_realloc, heap_free, &heap};
  tether::Allocator allocator(hook);
  const uint64_t limit = 1 + data[1] * 8u;
  Reassembler r(allocator, limit);
  tether::ErrorSlot error;

  bool active = false;  // the model
  uint16_t type = 0;
  std::vector<uint8_t> message;

  size_t at = 2;
  while (at + 2 <= size) {
    FrameHeader h;
    h.type = kTypes[data[at] % (sizeof kTypes / sizeof kTypes[0])];
    h.flags = (data[at] & 0x80) ? TETHER_FLAG_CONTINUED : 0;
    h.length = data[at + 1];
    at += 2;
    if (h.length > size - at) h.length = static_cast<uint32_t>(size - at);
    const uint8_t *payload = data + at;
    at += h.length;

    bool continued = h.flags & TETHER_FLAG_CONTINUED;
    Status expected = TETHER_OK;
    Reassembler::Role want = Reassembler::Role::kMessage;
    if (!active) {
      want = continued ? Reassembler::Role::kFirstChunk : Reassembler::Role::kMessage;
    } else if (h.type == type) {
      want = continued ? Reassembler::Role::kChunk : Reassembler::Role::kLastChunk;
    } else if (continued) {
      expected = TETHER_CHUNK_TYPE_CHANGE;
    } else if (!tether::interleavable_control(h.type)) {
      expected = TETHER_CHUNK_INTERLEAVED;
    }
    size_t so_far = active ? message.size() : 0;
    if (expected == TETHER_OK && want != Reassembler::Role::kMessage && so_far + h.length > limit) {
      expected = TETHER_REASSEMBLY_TOO_LARGE;
    }

    Reassembler::Role role;
    Status status = r.classify(h, &role, error);
    if (status != expected || (status == TETHER_OK && role != want)) std::abort();
    if (status != TETHER_OK) {  // the session fails the stream: start over
      r.reset();
      error.clear();  // a recorded failure is sticky
      active = false;
      message.clear();
      continue;
    }
    if (role == Reassembler::Role::kMessage) continue;
    if (r.begin_chunk(h, role, error) != TETHER_OK) {
      if (error.status() != TETHER_NO_MEMORY || r.active()) std::abort();
      error.clear();
      active = false;
      message.clear();
      continue;
    }
    r.append(payload, h.length);
    if (!active) message.clear();
    active = true;
    type = h.type;
    message.insert(message.end(), payload, payload + h.length);
    if (r.size() != message.size() || r.size() > limit || r.type() != type) std::abort();
    if (role == Reassembler::Role::kLastChunk) {
      uint8_t *whole = nullptr;
      size_t whole_size = 0;
      r.take(&whole, &whole_size);
      if (whole_size != message.size() ||
          (whole_size > 0 && std::memcmp(whole, message.data(), whole_size) != 0) || r.active()) {
        std::abort();
      }
      allocator.release(whole);
      active = false;
      message.clear();
    }
  }
  return 0;
}
