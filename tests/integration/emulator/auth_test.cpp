// Every way in and every way refused: no auth configured, the fixed access token
// (query parameter and bearer), and the Keycloak password grant with expiry and refresh.
#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/emulator/fixture.hpp"

namespace hse::test {
namespace {

const char* kTokenPath = "/realms/4hse/protocol/openid-connect/token";
const Headers kForm = {{"Content-Type", "application/x-www-form-urlencoded"}};

class OpenEmulatorTest : public EmulatorTest {
 protected:
  std::vector<std::string> options() override { return {}; }
};

TEST_F(OpenEmulatorTest, WithoutTokenOrUsersNoTokenIsNeeded) {
  EXPECT_EQ(index("project").status, 200);
  EXPECT_EQ(client().post(std::string(kTokenPath), "grant_type=password&client_id=c&username=a&password=b", kForm).status,
            401);
}

class AuthTest : public EmulatorTest {
 protected:
  std::vector<std::string> options() override {
    return {"--token", "fixed-secret", "--user", "alice:wonder land", "--user", "bob:pa:ss", "--token-ttl", "1"};
  }
  Response grant(const std::string& form) { return client().post(kTokenPath, form, kForm); }
  Response as_bearer(const std::string& token) {
    return client().post("/v2/project/index", "{}", {{"Authorization", "Bearer " + token}});
  }
};

TEST_F(AuthTest, NoOrWrongTokenIs401) {
  auto r = index("project");
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(r.header("www-authenticate").empty());
  EXPECT_EQ(client().post("/v2/project/index?access-token=wrong", "{}").status, 401);
  EXPECT_EQ(as_bearer("wrong").status, 401);
  EXPECT_EQ(client().get("/v2/project/view/x", {{"Authorization", "Basic Zm9vOmJhcg=="}}).status, 401);
  // The body never repeats a secret.
  EXPECT_EQ(r.body.find("fixed-secret"), std::string::npos);
}

TEST_F(AuthTest, FixedTokenByQueryParameterOrBearer) {
  EXPECT_EQ(client().post("/v2/project/index?access-token=fixed-secret", "{}").status, 200);
  EXPECT_EQ(as_bearer("fixed-secret").status, 200);
  EXPECT_EQ(client().get("/v2/project/view/00000000-0000-4000-8000-000000000000?access-token=fixed-secret").status, 404);
}

TEST_F(AuthTest, PasswordGrantTokenWorksExpiresAndRefreshes) {
  auto r = grant("grant_type=password&client_id=hsesync&username=alice&password=wonder+land");
  ASSERT_EQ(r.status, 200) << r.body;
  json t = parse(r);
  EXPECT_EQ(t["token_type"], "Bearer");
  EXPECT_EQ(t["expires_in"], 1);
  const std::string access = t["access_token"], refresh = t["refresh_token"];
  ASSERT_FALSE(access.empty());
  ASSERT_FALSE(refresh.empty());
  EXPECT_EQ(as_bearer(access).status, 200);
  EXPECT_EQ(client().post("/v2/project/index?access-token=" + access, "{}").status, 200);

  // The caller's name is what the server records as an incident's creator.
  auto p = client().post("/v2/project/create", R"({"name":"A","country":"IT"})", {{"Authorization", "Bearer " + access}});
  ASSERT_EQ(p.status, 201);
  auto o = client().post("/v2/office/create", json{{"project_id", parse(p)["project_id"]}, {"name", "O"}}.dump(),
                         {{"Authorization", "Bearer " + access}});
  ASSERT_EQ(o.status, 201);
  auto i = client().post("/v2/incident/create",
                         json{{"name", "I"}, {"date_incident", "2024-01-01"}, {"subtenant_id", parse(o)["office_id"]},
                              {"tenant_id", parse(p)["project_id"]}}
                             .dump(),
                         {{"Authorization", "Bearer " + access}});
  ASSERT_EQ(i.status, 201) << i.body;
  EXPECT_EQ(parse(i)["created_by"], "alice");

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(as_bearer(access).status, 401);
  auto again = grant("grant_type=refresh_token&client_id=hsesync&refresh_token=" + refresh);
  ASSERT_EQ(again.status, 200) << again.body;
  json t2 = parse(again);
  EXPECT_NE(t2["access_token"], access);
  EXPECT_EQ(as_bearer(t2["access_token"]).status, 200);
}

TEST_F(AuthTest, BadGrantsAreRefusedAsKeycloakDoes) {
  auto wrong = grant("grant_type=password&client_id=hsesync&username=alice&password=nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(parse(wrong)["error"], "invalid_grant");
  EXPECT_EQ(grant("grant_type=password&client_id=hsesync&username=carol&password=x").status, 401);
  EXPECT_EQ(grant("grant_type=password&client_id=hsesync&username=bob&password=pa%3Ass").status, 200);
  auto bad_refresh = grant("grant_type=refresh_token&client_id=hsesync&refresh_token=forged");
  EXPECT_EQ(bad_refresh.status, 400);
  EXPECT_EQ(parse(bad_refresh)["error"], "invalid_grant");
  EXPECT_EQ(parse(grant("grant_type=client_credentials&client_id=hsesync"))["error"], "unsupported_grant_type");
  EXPECT_EQ(grant("client_id=hsesync").status, 400);
  EXPECT_EQ(client().get(kTokenPath).status, 405);
}

}  // namespace
}  // namespace hse::test
