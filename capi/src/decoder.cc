// The tether_decoder handle: a thin shim over tether::FrameDecoder.
#include "frame/decoder.h"
#include "common/allocator.h"
#include "options.h"

struct tether_decoder {
  tether_decoder(const tether_decoder_options &options, const tether::Allocator &allocator)
      : allocator(allocator),
        frames(tether::FrameLimits{options.max_frame_payload, options.allow_continued != 0},
               options.max_buffered, allocator),
        usage(&this->allocator) {}
  tether::Allocator allocator;
  tether::FrameDecoder frames;
  tether::ErrorSlot usage;  // misuse of the handle, apart from stream errors
  bool stream_error = false;
};

extern "C" {

namespace {

void decoder_defaults(tether_decoder_options *options) {
  if (options == nullptr) return;
  *options = tether_decoder_options{};
  options->struct_size = sizeof *options;
  options->max_frame_payload = TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
}

}  // namespace

void tether_decoder_options_init_sized(tether_decoder_options *options, size_t struct_size) {
  tether::capi::init_sized(options, struct_size, decoder_defaults);
}

// ABI 0's entry point, for programs built before _init_sized: it fills the struct
// as ABI 0 had it, 64 bytes, whatever has been appended since.
static_assert(sizeof(tether_decoder_options) >= 64);
void(tether_decoder_options_init)(tether_decoder_options *options) {
  tether_decoder_options_init_sized(options, 64);
}

tether_status tether_decoder_new(const tether_decoder_options *given, tether_decoder **out) {
  if (out == nullptr) return TETHER_INVALID_ARGUMENT;
  *out = nullptr;
  tether_decoder_options options;
  tether_decoder_options_init(&options);
  if (!tether::capi::read_options(given, options)) return TETHER_INVALID_ARGUMENT;
  if (options.max_buffered == 0) options.max_buffered = 4 * size_t{options.max_frame_payload};
  if (options.max_frame_payload == 0 ||
      options.max_buffered < size_t{options.max_frame_payload} + TETHER_FRAME_HEADER_SIZE ||
      !tether::Allocator::valid(options.allocator)) {
    return TETHER_INVALID_ARGUMENT;
  }
  tether::Allocator allocator(options.allocator);
  *out = allocator.make<tether_decoder>(options, allocator);
  return *out ? TETHER_OK : TETHER_NO_MEMORY;
}

void tether_decoder_free(tether_decoder *decoder) {
  if (decoder == nullptr) return;
  tether::Allocator allocator = decoder->allocator;
  allocator.destroy(decoder);
}

tether_status tether_decoder_feed(tether_decoder *decoder, const uint8_t *data, size_t length,
                                  size_t *consumed) {
  size_t ignored = 0;
  if (consumed == nullptr) consumed = &ignored;
  *consumed = 0;
  if (decoder == nullptr) return TETHER_INVALID_ARGUMENT;
  decoder->usage.clear();
  if (data == nullptr && length != 0) {
    return decoder->usage.set(TETHER_INVALID_ARGUMENT, "data is NULL with length %zu", length);
  }
  tether_status status = decoder->frames.feed(data, length, consumed);
  decoder->stream_error = status != TETHER_OK && status != TETHER_WOULD_BLOCK;
  return status;
}

tether_status tether_decoder_next(tether_decoder *decoder, tether_frame *frame) {
  if (decoder == nullptr || frame == nullptr) return TETHER_INVALID_ARGUMENT;
  tether::DecodedFrame decoded;
  tether_status status = decoder->frames.next(&decoded);
  if (status != TETHER_OK) return status;
  *frame = tether_frame{decoded.header.type, decoded.header.flags, decoded.header.length,
                        decoded.payload};
  return TETHER_OK;
}

tether_status tether_decoder_finish(tether_decoder *decoder) {
  if (decoder == nullptr) return TETHER_INVALID_ARGUMENT;
  tether_status status = decoder->frames.finish();
  decoder->stream_error = status != TETHER_OK;
  return status;
}

const char *tether_decoder_last_error(const tether_decoder *decoder) {
  if (decoder == nullptr) return "decoder is NULL";
  if (decoder->usage.status() != TETHER_OK) return decoder->usage.message();
  return decoder->stream_error ? decoder->frames.error().message() : "";
}

}  // extern "C"
