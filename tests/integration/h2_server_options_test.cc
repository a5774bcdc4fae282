// tether::h2::Server refuses bad options with a reason, before it listens.
#include <gtest/gtest.h>

#include "h2/server.h"

namespace {

using tether::h2::Registry;
using tether::h2::Server;
using tether::h2::ServerOptions;

std::string refusal(const ServerOptions &options) {
  std::string error;
  std::unique_ptr<Server> server = Server::start(options, Registry(), &error);
  EXPECT_EQ(server, nullptr);
  return error;
}

TEST(H2ServerOptions, BadOptionsAreRefusedWithTheReason) {
  ServerOptions o;
  o.dispatch_threads = 0;
  EXPECT_NE(refusal(o).find("dispatch_threads"), std::string::npos);
  o = ServerOptions();
  o.max_protocol_version = 4;
  EXPECT_NE(refusal(o).find("max_protocol_version"), std::string::npos);
  o = ServerOptions();
  o.max_output_size = 0;
  EXPECT_NE(refusal(o).find("max_output_size"), std::string::npos);
  o = ServerOptions();
  o.stream_window = 1000;
  EXPECT_NE(refusal(o).find("window"), std::string::npos);
  o = ServerOptions();
  o.connection_window = o.stream_window - 1;
  EXPECT_NE(refusal(o).find("window"), std::string::npos);
  o = ServerOptions();
  o.session.max_message_size = 0;
  EXPECT_NE(refusal(o).find("session options"), std::string::npos);
  o = ServerOptions();
  o.host = "no.such.host.invalid";
  EXPECT_NE(refusal(o).find("cannot resolve"), std::string::npos);
}

TEST(H2ServerOptions, StopIsIdempotentAndAnEmptyServerServes) {
  std::string error;
  std::unique_ptr<Server> server = Server::start(ServerOptions(), Registry(), &error);
  ASSERT_NE(server, nullptr) << error;
  EXPECT_NE(server->port(), 0);
  server->stop();
  server->stop();
  EXPECT_EQ(server->stats().connections, 0u);
}

}  // namespace
