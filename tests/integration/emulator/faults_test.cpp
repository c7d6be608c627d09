// Each injected fault (latency, drop, error status with Retry-After, lost response)
// over real HTTP and through InProcessTransport, and the determinism of the decisions.
#include <gtest/gtest.h>

#include <chrono>

#include "adapters/emulator/emulator.hpp"
#include "adapters/emulator/in_process_transport.hpp"
#include "core/error.hpp"
#include "tests/integration/emulator/fixture.hpp"

namespace hse::test {
namespace {

namespace emu = adapters::emulator;

const json kFaultsProject = {{"name", "Faulty"}, {"country", "IT"}};

class FaultsTest : public EmulatorTest {
 protected:
  std::vector<std::string> options() override { return {}; }
  void faults(const json& config) { ASSERT_EQ(admin("faults", config).status, 200); }
};

TEST_F(FaultsTest, ErrorStatusAnswersWithoutTouchingTheDatabase) {
  faults({{"seed", 1}, {"error_rate", 1}, {"error_status", 503}, {"retry_after_s", 7}});
  auto r = create("project", kFaultsProject);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("retry-after"), "7");
  // The control paths are never faulted.
  EXPECT_EQ(client().get("/_admin/stats").status, 200);
  EXPECT_EQ(client().post("/realms/4hse/protocol/openid-connect/token", "grant_type=password").status, 401);
  faults({{"error_rate", 1}, {"error_status", 429}});
  r = index("project");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("retry-after"), "");
  faults(json::object());
  EXPECT_EQ(all("project").size(), 0u);
  EXPECT_EQ(parse(client().get("/_admin/stats"))["faults"]["errors"], 2);
}

TEST_F(FaultsTest, DropClosesTheConnectionBeforeTheRequestIsApplied) {
  faults({{"seed", 3}, {"drop_rate", 1}});
  try {
    create("project", kFaultsProject);
    FAIL() << "expected a dropped connection";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::network);
  }
  faults(json::object());
  EXPECT_EQ(all("project").size(), 0u);
}

TEST_F(FaultsTest, LostResponseCommitsTheWriteThenCloses) {
  faults({{"seed", 3}, {"lost_response_rate", 1}});
  json body = kFaultsProject;
  body["project_id"] = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
  EXPECT_THROW(create("project", body), Error);
  faults(json::object());
  EXPECT_EQ(view("project", body["project_id"]).status, 200);
  // The retry a client makes is told the id exists.
  EXPECT_EQ(create("project", body).status, 422);
}

TEST_F(FaultsTest, LatencyDelaysEveryFaultableRequest) {
  faults({{"latency_ms", 150}});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(index("project").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  start = std::chrono::steady_clock::now();
  EXPECT_EQ(client().get("/_admin/stats").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
}

TEST_F(FaultsTest, DecisionsFollowTheSeedAndTheRequestSequence) {
  json config = {{"seed", 42}, {"error_rate", 0.5}, {"error_status", 500}};
  auto run = [&](const json& c) {
    faults(c);
    std::vector<int> statuses;
    for (int i = 0; i < 40; ++i) statuses.push_back(index("project").status);
    return statuses;
  };
  auto first = run(config);
  EXPECT_EQ(run(config), first);  // setting faults restarts the sequence
  auto decisions = emu::FaultConfig::from_json(config);
  for (size_t i = 0; i < first.size(); ++i)
    EXPECT_EQ(first[i], emu::decide_fault(decisions, i).kind == emu::FaultKind::error ? 500 : 200) << i;
  EXPECT_GT(std::count(first.begin(), first.end(), 500), 5);
  EXPECT_GT(std::count(first.begin(), first.end(), 200), 5);
  config["seed"] = 43;
  EXPECT_NE(run(config), first);
}

class StartupFaultsTest : public EmulatorTest {
 protected:
  std::vector<std::string> options() override {
    return {"--faults", R"({"seed":9,"error_rate":1,"error_status":500})"};
  }
};

TEST_F(StartupFaultsTest, FaultsFromTheCommandLineApplyUntilCleared) {
  EXPECT_EQ(index("project").status, 500);
  ASSERT_EQ(admin("faults", json::object()).status, 200);
  EXPECT_EQ(index("project").status, 200);
  EXPECT_EQ(admin("faults", {{"drop_rate", 2}}).status, 400);
}

// In process: the same faults, no sockets.

adapters::http::Request request(const std::string& method, const std::string& target, const json& body = nullptr) {
  adapters::http::Request r;
  r.method = method;
  r.target = target;
  if (!body.is_null()) r.body = body.dump();
  return r;
}

// What one send() came to: a status, or -1 for a network error.
int outcome(emu::InProcessTransport& t, const adapters::http::Request& r) {
  try {
    return t.send(r).status;
  } catch (const Error& e) {
    return e.code() == Code::network ? -1 : -2;
  }
}

TEST(InProcessTransportTest, EachFaultKindActsAsOverHttp) {
  emu::Emulator emulator;
  std::vector<std::chrono::milliseconds> slept;
  emu::InProcessTransport t(emulator, [&](std::chrono::milliseconds ms) { slept.push_back(ms); });
  auto count = [&] { return json::parse(t.send(request("POST", "/v2/project/index")).body).size(); };

  emulator.set_faults({.drop_rate = 1});
  EXPECT_EQ(outcome(t, request("POST", "/v2/project/create", kFaultsProject)), -1);
  emulator.set_faults({.error_rate = 1, .error_status = 503, .retry_after_s = 2});
  auto r = t.send(request("POST", "/v2/project/create", kFaultsProject));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("retry-after"), "2");
  emulator.set_faults({});
  EXPECT_EQ(count(), 0u);

  emulator.set_faults({.lost_response_rate = 1});
  EXPECT_EQ(outcome(t, request("POST", "/v2/project/create", kFaultsProject)), -1);
  emulator.set_faults({.latency_ms = 25});
  EXPECT_EQ(count(), 1u);
  EXPECT_EQ(slept, std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(25)});
  EXPECT_EQ(emulator.stats()["faults"], json({{"dropped", 1}, {"errors", 1}, {"lost", 1}}));
}

TEST(InProcessTransportTest, SameSeedSameRequestsSameOutcomesAndIds) {
  auto run = [] {
    emu::EmulatorOptions o;
    o.seed = 7;
    o.faults = {.seed = 11, .drop_rate = 0.2, .error_rate = 0.2, .error_status = 503, .lost_response_rate = 0.2};
    emu::Emulator emulator(o);
    emu::InProcessTransport t(emulator, [](std::chrono::milliseconds) {});
    std::vector<int> outcomes;
    for (int i = 0; i < 60; ++i)
      outcomes.push_back(outcome(t, request("POST", "/v2/project/create",
                                            {{"name", "P" + std::to_string(i)}, {"country", "IT"}})));
    emulator.set_faults({});
    return std::make_pair(outcomes, t.send(request("POST", "/v2/project/index", {{"per-page", 1000}})).body);
  };
  auto a = run(), b = run();
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);  // the same rows, the same generated ids
  for (int kind : {-1, 201, 503}) EXPECT_GT(std::count(a.first.begin(), a.first.end(), kind), 3) << kind;
}

TEST(InProcessTransportTest, OversizeBodiesAre413InProcessToo) {
  emu::EmulatorOptions o;
  o.max_body_bytes = 64;
  emu::Emulator emulator(o);
  emu::InProcessTransport t(emulator);
  EXPECT_EQ(t.send(request("POST", "/v2/project/index", {{"filter", {{"name", std::string(100, 'x')}}}})).status, 413);
}

}  // namespace
}  // namespace hse::test
