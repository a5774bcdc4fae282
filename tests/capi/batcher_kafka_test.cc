// The batcher's KAFKA policy through the public API, without a broker: option
// errors, and a broker that cannot be reached (the BLOCK fallback, its error and
// stats, close reporting what Kafka never acknowledged). With a real broker it is
// tests/kafka/kafka_test.sh (./run test kafka).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "batcher_sink.h"
#include "tether.h"

namespace {

using tether_test::TestSink;

constexpr uint64_t kMs = 1'000'000;

std::string new_error(const tether_batcher_options &o, tether_status *status) {
  tether_batcher *b = nullptr;
  char error[512];
  *status = tether_batcher_new(&o, &b, error, sizeof error);
  EXPECT_EQ(b, nullptr);
  return error;
}

#ifdef TETHER_TEST_WITH_KAFKA

// A loopback port nothing listens on (bound, then closed).
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof a;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr *>(&a), &n), 0);
  close(fd);
  return ntohs(a.sin_port);
}

TEST(BatcherKafka, BadOptionsGetClearErrors) {
  TestSink sink;
  tether_batcher_options o;
  tether_batcher_options_init(&o);
  sink.wire(o);
  o.policy = TETHER_OVERFLOW_KAFKA;
  tether_status status;
  EXPECT_EQ(new_error(o, &status), "kafka is required under KAFKA");
  EXPECT_EQ(status, TETHER_INVALID_ARGUMENT);

  tether_kafka_overflow_options k;
  tether_kafka_overflow_options_init(&k);
  o.kafka = &k;
  EXPECT_EQ(new_error(o, &status), "kafka.bootstrap_servers is required under KAFKA");
  k.bootstrap_servers = "127.0.0.1:1";
  EXPECT_EQ(new_error(o, &status), "kafka.topic is required under KAFKA");
  k.topic = "t";
  // 1705 - 5 x (1705 / 20) = 1280 = 1024 + TETHER_KAFKA_RECORD_OVERHEAD, the least
  o.max_batch_bytes = 1024;
  k.max_in_flight_bytes = 1704;
  EXPECT_EQ(new_error(o, &status),
            "kafka.max_in_flight_bytes must hold the requests' quarter and a record of "
            "max_batch_bytes + TETHER_KAFKA_RECORD_OVERHEAD");
  k.max_in_flight_bytes = 1705;
  k.delivery_timeout_ns = 0;
  EXPECT_EQ(new_error(o, &status), "kafka.delivery_timeout_ns must be 1 ms .. 2^31 ms");
  k.delivery_timeout_ns = 1000 * kMs;
  const char *odd[] = {"linger.ms", nullptr};
  k.config = odd;
  EXPECT_NE(new_error(o, &status).find("key, value pairs"), std::string::npos);
  const char *unknown[] = {"no.such.setting", "1", nullptr};
  k.config = unknown;
  std::string error = new_error(o, &status);
  EXPECT_EQ(status, TETHER_INVALID_ARGUMENT);
  EXPECT_NE(error.find("kafka.config no.such.setting=1: "), std::string::npos) << error;
  k.config = nullptr;
  k.struct_size = 3;
  EXPECT_EQ(new_error(o, &status),
            "kafka->struct_size is not the size of a tether_kafka_overflow_options");
}

