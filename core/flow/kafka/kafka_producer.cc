#include "flow/kafka/kafka_producer.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <string>
#include <vector>

namespace tether {
namespace {

void put_be64(uint8_t *out, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<uint8_t>(v);
}

uint64_t get_be64(const void *key) {
  const auto *p = static_cast<const uint8_t *>(key);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}

// Errors meaning "no broker can be reached now" (librdkafka goes on retrying).
bool unreachable_error(int err) {
  return err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
         err == RD_KAFKA_RESP_ERR__RESOLVE || err == RD_KAFKA_RESP_ERR__FATAL;
}

class KafkaProducer final : public OverflowProducer {
 public:
  ~KafkaProducer() override {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
  Status produce(uint64_t id, const uint8_t *data, size_t length, std::string *message) override;
  void poll(int timeout_ms) override { rd_kafka_poll(rk, timeout_ms); }
  uint64_t flush(int timeout_ms) override;
  const std::string &target() const override { return target_; }

  rd_kafka_t *rk = nullptr;
  std::string topic;
  std::string target_;
  KafkaDelivered delivered;
  KafkaUnreachable unreachable;
};

}  // namespace

std::unique_ptr<OverflowProducer> open_kafka_producer(const tether_kafka_overflow_options &o,
                                                      KafkaDelivered delivered,
                                                      KafkaUnreachable unreachable, Status *status,
                                                      std::string *message) {
  auto producer = std::make_unique<KafkaProducer>();
  KafkaProducer *c = producer.get();
  c->topic = o.topic;
  c->delivered = std::move(delivered);
  c->unreachable = std::move(unreachable);
  c->target_ = std::string("topic ") + o.topic + " at " + o.bootstrap_servers;

  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  auto set = [&](const char *key, const std::string &value) {
    if (rd_kafka_conf_set(conf, key, value.c_str(), errstr, sizeof errstr) == RD_KAFKA_CONF_OK)
      return true;
    *message = std::string("kafka.config ") + key + "=" + value + ": " + errstr;
    return false;
  };
  bool ok = true;
  for (size_t i = 0; ok && o.config != nullptr && o.config[i] != nullptr; i += 2) {
    ok = set(o.config[i], o.config[i + 1]);
  }
  // Set last: the guarantees and the memory bound rest on them, so no config pair
  // overrides them. The produce requests stay within their share of
  // max_in_flight_bytes; the queue limits are just above the batcher's record window
  // (which counts more per record than librdkafka does), so they bound librdkafka's
  // queue without ever refusing a record the window admitted.
  const uint64_t window = kafka_record_window(o.max_in_flight_bytes);
  const uint64_t batch_size = kafka_request_bytes(o.max_in_flight_bytes) / kKafkaRequestsInFlight;
  ok = ok && set("bootstrap.servers", o.bootstrap_servers) && set("enable.idempotence", "true") &&
       set("acks", "all") &&
       set("message.timeout.ms", std::to_string(o.delivery_timeout_ns / 1'000'000)) &&
       set("batch.size", std::to_string(batch_size)) &&
       set("max.in.flight.requests.per.connection", std::to_string(kKafkaRequestsInFlight)) &&
       set("queue.buffering.max.messages",
           std::to_string(
               std::min<uint64_t>(window / TETHER_KAFKA_RECORD_OVERHEAD + 1, 10'000'000))) &&
       set("queue.buffering.max.kbytes",
           std::to_string(std::min<uint64_t>(window / 1024 + 1, 2'097'151)));
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    *status = TETHER_INVALID_ARGUMENT;
    return nullptr;
  }
  rd_kafka_conf_set_opaque(conf, c);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t *, const rd_kafka_message_t *m, void *opaque) {
    auto *client = static_cast<KafkaProducer *>(opaque);
    const uint64_t id = m->key_len == 8 ? get_be64(m->key) : 0;
    client->delivered(id, m->len, m->err == RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_err2str(m->err));
  });
  rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t *, int err, const char *reason, void *opaque) {
    if (unreachable_error(err)) static_cast<KafkaProducer *>(opaque)->unreachable(reason);
  });
  c->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (c->rk == nullptr) {  // conf is still ours on failure
    rd_kafka_conf_destroy(conf);
    *status = TETHER_INVALID_ARGUMENT;
    *message = std::string("kafka producer: ") + errstr;
    return nullptr;
  }
  *status = TETHER_OK;
  return std::unique_ptr<OverflowProducer>(std::move(producer));
}

Status KafkaProducer::produce(uint64_t id, const uint8_t *data, size_t length,
                              std::string *message) {
  uint8_t key[8];
  put_be64(key, id);
  rd_kafka_resp_err_t err =
      rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key, sizeof key),
                        RD_KAFKA_V_VALUE(const_cast<uint8_t *>(data), length),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return TETHER_OK;
  *message = "kafka: record " + std::to_string(id) + " not produced to " + target_ + ": " +
             rd_kafka_err2str(err);
  return TETHER_IO;
}

uint64_t KafkaProducer::flush(int timeout_ms) {
  rd_kafka_flush(rk, timeout_ms);
  const uint64_t left = static_cast<uint64_t>(rd_kafka_outq_len(rk));
  if (left > 0) {
    // Their reports come with RD_KAFKA_RESP_ERR__PURGE_QUEUE / _INFLIGHT.
    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(rk, 1000);
  }
  return left;
}

}  // namespace tether
