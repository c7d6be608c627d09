// HTTP as a client sees it: unknown paths and ids, wrong methods, oversize bodies,
// keep-alive and many connections, the admin switch and counters, the demo data set,
// and a clean stop on SIGINT.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include "adapters/http/gzip.hpp"
#include "tests/integration/emulator/fixture.hpp"

namespace hse::test {
namespace {

class ProtocolTest : public EmulatorTest {};

TEST_F(ProtocolTest, UnknownPathsAndIdsAre404) {
  for (const char* target : {"/", "/v2", "/v2/person/index", "/v2/project", "/v2/project/frobnicate",
                             "/v2/project/view", "/v2/project/index/extra", "/v3/project/index"}) {
    EXPECT_EQ(client().post(target, "{}").status, 404) << target;
  }
  const std::string missing = "00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(client().get("/v2/incident/view/" + missing).status, 404);
  EXPECT_EQ(client().put("/v2/incident/update/" + missing, "{}").status, 404);
  EXPECT_EQ(client().del("/v2/incident/delete/" + missing).status, 404);
  auto r = client().get("/v2/incident/view/" + missing);
  EXPECT_EQ(parse(r)["status"], 404);
}

TEST_F(ProtocolTest, WrongMethodsAre405WithAllow) {
  struct Case {
    const char* method;
    const char* target;
    const char* allow;
  };
  for (const auto& c : {Case{"GET", "/v2/project/index", "POST"}, Case{"PUT", "/v2/office/create", "POST"},
                        Case{"POST", "/v2/action/view/x", "GET"}, Case{"GET", "/v2/action/update/x", "PUT, PATCH"},
                        Case{"POST", "/v2/incident/delete/x", "DELETE"}, Case{"GET", "/_admin/reset", "POST"}}) {
    adapters::http::Request req;
    req.method = c.method;
    req.target = c.target;
    auto r = client().send(req);
    EXPECT_EQ(r.status, 405) << c.method << " " << c.target;
    EXPECT_EQ(r.header("allow"), c.allow);
  }
}

TEST_F(ProtocolTest, OversizeBodyIs413) {
  std::string big = "{\"filter\":{\"name\":\"" + std::string(2 << 20, 'x') + "\"}}";
  EXPECT_EQ(client().post("/v2/project/index", big).status, 413);
  EXPECT_EQ(index("project").status, 200);  // the client reconnects; the server is fine
}

TEST_F(ProtocolTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 50; ++i) ASSERT_EQ(index("office", {{"per-page", 2}, {"page", 1 + i % 5}}).status, 200);
  EXPECT_EQ(client().connections_opened(), 1);
}

TEST_F(ProtocolTest, ManyConnectionsAtOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      HttpClient c(port());
      for (int i = 0; i < 25; ++i)
        if (c.post("/v2/incident/index", json{{"per-page", 10}, {"page", 1 + (t + i) % 12}}.dump()).status == 200) ++ok;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 200);
}

TEST_F(ProtocolTest, StatsCountRequestsByMethod) {
  ASSERT_EQ(admin("reset").status, 200);
  index("project");
  index("office");
  client().get("/v2/project/view/x");
  client().del("/v2/project/delete/x");
  json s = parse(client().get("/_admin/stats"));
  EXPECT_EQ(s["total"], 4);
  EXPECT_EQ(s["by_method"], json({{"POST", 2}, {"GET", 1}, {"DELETE", 1}}));
}

// --gzip (here switched on through /_admin/gzip) compresses an answer only for a
// request that accepts gzip; bytes_out counts what went on the wire.
TEST_F(ProtocolTest, GzipOnlyWhenOnAndAskedForAndBytesOutCountsTheWire) {
  const std::string query = json{{"per-page", 200}, {"history", true}}.dump();
  const Headers gzip_ok = {{"Accept-Encoding", "gzip"}};
  auto plain = client().post("/v2/incident/index", query, gzip_ok);
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.header("content-encoding"), "") << "off by default";
  EXPECT_EQ(parse(client().get("/_admin/gzip"))["enabled"], false);

  ASSERT_EQ(admin("gzip", {{"enabled", true}}).status, 200);
  json before = parse(client().get("/_admin/stats"));
  auto gz = client().post("/v2/incident/index", query, gzip_ok);
  json after = parse(client().get("/_admin/stats"));
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  EXPECT_EQ(gz.header("vary"), "Accept-Encoding");
  EXPECT_EQ(gz.header("x-pagination-total-count"), plain.header("x-pagination-total-count"));
  EXPECT_EQ(adapters::http::gunzip(gz.body, 1 << 26), plain.body);
  EXPECT_LT(gz.body.size() * 3, plain.body.size());
  // The answer's body plus its status line and headers; /_admin/ answers are not counted.
  const int64_t counted = after["bytes_out"].get<int64_t>() - before["bytes_out"].get<int64_t>();
  EXPECT_GT(counted, int64_t(gz.body.size()));
  EXPECT_LT(counted, int64_t(gz.body.size()) + 1024);

  auto not_asked = client().post("/v2/incident/index", query);
  EXPECT_EQ(not_asked.header("content-encoding"), "");
  EXPECT_EQ(not_asked.body, plain.body);
  auto small = client().get("/v2/incident/view/00000000-0000-4000-8000-000000000000", gzip_ok);
  EXPECT_EQ(small.header("content-encoding"), "") << "answers under 1 KiB stay as they are";

  EXPECT_EQ(admin("gzip", {{"enabled", "yes"}}).status, 400);
  EXPECT_EQ(parse(client().get("/_admin/gzip"))["enabled"], true) << "a bad setting changes nothing";
}

