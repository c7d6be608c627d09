// hse-sync against the status-page Incident API of a real hse-emulator (--token,
// --admin): `init --kind statuspage`, offline creates under local ids, `sync`, and
// reads by the server's id and by the local id; the refusals a user meets (an unknown
// --kind, an update of an append-only comment) with their exit codes.
#include <fstream>

#include "tests/integration/sync/fixture.hpp"

namespace hse::test {
namespace {

const std::string kToken = "cli-sp-token-9f3a";
constexpr int kExitInvalid = 11;  // 10 + Code::invalid (hse-sync --help)

class CliStatusPage : public SyncTest {
 protected:
  std::vector<std::string> options() override { return {"--token", kToken}; }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  // The file holding a replica's stderr (Replica appends there).
  std::string stderr_of(const Replica& r) const {
    std::ifstream in(r.path() + ".err");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(CliStatusPage, OfflineIncidentAndCommentSyncAndAreFoundByBothIds) {
  Replica r(dir_, "sp");
  CliResult init = r.run({"init", "--kind", "statuspage", "--remote", url(), "--token", kToken});
  ASSERT_EQ(init.code, 0) << init.out << r.stderr_tail();
  EXPECT_EQ(init.body()["kind"], "statuspage") << init.out;
  EXPECT_EQ(init.body()["remote"], url()) << init.out;
  EXPECT_EQ(init.out.find(kToken), std::string::npos) << "the token was echoed: " << init.out;
  EXPECT_EQ(stderr_of(r).find(kToken), std::string::npos) << "the token was printed on stderr";

  json inc = r.create("statuspage_incident", {{"scope", 1},
                                              {"service", 2},
                                              {"name", "API errors"},
                                              {"severity", "moderate"},
                                              {"start_impact_date", "2026-11-28T08:15"}});
  const std::string local = inc["id"];
  ASSERT_FALSE(local.empty());
  json com = r.create("statuspage_comment", {{"incident", local}, {"comment", "rolling back"}});
  const std::string comment_local = com["id"];
  EXPECT_EQ(r.journal().size(), 2u);

  json report = r.sync();
  EXPECT_TRUE(report["ok"].get<bool>()) << report;
  EXPECT_EQ(r.journal(), json::array());

  // The server has it under an integer id, the comment under it.
  auto list = server().get("/incident", {{"Authorization", "Bearer " + kToken}});
  ASSERT_EQ(list.status, 200) << list.body;
  json incidents = json::parse(list.body);
  ASSERT_EQ(incidents.size(), 1u) << incidents;
  ASSERT_TRUE(incidents[0]["id"].is_number_integer());
  const std::string sid = std::to_string(incidents[0]["id"].get<int64_t>());
  EXPECT_NE(sid, local);
  auto view = server().get("/incident/" + sid, {{"Authorization", "Bearer " + kToken}});
  ASSERT_EQ(view.status, 200);
  json comments = json::parse(view.body)["comments"];
  ASSERT_EQ(comments.size(), 1u) << view.body;
  EXPECT_EQ(comments[0]["comment"], "rolling back");

  // Both ids answer the row, under the server's id.
  auto by_server = r.get("statuspage_incident", sid);
  auto by_local = r.get("statuspage_incident", local);
  ASSERT_TRUE(by_server && by_local);
  EXPECT_EQ((*by_server)["id"], sid);
  EXPECT_EQ((*by_local)["id"], sid);
  EXPECT_EQ(*by_server, *by_local);
  EXPECT_EQ((*by_server)["name"], "API errors");
  auto c = r.get("statuspage_comment", comment_local);
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)["incident"], sid);
  EXPECT_EQ((*c)["id"], std::to_string(comments[0]["id"].get<int64_t>()));

  // A comment is append-only: its update is refused, naming why, and nothing is journaled.
  CliResult upd = r.run({"update", "statuspage_comment", comment_local, R"({"comment":"edited"})"});
  EXPECT_EQ(upd.code, kExitInvalid) << upd.out;
  std::string err = stderr_of(r);
  EXPECT_NE(err.find("append-only"), std::string::npos) << err;
  EXPECT_NE(err.find("no update"), std::string::npos) << err;
  EXPECT_EQ(r.journal(), json::array());
  EXPECT_EQ(r.get("statuspage_comment", comment_local).value()["comment"], "rolling back");
  EXPECT_EQ(stderr_of(r).find(kToken), std::string::npos) << "the token was printed on stderr";
}

TEST_F(CliStatusPage, InitWithAnUnknownKindIsRefusedNamingTheFlag) {
  Replica r(dir_, "bad");
  CliResult res = r.run({"init", "--kind", "nonsense", "--remote", url(), "--token", kToken});
  EXPECT_EQ(res.code, kExitInvalid) << res.out;
  std::string err = stderr_of(r);
  EXPECT_NE(err.find("--kind"), std::string::npos) << err;
  EXPECT_NE(err.find("nonsense"), std::string::npos) << err;
  EXPECT_EQ(err.find(kToken), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(r.path())) << "a replica was created for a refused init";
}

}  // namespace
}  // namespace hse::test
