// The batcher's KAFKA overflow (tether.h, "Batcher"): records that do not fit in
// memory go to a Kafka topic through librdkafka, keyed by their id (8 bytes, big
// endian), from an idempotent producer with acks=all. The producer's delivery
// reports decide each record's fate. The producer is built only with -DTETHER_KAFKA=ON
// (kafka_producer.cc links librdkafka); the options checks always are.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

namespace tether {

// A delivery report: ok, or why not (librdkafka's text). On the thread in poll/flush.
using KafkaDelivered = std::function<void(uint64_t id, size_t length, bool ok, const char *why)>;
// No broker answers (librdkafka's reason); it goes on retrying.
using KafkaUnreachable = std::function<void(const char *why)>;

class OverflowProducer {
 public:
  virtual ~OverflowProducer() = default;
  // Copies the record into the producer's queue. TETHER_OK, or TETHER_IO with *message.
  virtual Status produce(uint64_t id, const uint8_t *data, size_t length, std::string *message) = 0;
  // Serves delivery reports and errors for up to timeout_ms.
  virtual void poll(int timeout_ms) = 0;
  // Waits up to timeout_ms for every record's report; the ones left are purged (their
  // reports fail them). Returns how many were left.
  virtual uint64_t flush(int timeout_ms) = 0;
  // "topic T at BROKERS", for messages.
  virtual const std::string &target() const = 0;
};

// On failure nullptr with *status and *message (naming the config pair at fault).
std::unique_ptr<OverflowProducer> open_kafka_producer(const tether_kafka_overflow_options &options,
                                                      KafkaDelivered delivered,
                                                      KafkaUnreachable unreachable, Status *status,
                                                      std::string *message);

// max_in_flight_bytes split: librdkafka's produce requests in flight (5 of batch.size
// each) take kafka_request_bytes, the records held until acknowledged the rest.
inline constexpr uint64_t kKafkaRequestsInFlight = 5;
uint64_t kafka_request_bytes(uint64_t max_in_flight_bytes);
inline uint64_t kafka_record_window(uint64_t max_in_flight_bytes) {
  return max_in_flight_bytes - kafka_request_bytes(max_in_flight_bytes);
}

void kafka_overflow_default_options(tether_kafka_overflow_options *options);
// Why options are invalid (a static sentence naming the field), or nullptr.
const char *kafka_overflow_options_problem(const tether_kafka_overflow_options &options);

}  // namespace tether
