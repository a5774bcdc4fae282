// libFuzzer target: arbitrary bytes, split at a fuzzer-chosen point, must never crash
// the decoder, and every frame it hands out must respect the limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>

#include "tether.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  tether_decoder_options options;
  tether_decoder_options_init(&options);
  options.max_frame_payload = 4096;
  options.allow_continued = data[0] & 1;
  tether_decoder *decoder = nullptr;
  if (tether_decoder_new(&options, &decoder) != TETHER_OK) std::abort();
  size_t split = size > 1 ? data[1] % size : 0;
  size_t offset = 0;
  for (size_t end : {split, size}) {
    while (offset < end) {
      size_t consumed = 0;
      tether_status status = tether_decoder_feed(decoder, data + offset, end - offset, &consumed);
      offset += consumed;
      tether_frame frame;
      while (tether_decoder_next(decoder, &frame) == TETHER_OK) {
        if (frame.length > options.max_frame_payload) std::abort();
      }
      if (status != TETHER_OK && status != TETHER_WOULD_BLOCK) {
        offset = size;
        break;
      }
    }
  }
  tether_decoder_finish(decoder);
  tether_decoder_free(decoder);
  return 0;
}
