// OAuth2 password grant against the emulator's token endpoint, with access tokens that
// live one second: they expire in the middle of a slowed-down round, which must refresh
// (once per 401) and finish without losing or repeating anything.
#include <fstream>

#include "tests/integration/sync/fixture.hpp"

namespace hse::test {
namespace {

class TokenExpiryTest : public SyncTest {
 protected:
  std::vector<std::string> options() override {
    return {"--demo", "--seed", "42", "--user", "alice:s3cret-pw", "--token-ttl", "1", "--token", "harness-token"};
  }
  std::vector<std::string> oauth_args(const std::string& password) {
    auto file = dir_ / ("password-" + password);
    std::ofstream(file) << password << "\n";
    return {"--oauth-token-url", "http://127.0.0.1:" + std::to_string(port()) + "/realms/4hse/protocol/openid-connect/token",
            "--client-id", "hse-sync", "--username", "alice", "--password-file", file.string(),
            // Small pages, so the round has many requests and lasts well past the token's life.
            "--config", R"({"sync":{"per_page":25,"concurrency":1}})"};
  }
  // The test's own client reads the server with a static API token: a one-second
  // OAuth token of its own could expire between two of its reads on a loaded machine.
  void login_server_client() { server().set_header("Authorization", "Bearer harness-token"); }
};

TEST_F(TokenExpiryTest, TokenExpiresMidRoundAndTheRoundFinishes) {
  Replica a = replica("a", oauth_args("s3cret-pw"));
  EXPECT_TRUE(a.sync()["ok"].get<bool>());
  // Local writes to push first, then a slow pull: every request waits 150 ms.
  login_server_client();
  auto [office, project] = active_office();
  std::vector<std::string> created;
  for (int i = 0; i < 4; ++i)
    created.push_back(a.create("action", {{"action_type", "CHECK"}, {"name", "Offline " + std::to_string(i)},
                                          {"subtenant_id", office}, {"tenant_id", project}})["action_id"]);
  admin("faults", {{"seed", 1}, {"latency_ms", 150}});
  json r = a.sync();
  EXPECT_TRUE(r["ok"].get<bool>()) << r;
  EXPECT_GT(r["duration_ms"].get<int>(), 2000) << "the round must outlive several tokens: " << r;
  EXPECT_EQ(r["stats"]["pushed"], 4) << r;
  admin("faults", json::object());

  // Much later (tokens long expired) another round works too.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  json r2 = a.sync();
  EXPECT_TRUE(r2["ok"].get<bool>()) << r2;
  EXPECT_EQ(r2["stats"]["pulled"], 0) << r2;

  login_server_client();
  for (const auto& id : created) EXPECT_FALSE(server_view("action", id).is_null());
  expect_converged({&a});
  // No secret reaches the logs.
  EXPECT_EQ(a.stderr_tail().find("s3cret-pw"), std::string::npos);
}

TEST_F(TokenExpiryTest, WrongPasswordIsAnAuthError) {
  Replica a = replica("a", oauth_args("not-the-password"));
  auto r = a.run({"sync"});
  EXPECT_EQ(r.code, 16) << r.out << a.stderr_tail();
  EXPECT_EQ(a.stderr_tail().find("not-the-password"), std::string::npos);
}

}  // namespace
}  // namespace hse::test
