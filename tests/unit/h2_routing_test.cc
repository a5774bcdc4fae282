// Routing decisions and the manifest, from request headers alone.
#include <gtest/gtest.h>

#include "h2/net.h"
#include "h2/registry.h"
#include "h2/routing.h"

namespace {

using tether::h2::Registry;
using tether::h2::Reply;
using tether::h2::Request;
using tether::h2::Route;

void noop(const tether_invocation_input &, Reply &, void *) {}

Registry echo_registry() {
  Registry r;
  std::string error;
  EXPECT_EQ(r.add("Echo", "echo", noop, nullptr, &error), TETHER_OK);
  EXPECT_EQ(r.add("Echo", "big", noop, nullptr, &error), TETHER_OK);
  return r;
}

Request invoke(const std::string &path, const std::string &content_type) {
  return Request{"POST", path, content_type, "", ""};
}

TEST(H2Routing, InvokeRoutesToTheHandlerWithTheVersion) {
  Registry r = echo_registry();
  Route route = tether::h2::route(
      invoke("/invoke/Echo/big", "application/vnd.restate.invocation.v8"), r, 8, TETHER_EXT_ALL);
  ASSERT_EQ(route.kind, Route::Kind::kInvoke);
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.handler->name, "big");
  EXPECT_EQ(route.protocol_version, 8u);
  EXPECT_EQ(route.content_type, "application/vnd.restate.invocation.v8");
}

TEST(H2Routing, UnknownServiceAndHandlerAre404NamingThem) {
  Registry r = echo_registry();
  Route service = tether::h2::route(
      invoke("/invoke/Nope/echo", "application/vnd.restate.invocation.v8"), r, 8, TETHER_EXT_ALL);
  EXPECT_EQ(service.status, 404);
  EXPECT_NE(service.body.find("unknown service Nope"), std::string::npos);
  Route handler = tether::h2::route(
      invoke("/invoke/Echo/nope", "application/vnd.restate.invocation.v8"), r, 8, TETHER_EXT_ALL);
  EXPECT_EQ(handler.status, 404);
  EXPECT_NE(handler.body.find("has no handler nope"), std::string::npos);
  for (const char *path :
       {"/invoke/Echo", "/invoke/Echo/", "/invoke//echo", "/invoke/Echo/echo/x", "/other"}) {
    EXPECT_EQ(tether::h2::route(invoke(path, "application/vnd.restate.invocation.v8"), r, 8,
                                TETHER_EXT_ALL)
                  .status,
              404)
        << path;
  }
}

TEST(H2Routing, WrongContentTypeIs415NamingTheRange) {
  Registry r = echo_registry();
  Route route =
      tether::h2::route(invoke("/invoke/Echo/echo", "application/json"), r, 8, TETHER_EXT_ALL);
  EXPECT_EQ(route.kind, Route::Kind::kRefuse);
  EXPECT_EQ(route.status, 415);
  EXPECT_NE(route.body.find("5..8"), std::string::npos) << route.body;
  EXPECT_NE(route.body.find("application/json"), std::string::npos) << route.body;
}

TEST(H2Routing, VersionOutsideTheRangeIs415NamingTheVersions) {
  Registry r = echo_registry();
  for (const char *ct :
       {"application/vnd.restate.invocation.v4", "application/vnd.restate.invocation.v9"}) {
    Route route = tether::h2::route(invoke("/invoke/Echo/echo", ct), r, 8, TETHER_EXT_ALL);
    EXPECT_EQ(route.status, 415) << ct;
    EXPECT_NE(route.body.find("supports versions 5..8"), std::string::npos) << route.body;
  }
  // An endpoint configured for at most V7 refuses V8.
  Route v8 = tether::h2::route(invoke("/invoke/Echo/echo", "application/vnd.restate.invocation.v8"),
                               r, 7, TETHER_EXT_ALL);
  EXPECT_EQ(v8.status, 415);
  EXPECT_NE(v8.body.find("5..7"), std::string::npos);
}

TEST(H2Routing, WrongMethodIs405) {
  Registry r = echo_registry();
  EXPECT_EQ(tether::h2::route(Request{"GET", "/invoke/Echo/echo", "", "", ""}, r, 8, TETHER_EXT_ALL)
                .status,
            405);
  EXPECT_EQ(
      tether::h2::route(Request{"POST", "/discover", "", "", ""}, r, 8, TETHER_EXT_ALL).status,
      405);
  EXPECT_EQ(tether::h2::route(Request{"POST", "/stats", "", "", ""}, r, 8, TETHER_EXT_ALL).status,
            405);
}

TEST(H2Routing, StatsIsServedAsJson) {
  Registry r = echo_registry();
  Route route = tether::h2::route(Request{"GET", "/stats", "", "", ""}, r, 8, TETHER_EXT_ALL);
  EXPECT_EQ(route.kind, Route::Kind::kStats);
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.content_type, "application/json");
}

