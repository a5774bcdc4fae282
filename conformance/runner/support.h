// What the cases share: verdict helpers, payloads with a digest, the runtime's
// frames the h2 module does not build (chunked input, raw frames), reading an
// invocation's outcome, and sending a chunked input with a Ping after each chunk.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cases.h"
#include "common/byte_buffer.h"
#include "connection.h"
#include "prober/histogram.h"

namespace tether::conformance {

std::string strf(const char *format, ...) __attribute__((format(printf, 1, 2)));
Result pass(std::string figure);
Result fail(std::string figure);
Result skip(std::string figure);

double ms(uint64_t ns);
double mib(uint64_t bytes);
// "p50 0.12 ms, max 0.40 ms" over the recorded RTTs.
std::string rtt_summary(const RttHistogram &rtts);

std::unique_ptr<Connection> connect(const Options &options, std::string *error,
                                    const h2::ClientOptions &client = h2::ClientOptions());

// n pseudo-random bytes (a misplaced chunk changes the digest).
std::string pattern(size_t n, uint64_t seed);
uint64_t digest(const std::string &bytes);  // FNV-1a 64

// One frame: header + payload.
std::string frame(uint16_t type, uint16_t flags, const std::string &payload);

// An InputCommand of content split into frames of at most max_frame_payload.
class ChunkedInput {
 public:
  ChunkedInput(const std::string &content, uint32_t max_frame_payload);
  size_t count() const { return count_; }
  const uint8_t *frame(size_t i) const;
  size_t frame_size(size_t i) const;

 private:
  ByteBuffer frames_{Allocator()};
  size_t count_ = 0;
  size_t body_ = 0;
  uint32_t max_frame_payload_;
};

// The Output value of a finished invocation (status 200, well-formed response,
// OutputCommand with a value, then End). False with *why otherwise.
bool output_of(Stream &stream, std::string *value, std::string *why);
// "HTTP 200, 3 messages (Pong, OutputCommand, End), 120 bytes": where a stream got to.
std::string progress(Stream &stream);
// "code 571: <message>" of the stream's first ErrorMessage, "" if none.
std::string error_of(Stream &stream);

struct ChunkedSend {
  size_t chunks_sent = 0;
  size_t pings_answered = 0;  // each before the next chunk went out
  RttHistogram rtts;
  std::string stopped;  // why sending stopped early ("" if every chunk went)
};
// Sends the chunks in order with a Ping after each but the last, waiting for its Pong
// before the next chunk. Stops early when the stream gets an Error or closes.
ChunkedSend send_with_pings(Connection &c, int32_t stream, const ChunkedInput &input,
                            int timeout_ms);

}  // namespace tether::conformance
