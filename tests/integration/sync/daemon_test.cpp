// hse-sync run, the daemon: stopped by SIGTERM in the middle of a bootstrap and
// restarted, it loses nothing (a write made meanwhile included) and converges.
#include <sys/wait.h>

#include "tests/integration/sync/fixture.hpp"

namespace hse::test {
namespace {

class Daemon : public SyncTest {
 protected:
  std::vector<std::string> options() override { return {"--demo", "--demo-size", "20000", "--seed", "42"}; }

  int64_t local_count(const Replica& r, const std::string& e) {
    return r.ok({"query", e, json{{"history", true}, {"per-page", 1}}.dump()})["_meta"]["totalCount"].get<int64_t>();
  }
};

TEST_F(Daemon, SigtermMidBootstrapThenRestartConverges) {
  // Small pages make the bootstrap long enough to be stopped in its middle.
  Replica r = replica("daemon", {"--config", R"({"sync":{"per_page":50,"interval_s":30}})"});
  const int64_t server_incidents = int64_t(server_all("incident").size());
  auto [office, project] = active_office();

  Process daemon(bin_path("hse-sync"), {"--db", r.path(), "run"});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (local_count(r, "incident") == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // A write from another process while the daemon is pulling.
  json mine = r.create("incident", {{"name", "written during the bootstrap"}, {"date_incident", "2026-11-28"},
                                    {"tenant_id", project}, {"subtenant_id", office}});
  int status = daemon.stop(SIGTERM, std::chrono::seconds(30));
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  int64_t pulled = local_count(r, "incident");
  EXPECT_GT(pulled, 0);
  EXPECT_LT(pulled, server_incidents) << "the bootstrap ended before the stop: make it longer";
  EXPECT_TRUE(r.get("incident", mine["office_incident_id"]));  // nothing it applied is lost

  Process again(bin_path("hse-sync"), {"--db", r.path(), "run"});
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    json st = r.status();
    if (!st["last_sync"].is_null() && st["pending"] == 0) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << st;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  status = again.stop(SIGTERM, std::chrono::seconds(30));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_FALSE(server_view("incident", mine["office_incident_id"]).is_null());
  expect_converged({&r});
}

}  // namespace
}  // namespace hse::test
