#include "response.h"

namespace tether::conformance {

void ResponseParser::fail(const char *what) {
  if (error_.empty()) error_ = what;
  reader_.fail();
}

void ResponseParser::feed(const uint8_t *data, size_t length, uint64_t now_ns) {
  using Event = FrameReader::Event;
  using Role = Reassembler::Role;
  while (error_.empty()) {
    FrameReader::Result step = reader_.read(data, length);
    data += step.consumed;
    length -= step.consumed;
    if (step.event == Event::kNeedMore) return;
    if (step.event == Event::kError) return fail(reader_.error().message());
    const FrameHeader &header = reader_.header();
    if (step.event == Event::kHeader) {
      if (header.flags & kFlagContinued) ++continued_frames_;
      if (reassembly_.classify(header, &role_, slot_) != TETHER_OK) return fail(slot_.message());
      if (role_ == Role::kMessage) {
        whole_.clear();
        whole_.reserve(header.length);
        continue;
      }
      if (role_ == Role::kFirstChunk) chunk_frames_ = 0;
      ++chunk_frames_;
      if (reassembly_.begin_chunk(header, role_, slot_) != TETHER_OK) return fail(slot_.message());
      continue;
    }
    // kPayload
    if (role_ == Role::kMessage) {
      whole_.append(reinterpret_cast<const char *>(step.data), step.size);
    } else {
      reassembly_.append(step.data, step.size);
    }
    if (!step.end_of_frame) continue;
    if (role_ == Role::kMessage) {
      messages_.push_back(Message{header.type, 1, std::move(whole_), now_ns});
      whole_ = std::string();
    } else if (role_ == Role::kLastChunk) {
      uint8_t *bytes = nullptr;
      size_t size = 0;
      reassembly_.take(&bytes, &size);
      messages_.push_back(Message{header.type, chunk_frames_,
                                  std::string(reinterpret_cast<char *>(bytes), size), now_ns});
      Allocator().release(bytes);
    }
  }
}

void ResponseParser::finish() {
  if (!error_.empty()) return;
  if (reader_.finish() != TETHER_OK) return fail(reader_.error().message());
  if (reassembly_.active()) fail("the response ended inside a chunked message");
}

}  // namespace tether::conformance
