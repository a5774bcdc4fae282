// The runner's command line: what it accepts and every way it refuses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "options.h"

namespace tether::conformance {
namespace {

cli::Outcome outcome(std::vector<std::string> args, Options *o, std::string *text) {
  args.insert(args.begin(), "tether-conformance");
  std::vector<const char *> argv;
  for (std::string &a : args) argv.push_back(a.c_str());
  return parse_options(static_cast<int>(argv.size()), argv.data(), o, text);
}

bool parse(std::vector<std::string> args, Options *o, std::string *text) {
  return outcome(std::move(args), o, text) == cli::Outcome::kRun;
}

TEST(Options, DefaultsAndValues) {
  Options o;
  std::string error;
  ASSERT_TRUE(
      parse({"http://127.0.0.1:9080", "--case", "5b", "--json", "out.json", "--loop", "shared",
             "--max-message-size", "268435456", "--pid", "42", "--stock-growth", "1271922688"},
            &o, &error))
      << error;
  EXPECT_EQ(o.target.host, "127.0.0.1");
  EXPECT_EQ(o.target.port, 9080);
  EXPECT_EQ(o.only_case, "5b");
  EXPECT_EQ(o.json_path, "out.json");
  EXPECT_EQ(o.loop, Loop::kShared);
  EXPECT_EQ(o.target.max_message_size, 268435456u);
  EXPECT_EQ(o.target.max_frame_payload, uint32_t{TETHER_DEFAULT_MAX_FRAME_PAYLOAD});
  EXPECT_EQ(o.pid, 42);
  EXPECT_EQ(o.stock_growth, 1271922688);
  EXPECT_EQ(o.target.version, 6u);  // what a Restate 1.7 server picks
}

TEST(Options, ProtocolVersionIsSelectable) {
  Options o;
  std::string error;
  ASSERT_TRUE(parse({"http://127.0.0.1:9080", "--protocol-version", "8"}, &o, &error)) << error;
  EXPECT_EQ(o.target.version, 8u);
}

TEST(Options, EachLoopIsNamedAsItIsSpelled) {
  for (const char *name : {"separate", "shared", "apart"}) {
    Options o;
    std::string error;
    ASSERT_TRUE(parse({"http://127.0.0.1:9080", "--loop", name}, &o, &error)) << error;
    EXPECT_STREQ(loop_name(o.loop), name);
  }
  Options o;
  std::string error;
  ASSERT_TRUE(parse({"http://127.0.0.1:9080"}, &o, &error)) << error;
  EXPECT_EQ(o.loop, Loop::kSeparate);
}

TEST(Options, HelpAndVersionExitWithTheirText) {
  Options o;
  std::string text;
  EXPECT_EQ(outcome({"--help"}, &o, &text), cli::Outcome::kExit);
  EXPECT_NE(text.find("--max-message-size"), std::string::npos) << text;
  EXPECT_NE(text.find("Usage: tether-conformance"), std::string::npos) << text;
  EXPECT_EQ(outcome({"--version"}, &o, &text), cli::Outcome::kExit);
  EXPECT_EQ(text, std::string("tether-conformance ") + TETHER_VERSION_STRING + "\n");
}

TEST(Options, VerdictsNeedNoUrl) {
  Options o;
  std::string error;
  EXPECT_TRUE(parse({"--verdicts", "report.json"}, &o, &error)) << error;
  EXPECT_EQ(o.verdicts_path, "report.json");
}

TEST(Options, ListNeedsNoUrl) {
  Options o;
  std::string error;
  EXPECT_TRUE(parse({"--list"}, &o, &error)) << error;
  EXPECT_TRUE(o.list);
}

TEST(Options, EachMisuseIsNamed) {
  struct Bad {
    std::vector<std::string> args;
    const char *says;
  };
  const Bad cases[] = {
      {{}, "URL is required"},
      {{"ftp://x"}, "not an http://host:port URL"},
      {{"http://a:1", "http://b:2"}, "http://b:2"},
      {{"http://a:1", "--bogus", "1"}, "--bogus"},
      {{"http://a:1", "--case"}, "--case"},
      {{"http://a:1", "--loop", "both"}, "--loop"},
      {{"http://a:1", "--max-message-size", "-5"}, "--max-message-size"},
      {{"http://a:1", "--max-message-size", "12abc"}, "--max-message-size"},
      {{"http://a:1", "--max-message-size", "0x100000"}, "--max-message-size"},
      {{"http://a:1", "--outbound-budget", "-1"}, "--outbound-budget"},
      {{"http://a:1", "--block-ms", "10"}, "--block-ms"},
      {{"http://a:1", "--streams", "0"}, "--streams"},
      {{"http://a:1", "--pid", "0"}, "--pid"},
      {{"http://a:1", "--stock-growth", "-3"}, "--stock-growth"},
      {{"http://a:1", "--stock-growth", "1MiB"}, "--stock-growth"},
      {{"http://a:1", "--protocol-version", "9"}, "--protocol-version"},
      {{"http://a:1", "--protocol-version", "4"}, "--protocol-version"},
      {{"http://a:1", "--max-message-size", "2000000", "--max-frame-payload", "4000000"},
       "--max-frame-payload is over"},
  };
  for (const Bad &bad : cases) {
    Options o;
    std::string error;
    EXPECT_EQ(outcome(bad.args, &o, &error), cli::Outcome::kUsageError) << bad.says;
    EXPECT_EQ(error.rfind("tether-conformance: ", 0), 0u) << error;
    EXPECT_NE(error.find(bad.says), std::string::npos) << error;
    EXPECT_NE(error.find("Usage: tether-conformance"), std::string::npos) << error;  // the usage
  }
}

}  // namespace
}  // namespace tether::conformance