TEST(BatcherKafka, AnUnreachableBrokerFallsBackToBlockWithAClearError) {
#ifdef __SANITIZE_THREAD__
  // librdkafka starts its threads with C11 thrd_create, which gcc's TSan runtime does not
  // intercept: they run without its state and crash in its allocator (getaddrinfo).
  GTEST_SKIP() << "librdkafka's threads are invisible to ThreadSanitizer";
#endif
  TestSink sink;
  sink.hold(true);  // memory stays full
  tether_batcher_options o;
  tether_batcher_options_init(&o);
  sink.wire(o);
  o.policy = TETHER_OVERFLOW_KAFKA;
  o.max_batch_bytes = 1024;
  o.max_queued_bytes = 1024;
  o.linger_ns = 0;
  o.block_timeout_ns = 50 * kMs;
  const std::string brokers = "127.0.0.1:" + std::to_string(closed_port());
  tether_kafka_overflow_options k;
  tether_kafka_overflow_options_init(&k);
  k.bootstrap_servers = brokers.c_str();
  k.topic = "overflow";
  // 2048 - 5 x 102 for the requests: 1538 for records of 100 + 256
  k.max_in_flight_bytes = 2048;
  o.kafka = &k;
  tether_batcher *b = nullptr;
  char error[512];
  ASSERT_EQ(tether_batcher_new(&o, &b, error, sizeof error), TETHER_OK) << error;
  const std::string body(100, 'r');  // 8 fit in memory (116 each), 4 in flight (356)
  auto submit = [&](uint64_t id) {
    return tether_batcher_submit(b, id, reinterpret_cast<const uint8_t *>(body.data()),
                                 body.size());
  };
  for (uint64_t id = 0; id < 12; ++id) ASSERT_EQ(submit(id), TETHER_OK) << id;
  EXPECT_EQ(submit(12), TETHER_TIMEOUT);
  char text[1024];
  tether_batcher_last_error(b, text, sizeof text);
  EXPECT_NE(std::string(text).find("record 12 timed out after block_timeout_ns: memory is full "
                                   "and Kafka (topic overflow at " +
                                   brokers + ") has not acknowledged 1424 bytes in flight"),
            std::string::npos)
      << text;
  tether_batcher_stats s{};
  s.struct_size = sizeof s;
  ASSERT_EQ(tether_batcher_stats_get(b, &s), TETHER_OK);
  EXPECT_EQ(s.accepted, 12u);
  EXPECT_EQ(s.kafka_produced, 4u);
  EXPECT_EQ(s.kafka_in_flight_bytes, 1424u);
  EXPECT_EQ(s.timed_out, 1u);
  EXPECT_EQ(s.kafka_waits, 1u);
  // librdkafka says so once its connection is refused (a bound for a broken build).
  for (int i = 0; i < 300 && s.kafka_unreachable == 0; ++i) {
    usleep(100 * 1000);
    ASSERT_EQ(tether_batcher_stats_get(b, &s), TETHER_OK);
  }
  EXPECT_EQ(s.kafka_unreachable, 1u);
  tether_batcher_last_error(b, text, sizeof text);
  // librdkafka's reason, as itself or quoted by a timeout since (not "but slow")
  const std::string now(text);
  EXPECT_NE(now.find("(topic overflow at " + brokers + ")"), std::string::npos) << now;
  EXPECT_EQ(now.find("but slow"), std::string::npos) << now;
  std::vector<char> prometheus(8192);
  size_t length;
  ASSERT_EQ(tether_batcher_prometheus(b, prometheus.data(), prometheus.size(), &length), TETHER_OK);
  EXPECT_NE(std::string(prometheus.data()).find("tether_batcher_kafka_unreachable 1\n"),
            std::string::npos);

  sink.hold(false);
  uint64_t unwritten = 0;
  EXPECT_EQ(tether_batcher_close(b, 100 * kMs, &unwritten), TETHER_TIMEOUT);
  EXPECT_EQ(unwritten, 4u);  // the memory ones are written; Kafka never acknowledged these
  ASSERT_EQ(tether_batcher_stats_get(b, &s), TETHER_OK);
  EXPECT_EQ(s.written, 8u);
  EXPECT_EQ(s.kafka_failed, 4u);
  EXPECT_EQ(s.kafka_in_flight_bytes, 0u);
  ASSERT_EQ(sink.failed.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(sink.failed[i].id, 8 + i);
    EXPECT_EQ(sink.failed[i].reason, TETHER_IO);
    EXPECT_NE(sink.failed[i].message.find("not delivered to topic overflow at"), std::string::npos)
        << sink.failed[i].message;
  }
  tether_batcher_free(b);
}

#else

TEST(BatcherKafka, TheKafkaPolicyNeedsAKafkaBuild) {
  TestSink sink;
  tether_batcher_options o;
  tether_batcher_options_init(&o);
  sink.wire(o);
  o.policy = TETHER_OVERFLOW_KAFKA;
  tether_status status;
  EXPECT_EQ(new_error(o, &status),
            "policy TETHER_OVERFLOW_KAFKA needs libtether built with -DTETHER_KAFKA=ON");
  EXPECT_EQ(status, TETHER_INVALID_ARGUMENT);
}

#endif

}  // namespace
