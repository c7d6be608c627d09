// Targeted faults (/_admin/faults "rules"): one chosen request answered with a chosen
// status and body, on the v2 API and the status-page API, over real HTTP and through
// InProcessTransport; the strict validation of a rule.
#include <gtest/gtest.h>

#include <chrono>

#include "adapters/emulator/emulator.hpp"
#include "adapters/emulator/in_process_transport.hpp"
#include "core/error.hpp"
#include "tests/integration/emulator/fixture.hpp"

namespace hse::test {
namespace {

namespace emu = adapters::emulator;

const json kProject = {{"name", "Targeted"}, {"country", "IT"}};
const json kAnswer = {{"name", "Internal Server Error"}, {"message", "chokes on this row"}};

class FaultRulesTest : public EmulatorTest {
 protected:
  std::vector<std::string> options() override { return {}; }
  void faults(const json& config) {
    auto r = admin("faults", config);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::string project() {
    json p = created("project", kProject);
    return p["project_id"];
  }
};

TEST_F(FaultRulesTest, ExactRuleAnswersOnlyItsMethodAndPathEveryTime) {
  const std::string id = project(), other = project();
  const std::string path = "/v2/project/update/" + id;
  faults({{"rules", json::array({{{"method", "PUT"}, {"path", path}, {"status", 500}, {"times", -1}, {"body", kAnswer}}})}});
  for (int i = 0; i < 3; ++i) {  // -1: it never wears out
    auto r = update("project", id, {{"name", "Never"}});
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(parse(r), kAnswer);
    EXPECT_EQ(r.header("content-type"), "application/json; charset=UTF-8");
  }
  // The query string is not part of the path a rule matches.
  EXPECT_EQ(client().put(path + "?force=1", R"({"name":"Never"})").status, 500);
  // Another method on the same path, another path, another row: untouched.
  adapters::http::Request patch;
  patch.method = "PATCH";
  patch.target = path;
  patch.body = R"({"name":"Patched"})";
  EXPECT_EQ(client().send(patch).status, 200);
  EXPECT_EQ(view("project", id).status, 200);
  EXPECT_EQ(update("project", other, {{"name", "Other"}}).status, 200);
  EXPECT_EQ(client().put(path + "/x", "{}").status, 404);  // exact: a longer path is not matched
  // The refused writes never reached the database; the PATCH did.
  EXPECT_EQ(parse(view("project", id))["name"], "Patched");
  json shown = parse(client().get("/_admin/faults"));
  EXPECT_EQ(shown["rules"][0]["matched"], 4);
  EXPECT_EQ(shown["rules"][0]["times"], -1);
  EXPECT_EQ(parse(client().get("/_admin/stats"))["faults"]["errors"], 4);
}

TEST_F(FaultRulesTest, PrefixRuleAnswersTheNextNMatchesThenWearsOut) {
  faults({{"rules", json::array({{{"method", "POST"}, {"path", "/v2/action/*"}, {"status", 503}, {"times", 2},
                                  {"retry_after_s", 3}}})}});
  EXPECT_EQ(index("project").status, 200);  // another path: not counted against the rule
  auto r = index("action");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("retry-after"), "3");
  EXPECT_EQ(parse(r)["status"], 503);  // no body given: the emulator's injected-fault error
  EXPECT_EQ(create("action", json::object()).status, 503);  // any path under the prefix
  EXPECT_EQ(index("action").status, 200);                   // two matches spent
  EXPECT_EQ(parse(client().get("/_admin/faults"))["rules"][0]["matched"], 2);
  // Setting faults again restarts the count.
  faults({{"rules", json::array({{{"method", "*"}, {"path", "/v2/*"}, {"status", 502}, {"times", 1}}})}});
  EXPECT_EQ(client().get("/v2/project/view/nope").status, 502);
  EXPECT_EQ(client().get("/v2/project/view/nope").status, 404);
}

TEST_F(FaultRulesTest, RulesComeBeforeTheRatesAndEmptyClearsBoth) {
  const std::string id = project();
  faults({{"error_rate", 1},
          {"error_status", 502},
          {"rules", json::array({{{"method", "GET"}, {"path", "/v2/project/view/" + id}, {"status", 409}}})}});
  EXPECT_EQ(view("project", id).status, 409);  // times defaults to -1
  EXPECT_EQ(index("project").status, 502);
  faults(json::object());
  EXPECT_EQ(view("project", id).status, 200);
  EXPECT_EQ(index("project").status, 200);
  EXPECT_EQ(parse(client().get("/_admin/faults"))["rules"], json::array());
}

TEST_F(FaultRulesTest, RawBodyStandsForAMalformedAnswer) {
  faults({{"rules",
           json::array({{{"method", "POST"}, {"path", "/v2/project/create"}, {"status", 201}, {"raw_body", "{\"proj"}}})}});
  auto r = create("project", kProject);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "{\"proj");
  EXPECT_EQ(r.header("content-type"), "text/plain; charset=UTF-8");
  faults(json::object());
  EXPECT_EQ(all("project").size(), 0u);  // answered by the rule, not created
}

TEST_F(FaultRulesTest, LatencyStillDelaysRuleAnsweredRequests) {
  faults({{"latency_ms", 120}, {"rules", json::array({{{"method", "POST"}, {"path", "/v2/*"}, {"status", 500}}})}});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(index("project").status, 500);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(120));
}

