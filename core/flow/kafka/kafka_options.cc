#include <algorithm>
#include <cstdint>

#include "flow/kafka/kafka_producer.h"

namespace tether {

uint64_t kafka_request_bytes(uint64_t max_in_flight_bytes) {
  // A quarter, at most 5 x librdkafka's default batch.size (1 MB).
  const uint64_t batch =
      std::min<uint64_t>(max_in_flight_bytes / 4 / kKafkaRequestsInFlight, 1'000'000);
  return std::max<uint64_t>(batch, 1) * kKafkaRequestsInFlight;
}

void kafka_overflow_default_options(tether_kafka_overflow_options *o) {
  *o = tether_kafka_overflow_options{};
  o->struct_size = sizeof *o;
  o->max_in_flight_bytes = 16ull << 20;
  o->delivery_timeout_ns = 300'000'000'000ull;
}

const char *kafka_overflow_options_problem(const tether_kafka_overflow_options &o) {
  if (o.bootstrap_servers == nullptr || o.bootstrap_servers[0] == '\0')
    return "kafka.bootstrap_servers is required under KAFKA";
  if (o.topic == nullptr || o.topic[0] == '\0') return "kafka.topic is required under KAFKA";
  if (o.delivery_timeout_ns < 1'000'000 || o.delivery_timeout_ns / 1'000'000 > INT32_MAX)
    return "kafka.delivery_timeout_ns must be 1 ms .. 2^31 ms";
  if (o.config != nullptr) {
    size_t n = 0;
    while (o.config[n] != nullptr && n < 2 * 256) ++n;
    if (n % 2 != 0 || o.config[n] != nullptr)
      return "kafka.config must be NULL or key, value pairs ended by one NULL (at most 256)";
  }
  return nullptr;
}

}  // namespace tether
