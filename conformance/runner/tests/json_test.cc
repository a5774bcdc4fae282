// The runner's JSON: its --json report read back (--verdicts), and what it reads
// from an endpoint (the manifest, /stats), refusing what is not what it expects.
#include <gtest/gtest.h>

#include "observe.h"
#include "report.h"

namespace tether::conformance {
namespace {

TEST(ReportJson, VerdictsRoundTripWithAwkwardFigures) {
  Case one{"1", "ping-once", "claim \"quoted\"", nullptr};
  Case two{"5b", "chunked-large", "claim", nullptr};
  std::vector<Outcome> outcomes{
      {&one, Result{Verdict::kPass, "tab\there, newline\nthere, \\ and \x01"}, 0.5},
      {&two, Result{Verdict::kSkip, "bytes \xff\xfe from the endpoint"}, 0}};
  std::string json = report_json("http://127.0.0.1:1", outcomes);
  std::vector<CaseVerdict> verdicts;
  std::string error;
  ASSERT_TRUE(read_verdicts(json, &verdicts, &error)) << error << "\n" << json;
  ASSERT_EQ(verdicts.size(), 2u);
  EXPECT_EQ(verdicts[0].number, "1");
  EXPECT_EQ(verdicts[0].id, "ping-once");
  EXPECT_EQ(verdicts[0].verdict, "PASS");
  EXPECT_EQ(verdicts[1].number, "5b");
  EXPECT_EQ(verdicts[1].verdict, "SKIP");
  EXPECT_EQ(verdicts[0].rss_growth, -1) << "none reported";
}

TEST(ReportJson, AnRssGrowthRoundTripsAndABadOneIsRefused) {
  Case eight{"8", "backpressure", "claim", nullptr};
  Result result{Verdict::kFail, "RSS +1213 MiB"};
  result.rss_growth = 1271922688;
  std::string json = report_json("http://127.0.0.1:1", {{&eight, result, 9}});
  std::vector<CaseVerdict> verdicts;
  std::string error;
  ASSERT_TRUE(read_verdicts(json, &verdicts, &error)) << error;
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].rss_growth, 1271922688);
  for (const char *bad : {"-5", "\"12\"", "1.5"}) {
    std::string text =
        R"({"cases": [{"number": "8", "id": "b", "verdict": "PASS", "rss_growth": )" +
        std::string(bad) + "}]}";
    verdicts.clear();
    EXPECT_FALSE(read_verdicts(text, &verdicts, &error)) << bad;
    EXPECT_NE(error.find("rss_growth"), std::string::npos) << error;
  }
}

TEST(ReportJson, MalformedReportsAreRefusedByName) {
  struct Bad {
    const char *json;
    const char *says;
  };
  const Bad cases[] = {
      {"", "not JSON"},
      {"{\"cases\": [", "not JSON"},
      {"[]", "no \"cases\" array"},
      {"{\"cases\": {}}", "no \"cases\" array"},
      {"{\"cases\": [{\"number\": \"1\", \"id\": \"x\"}]}", "case 1 has no string \"verdict\""},
      {"{\"cases\": [{\"number\": 1, \"id\": \"x\", \"verdict\": \"PASS\"}]}",
       "case 1 has no string \"number\""},
      {"{\"cases\": [7]}", "case 1 has no string \"number\""},
  };
  for (const Bad &bad : cases) {
    std::vector<CaseVerdict> verdicts;
    std::string error;
    EXPECT_FALSE(read_verdicts(bad.json, &verdicts, &error)) << bad.json;
    EXPECT_NE(error.find(bad.says), std::string::npos) << bad.json << ": " << error;
  }
  std::vector<CaseVerdict> verdicts;
  std::string error;
  EXPECT_FALSE(read_verdicts_file("/nonexistent/report.json", &verdicts, &error));
  EXPECT_NE(error.find("/nonexistent/report.json"), std::string::npos) << error;
}

TEST(EndpointJson, NumbersOfAnObject) {
  uint64_t n = 0;
  EXPECT_TRUE(json_number(R"({"a": {"peak": 1}, "peak": 42})", "peak", &n));
  EXPECT_EQ(n, 42u);
  EXPECT_FALSE(json_number(R"({"peak": -1})", "peak", &n));
  EXPECT_FALSE(json_number(R"({"peak": "42"})", "peak", &n));
  EXPECT_FALSE(json_number(R"({"peak": 4.5})", "peak", &n));
  EXPECT_FALSE(json_number(R"({"other": 1})", "peak", &n));
  EXPECT_FALSE(json_number(R"({"peak": 1)", "peak", &n));  // cut short
  EXPECT_FALSE(json_number("", "peak", &n));
  EXPECT_FALSE(json_number("[42]", "peak", &n));
}

TEST(EndpointJson, ManifestVersions) {
  Versions v;
  std::string why;
  ASSERT_TRUE(parse_manifest(
      R"({"protocolMode":"BIDI_STREAM","minProtocolVersion":5,"maxProtocolVersion":8,"services":[]})",
      &v, &why))
      << why;
  EXPECT_EQ(v.min, 5u);
  EXPECT_EQ(v.max, 8u);
  EXPECT_FALSE(parse_manifest("<html>", &v, &why));
  EXPECT_NE(why.find("not a JSON object"), std::string::npos) << why;
  EXPECT_FALSE(parse_manifest(R"({"minProtocolVersion":8,"maxProtocolVersion":5})", &v, &why));
  EXPECT_NE(why.find("minProtocolVersion..maxProtocolVersion"), std::string::npos) << why;
  EXPECT_FALSE(parse_manifest(R"({"maxProtocolVersion":8})", &v, &why));
}

}  // namespace
}  // namespace tether::conformance