TEST_F(ProtocolTest, ResetRestoresTheDemoDataSet) {
  json before = all("project");
  ASSERT_EQ(create("project", {{"name", "Extra"}, {"country", "IT"}}).status, 201);
  ASSERT_EQ(admin("reset").status, 200);
  EXPECT_EQ(all("project"), before);
}

TEST_F(ProtocolTest, DemoDataSetHasEveryKindOfRow) {
  EXPECT_EQ(all("project").size(), 2u);
  json offices = all("office");
  EXPECT_EQ(offices.size(), 10u);
  EXPECT_EQ(std::count_if(offices.begin(), offices.end(), [](const json& o) { return o["owned_active"] == false; }), 1);
  std::set<std::string> types, categories, statuses, countries;
  for (const auto& o : offices) countries.insert(o["country"].get<std::string>());
  EXPECT_EQ(countries, (std::set<std::string>{"DE", "IT"}));
  json actions = all("action");
  EXPECT_GE(actions.size(), 200u);
  for (const auto& a : actions) types.insert(a["action_type"].get<std::string>());
  EXPECT_EQ(types.size(), schema::entity("action").field("action_type")->values.size());
  json incidents = all("incident");
  std::set<std::pair<std::string, std::string>> pairs;
  for (const auto& i : incidents) pairs.insert({i["category"].get<std::string>(), i["status"].get<std::string>()});
  EXPECT_EQ(pairs.size(), schema::entity("incident").field("category")->values.size() *
                              schema::entity("incident").field("status")->values.size());
  // The same seed gives the same data set.
  auto other = start_emulator({"--demo"});
  HttpClient c(other.port);
  auto r = c.post("/v2/incident/index", json{{"history", true}, {"per-page", 1000}}.dump());
  EXPECT_EQ(parse(r), incidents);
}

class BareProtocolTest : public EmulatorTest {
 protected:
  void SetUp() override {
    emu_.emplace(start_emulator({"--demo-size", "20000"}));
    client_.emplace(emu_->port);
  }
};

TEST_F(BareProtocolTest, AdminIsOffWithoutTheFlagAndDemoSizeAddsRows) {
  EXPECT_EQ(client().get("/_admin/stats").status, 404);
  EXPECT_EQ(client().post("/_admin/reset", "{}").status, 404);
  auto r = index("incident", {{"history", true}, {"per-page", 1}});
  EXPECT_EQ(r.header("x-pagination-total-count"), "20135");
  r = index("action", {{"history", true}, {"per-page", 1}});
  EXPECT_EQ(r.header("x-pagination-total-count"), "20300");
}

TEST(EmulatorProcessTest, StopsCleanlyOnSigint) {
  auto emu = start_emulator({});
  HttpClient c(emu.port);
  EXPECT_EQ(c.post("/v2/project/index", "{}").status, 200);
  int status = emu.process.stop(SIGINT);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(EmulatorProcessTest, StopsCleanlyRightAfterAnnouncingItsPort) {
  for (int i = 0; i < 5; ++i) {
    auto emu = start_emulator({});
    int status = emu.process.stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status)) << "status " << status;
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
}

TEST(EmulatorProcessTest, DbFileKeepsRowsAcrossRestarts) {
  const std::string db = ::testing::TempDir() + "emulator_restart_" + std::to_string(getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);  // a reused pid's
  const std::string id = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
  {
    auto emu = start_emulator({"--db", db});
    HttpClient c(emu.port);
    ASSERT_EQ(c.post("/v2/project/create", json{{"project_id", id}, {"name", "Kept"}, {"country", "IT"}}.dump()).status,
              201);
  }
  {
    auto emu = start_emulator({"--db", db, "--demo"});  // not re-seeded: the file has rows
    HttpClient c(emu.port);
    EXPECT_EQ(parse(c.get("/v2/project/view/" + id))["name"], "Kept");
    EXPECT_EQ(parse(c.post("/v2/project/index", "{}")).size(), 1u);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
}

TEST(EmulatorProcessTest, BadOptionsExitWithAMessage) {
  Process p(bin_path("hse-emulator"), {"--port", "0", "--faults", "{"});
  EXPECT_THROW(p.wait_for_line("listening on", std::chrono::seconds(5)), std::runtime_error);
  int status = p.stop();
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
}  // namespace hse::test
