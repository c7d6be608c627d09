// Each fault the emulator injects (latency, connection drop, 500, 503 and 429 with
// Retry-After, "applied but the response was lost"), deterministic from a seed, while
// two replicas with offline edits run rounds. The invariant once the faults stop and
// two rounds run: every replica equals the server (history included, every field),
// every journal is empty, and no row exists twice on the server.
#include "tests/integration/sync/fixture.hpp"

namespace hse::test {
namespace {

struct FaultCase {
  std::string name;
  json faults;
  const char* counter;  // the /_admin/stats "faults" counter that must have moved ("" for latency)
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

class SyncFaultTest : public SyncTest, public ::testing::WithParamInterface<FaultCase> {
 protected:
  // Offline work on both replicas: creates (with a child of a new office), updates,
  // deletes, on rows both sides know.
  void offline_edits(const Replica& a, const Replica& b) {
    auto [office, project] = active_office();
    for (int i = 0; i < 6; ++i)
      a.create("action", {{"action_type", "HEALTH"}, {"name", "A offline " + std::to_string(i)},
                          {"subtenant_id", office}, {"tenant_id", project}});
    for (int i = 0; i < 3; ++i) a.update("action", an_action(i)["action_id"], {{"name", "A edit " + std::to_string(i)}});
    a.remove("action", an_action(10)["action_id"]);

    json o = b.create("office", {{"project_id", project}, {"name", "Ufficio Faults"}});
    b.create("action", {{"action_type", "PER"}, {"name", "In the new office"}, {"subtenant_id", o["office_id"]},
                        {"tenant_id", project}});
    for (int i = 0; i < 4; ++i)
      b.create("incident", {{"name", "B incident " + std::to_string(i)}, {"date_incident", "2024-03-0" + std::to_string(i + 1)},
                            {"tenant_id", project}, {"subtenant_id", office}});
    for (int i = 3; i < 6; ++i)
      b.update("action", an_action(i)["action_id"], {{"description", "B edit " + std::to_string(i)}});
    // The same field on both sides: a conflict decided by the default policy.
    b.update("action", an_action(0)["action_id"], {{"name", "B edit 0"}});
    b.remove("action", an_action(11)["action_id"]);
  }
};

TEST_P(SyncFaultTest, ReplicasConvergeOnceTheFaultsStop) {
  const FaultCase& c = GetParam();
  Replica a = replica("a"), b = replica("b");
  a.sync();
  b.sync();
  offline_edits(a, b);

  admin("faults", c.faults);
  for (int i = 0; i < 4; ++i) {
    for (const Replica* r : {&a, &b}) {
      auto res = r->run({"sync"});
      // Transient failures only: network, timeout, rate limited, server.
      EXPECT_TRUE(res.code == 0 || res.code == 14 || res.code == 15 || res.code == 17 || res.code == 18)
          << "round under " << c.name << " exited " << res.code << ": " << res.out << r->stderr_tail();
    }
  }
  json stats = json::parse(server().get("/_admin/stats").body);
  if (*c.counter) {
    EXPECT_GT(stats["faults"][c.counter].get<int>(), 0) << stats;
  }
  admin("faults", json::object());

  for (int i = 0; i < 2; ++i) {
    for (const Replica* r : {&a, &b}) {
      json rep = r->sync();
      EXPECT_TRUE(rep["ok"].get<bool>()) << rep;
    }
  }
  expect_converged({&a, &b});
}

INSTANTIATE_TEST_SUITE_P(
    EachFault, SyncFaultTest,
    ::testing::Values(
        FaultCase{"latency", {{"seed", 11}, {"latency_ms", 40}}, ""},
        FaultCase{"drop", {{"seed", 12}, {"drop_rate", 0.25}}, "dropped"},
        FaultCase{"error_500", {{"seed", 13}, {"error_rate", 0.3}, {"error_status", 500}}, "errors"},
        FaultCase{"error_503_retry_after", {{"seed", 14}, {"error_rate", 0.3}, {"error_status", 503}, {"retry_after_s", 1}},
                  "errors"},
        FaultCase{"error_429_retry_after", {{"seed", 15}, {"error_rate", 0.3}, {"error_status", 429}, {"retry_after_s", 1}},
                  "errors"},
        FaultCase{"lost_response", {{"seed", 16}, {"lost_response_rate", 0.3}}, "lost"},
        FaultCase{"everything", {{"seed", 17}, {"latency_ms", 5}, {"drop_rate", 0.1}, {"error_rate", 0.1},
                                 {"error_status", 503}, {"retry_after_s", 1}, {"lost_response_rate", 0.15}},
                  "lost"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) { return info.param.name; });

}  // namespace
}  // namespace hse::test
