// The typed configuration: defaults from the key table, every bad value refused
// with the key named and what it allows, unknown keys refused, and the engine
// refusing a bad configuration at open without storing it.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/config_keys.hpp"
#include "core/error.hpp"
#include "engine/config/config.hpp"
#include "engine/engine.hpp"

namespace hse::engine::config {
namespace {

using namespace std::chrono_literals;

// The error parse() throws for `config`; fails the test when it throws none.
Error refusal(const json& config) {
  try {
    parse(config);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "accepted " << config.dump();
  return Error(Code::ok, "");
}

void expect_refused(const json& config, const std::string& key, const std::string& message_part) {
  Error e = refusal(config);
  EXPECT_EQ(e.code(), Code::invalid) << config.dump();
  ASSERT_EQ(e.fields().size(), 1u) << config.dump();
  EXPECT_EQ(e.fields()[0].field, key) << config.dump();
  EXPECT_NE(e.fields()[0].message.find(message_part), std::string::npos) << e.fields()[0].message;
  EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
}

TEST(Config, EmptyGivesTheDefaults) {
  Config c = parse(json::object());
  EXPECT_EQ(c.durability, Durability::full);
  EXPECT_EQ(c.remote.kind, RemoteKind::fourhse);
  EXPECT_EQ(c.remote.url, "");
  EXPECT_TRUE(c.remote.verify_tls);
  EXPECT_EQ(c.remote.connect_timeout, 10'000ms);
  EXPECT_EQ(c.remote.read_timeout, 30'000ms);
  EXPECT_EQ(c.remote.pool_size, 8);
  EXPECT_FALSE(c.remote.oauth);
  EXPECT_TRUE(c.projects.empty());
  EXPECT_EQ(c.sync.interval, 60'000ms);
  EXPECT_EQ(c.sync.debounce, 500ms);
  EXPECT_EQ(c.sync.backoff_min, 1'000ms);
  EXPECT_EQ(c.sync.backoff_max, 300'000ms);
  EXPECT_EQ(c.sync.per_page, 500);
  EXPECT_EQ(c.sync.concurrency, 4);
  EXPECT_EQ(c.sync.push_concurrency, 8);
  EXPECT_EQ(c.sync.max_attempts, 5);
  EXPECT_EQ(c.policies.for_row("incident"), merge::Policy::merge);
}

TEST(Config, ReadsEveryKey) {
  Config c = parse({{"durability", "normal"},
                    {"remote",
                     {{"kind", "fourhse"},
                      {"url", "https://x"},
                      {"access_token", "t"},
                      {"oauth", {{"token_url", "https://a/t"}, {"client_id", "c"}, {"username", "u"}, {"password", "p"}}},
                      {"ca_file", "/etc/ca.pem"},
                      {"verify_tls", false},
                      {"connect_timeout_ms", 5},
                      {"read_timeout_ms", 6},
                      {"pool_size", 7}}},
                    {"scopes", {{"projects", {"p1", "p2"}}}},
                    {"policies", {{"incident", "manual"}, {"action", {{"*", "server_wins"}, {"name", "client_wins"}}}}},
                    {"sync",
                     {{"interval_s", 0.5},
                      {"debounce_ms", 0},
                      {"backoff_min_ms", 20},
                      {"backoff_max_s", 2},
                      {"per_page", 1000},
                      {"concurrency", 16},
                      {"push_concurrency", 32},
                      {"max_attempts", 100}}}});
  EXPECT_EQ(c.durability, Durability::normal);
  EXPECT_EQ(c.remote.url, "https://x");
  ASSERT_TRUE(c.remote.oauth);
  EXPECT_EQ(c.remote.oauth->password, "p");
  EXPECT_EQ(c.remote.ca_file, "/etc/ca.pem");
  EXPECT_FALSE(c.remote.verify_tls);
  EXPECT_EQ(c.remote.pool_size, 7);
  EXPECT_EQ(c.projects, (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(c.policies.for_row("incident"), merge::Policy::manual);
  EXPECT_EQ(c.policies.for_field("action", "name"), merge::Policy::client_wins);
  EXPECT_EQ(c.policies.for_field("action", "description"), merge::Policy::server_wins);
  EXPECT_EQ(c.sync.interval, 500ms);
  EXPECT_EQ(c.sync.debounce, 0ms);
  EXPECT_EQ(c.sync.backoff_max, 2'000ms);
  EXPECT_EQ(c.sync.per_page, 1000);
  EXPECT_EQ(c.sync.push_concurrency, 32);
  EXPECT_EQ(c.sync.max_attempts, 100);
}

TEST(Config, RefusesValuesOutsideTheirRange) {
  expect_refused({{"sync", {{"push_concurrency", 0}}}}, "sync.push_concurrency", "1..32");
  expect_refused({{"sync", {{"push_concurrency", 33}}}}, "sync.push_concurrency", "1..32");
  expect_refused({{"sync", {{"push_concurrency", 2.5}}}}, "sync.push_concurrency", "integer");
  expect_refused({{"sync", {{"max_attempts", 0}}}}, "sync.max_attempts", "1..100");
  expect_refused({{"sync", {{"max_attempts", 101}}}}, "sync.max_attempts", "1..100");
  expect_refused({{"sync", {{"per_page", 1001}}}}, "sync.per_page", "1..1000");
  expect_refused({{"sync", {{"interval_s", 0.01}}}}, "sync.interval_s", "0.05..86400");
  expect_refused({{"sync", {{"interval_s", "60"}}}}, "sync.interval_s", "number");
  expect_refused({{"remote", {{"pool_size", 0}}}}, "remote.pool_size", "1..64");
  expect_refused({{"remote", {{"verify_tls", "no"}}}}, "remote.verify_tls", "true or false");
  expect_refused({{"remote", {{"url", 3}}}}, "remote.url", "string");
  expect_refused({{"scopes", {{"projects", "p1"}}}}, "scopes.projects", "array");
  expect_refused({{"scopes", {{"projects", {"p1", 2}}}}}, "scopes.projects", "array");
}

TEST(Config, RefusesUnknownChoices) {
  expect_refused({{"durability", "fast"}}, "durability", "full|normal");
  expect_refused({{"remote", {{"kind", "jira"}}}}, "remote.kind", "fourhse|statuspage");
  EXPECT_NE(std::string(refusal({{"durability", "fast"}}).what()).find("'fast'"), std::string::npos);
  // A bad policy fails here, at open, not at the first sync.
  expect_refused({{"policies", {{"incident", "bogus"}}}}, "policies.incident", "server_wins");
  expect_refused({{"policies", {{"action", {{"name", "bogus"}}}}}}, "policies.action.name", "client_wins");
  EXPECT_NE(std::string(refusal({{"policies", {{"incident", "bogus"}}}}).what()).find("bogus"), std::string::npos);
  EXPECT_EQ(refusal({{"policies", {{"nosuchentity", "merge"}}}}).code(), Code::invalid);
  EXPECT_EQ(refusal({{"policies", {{"action", {{"nosuchfield", "merge"}}}}}}).code(), Code::invalid);
}

TEST(Config, RefusesUnknownKeys) {
  expect_refused({{"sink", 1}}, "sink", "not a configuration key");
  expect_refused({{"sync", {{"interval", 60}}}}, "sync.interval", "not a configuration key");
  expect_refused({{"remote", {{"token", "t"}}}}, "remote.token", "not a configuration key");
  expect_refused({{"remote", {{"oauth", {{"secret", "s"}}}}}}, "remote.oauth.secret", "not a configuration key");
  expect_refused({{"scopes", {{"offices", json::array()}}}}, "scopes.offices", "not a configuration key");
  expect_refused({{"sync", 5}}, "sync", "JSON object");
}

TEST(Config, RefusesWhatTheStatusPageRemoteHasNot) {
  expect_refused({{"remote", {{"kind", "statuspage"}, {"oauth", {{"client_id", "c"}}}}}}, "remote.oauth", "statuspage");
  expect_refused({{"remote", {{"kind", "statuspage"}}}, {"scopes", {{"projects", {"p"}}}}}, "scopes.projects",
                 "fourhse");
}

TEST(Config, SecretsNeverShowInARefusal) {
  Error e = refusal({{"remote", {{"access_token", 12345678}}}});
  EXPECT_EQ(std::string(e.what()).find("12345678"), std::string::npos) << e.what();
}

TEST(Config, WithDefaultsFillsWhatIsAbsentAndKeepsWhatIsGiven) {
  json full = with_defaults({{"sync", {{"per_page", 25}}}, {"remote", {{"url", "https://x"}}}});
  EXPECT_EQ(full["sync"]["per_page"], 25);
  EXPECT_EQ(full["sync"]["push_concurrency"], 8);
  EXPECT_EQ(full["sync"]["max_attempts"], 5);
  EXPECT_EQ(full["durability"], "full");
  EXPECT_EQ(full["remote"]["url"], "https://x");
  EXPECT_EQ(full["remote"]["kind"], "fourhse");
  EXPECT_FALSE(full["remote"].contains("oauth"));
  // A null oauth (merge-patch's removal) stays no OAuth; a given one gets its defaults.
  EXPECT_FALSE(parse(with_defaults({{"remote", {{"url", "https://x"}, {"oauth", nullptr}}}})).remote.oauth);
  json oauth = with_defaults({{"remote", {{"url", "https://x"}, {"oauth", {{"client_id", "c"}}}}}});
  EXPECT_EQ(oauth["remote"]["oauth"]["token_url"], "");
  EXPECT_EQ(oauth["remote"]["oauth"]["client_id"], "c");
  EXPECT_EQ(parse(full).sync.per_page, 25);
}

class EngineConfig : public ::testing::Test {
 protected:
  std::string path = (std::filesystem::temp_directory_path() /
                      ("hse_config_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                         .string();
  void SetUp() override { TearDown(); }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm", ".lock"}) std::filesystem::remove(path + suffix);
  }
};

TEST_F(EngineConfig, OpenRefusesABadKeyAndCreatesNothing) {
  try {
    Engine::open(path, {{"policies", {{"incident", "bogus"}}}});
    FAIL() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::invalid);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(EngineConfig, OpenRefusesAnOverrideThatBreaksTheStoredConfigurationAndKeepsIt) {
  Engine::open(path, {{"remote", {{"kind", "statuspage"}, {"url", "http://127.0.0.1:1"}}}});
  try {
    Engine::open(path, {{"scopes", {{"projects", {"p"}}}}});
    FAIL() << "opened";
  } catch (const Error& e) {
    ASSERT_EQ(e.fields().size(), 1u);
    EXPECT_EQ(e.fields()[0].field, "scopes.projects");
  }
  EXPECT_FALSE(Engine::open(path)->config().contains("scopes"));
}

TEST_F(EngineConfig, OpenStoresAGoodConfiguration) {
  Engine::open(path, {{"sync", {{"push_concurrency", 3}}}, {"durability", "normal"}});
  json stored = Engine::open(path)->config();
  EXPECT_EQ(stored["sync"]["push_concurrency"], 3);
  EXPECT_EQ(stored["durability"], "normal");
}

}  // namespace
}  // namespace hse::engine::config