TEST_F(FaultRulesTest, BadRulesAre400NamingTheFieldAndChangeNothing) {
  const json good = {{"method", "GET"}, {"path", "/v2/project/view/x"}, {"status", 500}};
  faults({{"rules", json::array({good})}});
  auto refused = [&](json rule, const std::string& field) {
    auto r = admin("faults", {{"rules", json::array({good, rule})}});
    EXPECT_EQ(r.status, 400) << rule.dump();
    EXPECT_EQ(fields_of(r), std::vector<std::string>{field}) << r.body;
  };
  auto with = [&](const char* key, json value) {
    json rule = good;
    rule[key] = std::move(value);
    return rule;
  };
  auto without = [&](const char* key) {
    json rule = good;
    rule.erase(key);
    return rule;
  };
  refused(with("method", "FETCH"), "rules[1].method");
  refused(with("method", "get"), "rules[1].method");
  refused(without("method"), "rules[1].method");
  refused(with("status", 700), "rules[1].status");
  refused(with("status", "500"), "rules[1].status");
  refused(without("status"), "rules[1].status");
  refused(with("times", 0), "rules[1].times");
  refused(with("times", -2), "rules[1].times");
  refused(with("times", 1.5), "rules[1].times");
  refused(with("path", "v2/project/view/x"), "rules[1].path");
  refused(with("path", "/_admin/stats"), "rules[1].path");  // never faulted: the rule could not fire
  refused(without("path"), "rules[1].path");
  refused(with("retry_after_s", -1), "rules[1].retry_after_s");
  refused(with("raw_body", 7), "rules[1].raw_body");
  refused(with("colour", "red"), "rules[1].colour");
  refused(json::array(), "rules[1]");
  EXPECT_EQ(fields_of(admin("faults", {{"rules", good}})), std::vector<std::string>{"rules"});
  // Every refusal left the earlier rule in place.
  EXPECT_EQ(client().get("/v2/project/view/x").status, 500);
  EXPECT_EQ(parse(client().get("/_admin/faults"))["rules"].size(), 1u);
}

TEST_F(FaultRulesTest, RulesAnswerTheStatusPageApiToo) {
  const json incident = {{"scope", 1}, {"service", 2}, {"name", "Outage"}, {"severity", "high"},
                         {"start_impact_date", "2026-11-28T10:00"}};
  auto c = client().post("/incident/create", incident.dump());
  ASSERT_EQ(c.status, 201) << c.body;
  faults({{"rules", json::array({{{"method", "POST"}, {"path", "/incident/1/update"}, {"status", 500}, {"times", 1},
                                  {"body", {{"message", "chokes"}}}},
                                 {{"method", "GET"}, {"path", "/incident*"}, {"status", 503}, {"times", -1}}})}});
  auto r = client().post("/incident/1/update", json{{"name", "Renamed"}}.dump());
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(parse(r), json({{"message", "chokes"}}));
  EXPECT_EQ(client().get("/incident").status, 503);
  EXPECT_EQ(client().get("/incident/1?page=1").status, 503);
  faults(json::object());
  EXPECT_EQ(parse(client().get("/incident/1"))["name"], "Outage");
}

TEST(FaultRulesInProcessTest, RulesApplyThroughInProcessTransport) {
  emu::Emulator emulator;
  std::vector<std::chrono::milliseconds> slept;
  emu::InProcessTransport t(emulator, [&](std::chrono::milliseconds ms) { slept.push_back(ms); });
  auto send = [&](const std::string& method, const std::string& target) {
    adapters::http::Request r;
    r.method = method;
    r.target = target;
    return t.send(r);
  };
  emu::FaultRule rule{.method = "DELETE", .path = "/v2/project/delete/*", .status = 500, .times = 1};
  emulator.set_faults({.latency_ms = 5, .rules = {rule}});
  EXPECT_EQ(send("DELETE", "/v2/project/delete/a").status, 500);
  EXPECT_EQ(send("DELETE", "/v2/project/delete/a").status, 404);
  EXPECT_EQ(slept, std::vector<std::chrono::milliseconds>(2, std::chrono::milliseconds(5)));
}

TEST(FaultRulesInProcessTest, ARuleDoesNotShiftWhichLaterRequestsTheSeedFaults) {
  // Each request takes its sequence number whether a rule answered it or not.
  emu::FaultConfig config = emu::FaultConfig::from_json({{"seed", 5}, {"error_rate", 0.5}, {"error_status", 502}});
  auto run = [&](const emu::FaultConfig& c) {
    emu::Emulator emulator;
    emu::InProcessTransport t(emulator);
    emulator.set_faults(c);
    std::vector<int> statuses;
    for (int i = 0; i < 30; ++i) {
      adapters::http::Request r;
      r.method = i == 0 ? "GET" : "POST";
      r.target = i == 0 ? "/v2/project/view/x" : "/v2/project/index";
      statuses.push_back(t.send(r).status);
    }
    return statuses;
  };
  auto plain = run(config);
  config.rules.push_back({.method = "GET", .path = "/v2/project/view/x", .status = 418, .times = 1});
  auto ruled = run(config);
  EXPECT_EQ(ruled[0], 418);
  EXPECT_EQ(std::vector<int>(ruled.begin() + 1, ruled.end()), std::vector<int>(plain.begin() + 1, plain.end()));
}

}  // namespace
}  // namespace hse::test
