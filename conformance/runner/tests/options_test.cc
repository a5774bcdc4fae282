// The runner's command line: what it accepts and every way it refuses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "options.h"

namespace tether::conformance {
namespace {

bool parse(std::vector<std::string> args, Options *o, std::string *error) {
  args.insert(args.begin(), "tether-conformance");
  std::vector<char *> argv;
  for (std::string &a : args) argv.push_back(a.data());
  return parse_options(static_cast<int>(argv.size()), argv.data(), o, error);
}

TEST(Options, DefaultsAndValues) {
  Options o;
  std::string error;
  ASSERT_TRUE(parse({"http://127.0.0.1:9080", "--case", "5b", "--json", "out.json", "--loop",
                     "shared", "--max-message-size", "268435456", "--pid", "42"},
                    &o, &error))
      << error;
  EXPECT_EQ(o.target.host, "127.0.0.1");
  EXPECT_EQ(o.target.port, 9080);
  EXPECT_EQ(o.only_case, "5b");
  EXPECT_EQ(o.json_path, "out.json");
  EXPECT_TRUE(o.shared_loop);
  EXPECT_EQ(o.target.max_message_size, 268435456u);
  EXPECT_EQ(o.target.max_frame_payload, uint32_t{TETHER_DEFAULT_MAX_FRAME_PAYLOAD});
  EXPECT_EQ(o.pid, 42);
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
      {{"http://a:1", "http://b:2"}, "more than one URL"},
      {{"http://a:1", "--bogus", "1"}, "unknown option --bogus"},
      {{"http://a:1", "--case"}, "missing value for --case"},
      {{"http://a:1", "--loop", "both"}, "--loop takes"},
      {{"http://a:1", "--max-message-size", "-5"}, "--max-message-size takes"},
      {{"http://a:1", "--max-message-size", "12abc"}, "--max-message-size takes"},
      {{"http://a:1", "--block-ms", "10"}, "--block-ms takes"},
      {{"http://a:1", "--streams", "0"}, "--streams takes"},
      {{"http://a:1", "--pid", "0"}, "--pid takes"},
      {{"http://a:1", "--max-message-size", "2000000", "--max-frame-payload", "4000000"},
       "--max-frame-payload is over"},
  };
  for (const Bad &bad : cases) {
    Options o;
    std::string error;
    EXPECT_FALSE(parse(bad.args, &o, &error)) << bad.says;
    EXPECT_NE(error.find(bad.says), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace tether::conformance
