// The cases against the in-process C++ reference endpoint: the ones that assert no
// wall time pass, and the runner fails a case when the endpoint breaks its claim.
// (Case 2 measures wall time and case 8 memory: they run in the matrix only.)
#include <gtest/gtest.h>

#include <set>

#include "cases.h"
#include "h2_harness.h"

namespace tether::conformance {
namespace {

Options against(uint16_t port) {
  Options o;
  o.url = "http://127.0.0.1:" + std::to_string(port);
  o.target.host = "127.0.0.1";
  o.target.port = port;
  o.target.max_message_size = TETHER_DEFAULT_MAX_MESSAGE_SIZE;
  o.target.max_frame_payload = TETHER_DEFAULT_MAX_FRAME_PAYLOAD;
  o.block_ms = 250;
  o.streams = 200;
  return o;
}

class CasesTest : public ::testing::Test {
 protected:
  tether_test::Endpoint endpoint;
};

TEST_F(CasesTest, ConformingEndpointPasses) {
  Options o = against(endpoint.port());
  for (const Case &c : all_cases()) {
    std::string id = c.id;
    if (id == "dispatch-loop" || id == "backpressure" || id == "chunked-large") continue;
    Result r = c.run(o);
    EXPECT_EQ(r.verdict, Verdict::kPass) << c.id << ": " << r.figure;
  }
}

TEST_F(CasesTest, LargeCaseIsSkippedUnderTheLimit) {
  Result r = run_chunked_large(against(endpoint.port()));
  EXPECT_EQ(r.verdict, Verdict::kSkip) << r.figure;
  EXPECT_NE(r.figure.find("--max-message-size"), std::string::npos);
}

// Told a 1 MiB limit, the runner sends 2 MiB: the endpoint (32 MiB) takes it without
// an Error, and the case says so.
TEST_F(CasesTest, OverLimitFailsWhenNoErrorComes) {
  Options o = against(endpoint.port());
  o.target.max_message_size = 1 << 20;
  o.target.max_frame_payload = 256 << 10;
  Result r = run_over_limit(o);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.figure.find("no ErrorMessage"), std::string::npos) << r.figure;
}

// Told a 256 KiB chunk bound, the runner sees the endpoint's 1 MiB frames as oversize.
TEST_F(CasesTest, OversizeFramesFailTheCase) {
  Options o = against(endpoint.port());
  o.target.max_frame_payload = 256 << 10;
  Result r = run_not_negotiated(o);  // without chunked/1 any frame goes; with it, not:
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.figure;
  r = run_chunked(o);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.figure.find("malformed response"), std::string::npos) << r.figure;
}

// Every case runs on any version the endpoint serves: the extension does not depend on it.
TEST_F(CasesTest, CasesPassOnEveryVersion) {
  for (uint32_t version : {5u, 7u, 8u}) {
    Options o = against(endpoint.port());
    o.target.version = version;
    for (Result r : {run_ping_once(o), run_chunked(o), run_not_negotiated(o)}) {
      EXPECT_EQ(r.verdict, Verdict::kPass) << "V" << version << ": " << r.figure;
    }
  }
}

tether_endpoint_options accepting(uint32_t extensions) {
  tether_endpoint_options options;
  tether_endpoint_options_init(&options);
  options.extensions = extensions;
  return options;
}

// An endpoint that accepts nothing: each case that needs a Ping says so at once, and
// the runner sends no Ping (the endpoint would fail the stream with 571).
TEST(Cases, EndpointAcceptingNothingIsReportedNotTimedOut) {
  tether_endpoint_options options = accepting(0);
  tether_test::Endpoint endpoint(&options);
  Options o = against(endpoint.port());
  for (Result (*run)(const Options &) : {run_ping_once, run_order, run_chunked, run_over_limit}) {
    Result r = run(o);
    EXPECT_EQ(r.verdict, Verdict::kFail);
    EXPECT_NE(r.figure.find("extension not accepted: this endpoint answers no Pings"),
              std::string::npos)
        << r.figure;
  }
  // What needs no extension still passes (case 9 also tries a ping/1-only stream).
  EXPECT_EQ(run_not_negotiated(o).verdict, Verdict::kFail);
  EXPECT_EQ(run_unnegotiated_ping(o).verdict, Verdict::kPass);
  EXPECT_EQ(run_v8_ephemeral(o).verdict, Verdict::kPass);
  EXPECT_EQ(run_versions(o).verdict, Verdict::kPass);
  Result echoed = run_extensions_echoed(o);
  EXPECT_EQ(echoed.verdict, Verdict::kFail);
  EXPECT_NE(echoed.figure.find("accepted \"none\", want \"ping/1, chunked/1\""), std::string::npos)
      << echoed.figure;
}

TEST(Cases, EndpointAcceptingOnlyPingTakesNoChunks) {
  tether_endpoint_options options = accepting(TETHER_EXT_PING);
  tether_test::Endpoint endpoint(&options);
  Options o = against(endpoint.port());
  EXPECT_EQ(run_ping_once(o).verdict, Verdict::kPass);
  Result r = run_chunked(o);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.figure.find("extension not accepted: this endpoint takes no chunks"),
            std::string::npos)
      << r.figure;
}

TEST(Cases, UnreachableEndpointFailsEveryCase) {
  Options o = against(1);
  for (const Case &c : all_cases()) {
    if (std::string(c.id) == "chunked-large") continue;
    Result r = c.run(o);
    EXPECT_EQ(r.verdict, Verdict::kFail) << c.id;
    EXPECT_NE(r.figure.find("cannot connect"), std::string::npos) << c.id << ": " << r.figure;
  }
}

TEST(Cases, IdsAndNumbersAreUnique) {
  std::set<std::string> seen;
  for (const Case &c : all_cases()) {
    EXPECT_TRUE(seen.insert(c.id).second) << c.id;
    EXPECT_TRUE(seen.insert(c.number).second) << c.number;
    EXPECT_NE(std::string(c.claim), "");
  }
}

}  // namespace
}  // namespace tether::conformance
