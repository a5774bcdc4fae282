// Frame helpers of the C API.
#include "frame/header.h"

extern "C" {

void tether_frame_header_encode(uint16_t type, uint16_t flags, uint32_t length,
                                uint8_t out[TETHER_FRAME_HEADER_SIZE]) {
  tether::encode_header(tether::FrameHeader{type, flags, length}, out);
}

}  // extern "C"
