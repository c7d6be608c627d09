// make_remote with kind "statuspage": the adapter it builds talks to a scripted
// server on loopback with the Bearer token, and the configuration's errors name
// the field at fault.
#include <gtest/gtest.h>

#include "adapters/remote_factory.hpp"
#include "adapters/statuspage/connect.hpp"
#include "adapters/statuspage/statuspage_remote.hpp"
#include "tests/unit/http/test_server.hpp"
#include "tests/support/error_fields.hpp"

using hse::test::names_field;

using hse::Code;
using hse::Error;
using hse::adapters::make_remote;
using hse::adapters::statuspage::StatusPageRemote;
using hse::test::Reply;
using hse::test::Seen;
using hse::test::TestServer;
using json = nlohmann::json;

namespace {

Reply api(const Seen& s) {
  Reply r;
  r.headers = {{"Content-Type", "application/json"}};
  bool authed = s.headers.count("authorization") && s.headers.at("authorization") == "Bearer SECRET-sp";
  if (s.method == "POST" && !authed) {
    r.status = 401;
    r.body = R"({"message":"Unauthorized"})";
  } else if (s.target.rfind("/incident?", 0) == 0) {
    r.headers.push_back({"X-Page", "1"});
    r.headers.push_back({"X-Per-Page", "20"});
    r.headers.push_back({"X-Total", "1"});
    r.headers.push_back({"X-Total-Pages", "1"});
    r.body = R"([{"id":42,"scope":1,"service":2,"name":"Outage","severity":"high","status":"active"}])";
  } else if (s.target == "/incident/42/delete") {
    r.body = "{}";
  } else {
    r.status = 404;
    r.body = R"({"message":"Not found"})";
  }
  return r;
}

Error error_of(const json& config) {
  try {
    make_remote(config);
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
    return e;
  }
  ADD_FAILURE() << "expected an hse::Error for " << config.dump();
  return Error(Code::ok, "");
}

}  // namespace

TEST(StatusPageFactory, BuildsTheStatusPageRemoteOverASocket) {
  TestServer server(api);
  auto remote = make_remote({{"kind", "statuspage"},
                             {"url", server.url()},
                             {"access_token", "SECRET-sp"},
                             {"connect_timeout_ms", 2000},
                             {"read_timeout_ms", 5000},
                             {"pool_size", 2}});
  ASSERT_NE(dynamic_cast<StatusPageRemote*>(remote.get()), nullptr);
  auto page = remote->list("statuspage_incident", {{"filter", {{"status", "active"}}}});
  ASSERT_EQ(page.rows.size(), 1u);
  EXPECT_EQ(page.rows[0]["id"], "42");
  EXPECT_TRUE(remote->remove("statuspage_incident", "42", false));
  EXPECT_FALSE(remote->view("statuspage_incident", "43"));
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/incident?status=active&page=1&per_page=20");
  EXPECT_EQ(seen[0].headers.at("authorization"), "Bearer SECRET-sp");
  EXPECT_EQ(seen[1].method, "POST");
  EXPECT_EQ(seen[1].target, "/incident/42/delete");
}

TEST(StatusPageFactory, WithoutATokenPostsAreRefusedAsAuth) {
  TestServer server(api);
  auto remote = make_remote({{"kind", "statuspage"}, {"url", server.url()}});
  EXPECT_EQ(remote->list("statuspage_incident", json::object()).rows.size(), 1u);
  try {
    remote->remove("statuspage_incident", "42", false);
    ADD_FAILURE() << "expected auth";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::auth);
  }
  EXPECT_EQ(server.seen().at(0).headers.count("authorization"), 0u);
}

TEST(StatusPageFactory, ConfigurationErrorsNameTheField) {
  auto kind = error_of({{"kind", "jira"}, {"url", "http://127.0.0.1:1"}});
  EXPECT_EQ(kind.code(), Code::invalid);
  EXPECT_TRUE(names_field(kind, "remote.kind"));
  EXPECT_NE(std::string(kind.what()).find("jira"), std::string::npos);
  ASSERT_FALSE(kind.fields().empty());
  EXPECT_NE(kind.fields()[0].message.find("statuspage"), std::string::npos);
  EXPECT_NE(kind.fields()[0].message.find("fourhse"), std::string::npos);

  EXPECT_TRUE(names_field(error_of({{"kind", "statuspage"}, {"access_token", "SECRET-sp"}}), "remote.url"));
  EXPECT_EQ(error_of({{"kind", "statuspage"}, {"url", "ftp://host"}, {"access_token", "SECRET-sp"}}).code(),
            Code::invalid);
  EXPECT_TRUE(names_field(
      error_of({{"kind", "statuspage"}, {"url", "http://127.0.0.1:1"}, {"oauth", {{"client_id", "c"}}}}),
      "remote.oauth"));
  EXPECT_TRUE(names_field(error_of({{"kind", "statuspage"}, {"url", "http://127.0.0.1:1"}, {"pool_size", 0}}),
                          "remote.pool_size"));
  EXPECT_TRUE(names_field(error_of({{"kind", "statuspage"}, {"url", "http://127.0.0.1:1"}, {"verify_tls", "no"}}),
                          "remote.verify_tls"));
  EXPECT_TRUE(names_field(error_of({{"kind", 3}, {"url", "http://127.0.0.1:1"}}), "remote.kind"));
}

TEST(StatusPageFactory, FourHseStaysTheDefault) {
  auto remote = make_remote({{"url", "http://127.0.0.1:1"}, {"access_token", "t"}});
  EXPECT_EQ(dynamic_cast<StatusPageRemote*>(remote.get()), nullptr);
  EXPECT_NE(remote, nullptr);
}

TEST(StatusPageFactory, ConnectRefusesABadUrl) {
  try {
    hse::adapters::statuspage::connect_statuspage({}, "not a url", {});
    ADD_FAILURE() << "expected invalid";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::invalid);
  }
}