TEST(H2Routing, DiscoverAnswersTheHighestAcceptedManifestVersion) {
  Registry r = echo_registry();
  Route route = tether::h2::route(Request{"GET", "/discover", "",
                                          "application/vnd.restate.endpointmanifest.v1+json, "
                                          "application/vnd.restate.endpointmanifest.v3+json;q=0.9, "
                                          "application/vnd.restate.endpointmanifest.v9+json",
                                          ""},
                                  r, 8, TETHER_EXT_ALL);
  ASSERT_EQ(route.kind, Route::Kind::kDiscover);
  EXPECT_EQ(route.content_type, "application/vnd.restate.endpointmanifest.v3+json");
  EXPECT_EQ(route.body,
            "{\"protocolMode\":\"BIDI_STREAM\",\"minProtocolVersion\":5,\"maxProtocolVersion\":8,"
            "\"services\":[{\"name\":\"Echo\",\"ty\":\"SERVICE\",\"handlers\":[{\"name\":\"echo\"},"
            "{\"name\":\"big\"}]}]}");
}

TEST(H2Routing, DiscoverWithoutASupportedVersionIs406) {
  Registry r = echo_registry();
  Route route = tether::h2::route(
      Request{"GET", "/discover", "", "application/vnd.restate.endpointmanifest.v9+json", ""}, r, 8,
      TETHER_EXT_ALL);
  EXPECT_EQ(route.status, 406);
  EXPECT_NE(route.body.find("1..4"), std::string::npos);
  EXPECT_EQ(tether::h2::manifest_version(""), tether::h2::kMaxManifestVersion);
  EXPECT_EQ(tether::h2::manifest_version("*/*"), tether::h2::kMaxManifestVersion);
  EXPECT_EQ(tether::h2::manifest_version("application/vnd.restate.endpointmanifest.vx+json"), 0);
  EXPECT_EQ(tether::h2::manifest_version("application/vnd.restate.endpointmanifest.v2+jsonx"), 0);
}

TEST(H2Registry, RefusesBadNamesNullFunctionsAndDuplicates) {
  Registry r;
  std::string error;
  EXPECT_EQ(r.add("Echo", "echo", nullptr, nullptr, &error), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(r.add("", "echo", noop, nullptr, &error), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(r.add("Echo", "a/b", noop, nullptr, &error), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(error.find("a/b"), std::string::npos);
  EXPECT_EQ(r.add("Echo\"", "echo", noop, nullptr, &error), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(r.add(std::string(256, 'a'), "echo", noop, nullptr, &error), TETHER_INVALID_ARGUMENT);
  EXPECT_EQ(r.add("Echo", "echo", noop, nullptr, &error), TETHER_OK);
  EXPECT_EQ(r.add("Echo", "echo", noop, nullptr, &error), TETHER_INVALID_ARGUMENT);
  EXPECT_NE(error.find("already registered"), std::string::npos);
}

TEST(H2Url, ParsesHostAndPort) {
  std::string host;
  uint16_t port = 0;
  EXPECT_TRUE(tether::h2::parse_url("http://127.0.0.1:9080", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 9080);
  EXPECT_TRUE(tether::h2::parse_url("http://[::1]:80/x", &host, &port));
  EXPECT_EQ(host, "::1");
  for (const char *bad :
       {"http://host", "http://host:0", "http://host:99999", "http://:80", "http://h:8a"}) {
    EXPECT_FALSE(tether::h2::parse_url(bad, &host, &port)) << bad;
  }
}

}  // namespace

TEST(H2Routing, TheOfferIsAcceptedAsFarAsTheEndpointAllows) {
  Registry r = echo_registry();
  Request offer = invoke("/invoke/Echo/echo", "application/vnd.restate.invocation.v6");
  offer.extensions = "PING/1 , chunked/1, future/3";
  EXPECT_EQ(tether::h2::route(offer, r, 8, TETHER_EXT_ALL).extensions, TETHER_EXT_ALL);
  EXPECT_EQ(tether::h2::route(offer, r, 8, TETHER_EXT_PING).extensions, TETHER_EXT_PING);
  offer.extensions = "";
  EXPECT_EQ(tether::h2::route(offer, r, 8, TETHER_EXT_ALL).extensions, 0u);
}

TEST(H2Routing, AMalformedOfferIs400NamingTheProblem) {
  Registry r = echo_registry();
  Request offer = invoke("/invoke/Echo/echo", "application/vnd.restate.invocation.v6");
  offer.extensions = "ping/1; q=1";
  Route route = tether::h2::route(offer, r, 8, TETHER_EXT_ALL);
  EXPECT_EQ(route.status, 400);
  EXPECT_NE(route.body.find("tether-extensions"), std::string::npos);
}
