// Crashes for real (issue 12): the daemon and CLI writers of one replica are killed
// with SIGKILL at random moments, many times over; then the replica must open, pass
// PRAGMA integrity_check, hold every write a writer acknowledged (exit 0), drain its
// journal with no row twice on the server, and equal the server.
// The seed is printed; HSE_CRASH_SEED=<n> replays a run's kill schedule.
#include <sys/wait.h>

#include <cstdlib>
#include <iostream>

#include "tests/integration/sync/fixture.hpp"

namespace hse::test {
namespace {

class Crash : public SyncTest {
 protected:
  static bool exited_ok(int status) { return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

std::string uuid_for(std::mt19937& rng) {
  static const char* hex = "0123456789abcdef";
  std::string s = "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx";
  for (char& c : s)
    if (c == 'x') c = hex[rng() % 16];
  return s;
}

TEST_F(Crash, KilledDaemonAndWritersLoseNothingAcknowledged) {
  unsigned seed = std::random_device{}();
  if (const char* s = std::getenv("HSE_CRASH_SEED")) seed = unsigned(std::stoul(s));
  std::cerr << "HSE_CRASH_SEED=" << seed << "\n";
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return std::chrono::milliseconds(lo + int(rng() % unsigned(hi - lo + 1))); };

  // Rounds back to back (the shortest interval), small pages: a kill lands anywhere in a round.
  Replica r = replica("crash", {"--config", R"({"sync":{"per_page":20,"interval_s":0.05}})"});
  auto [office, project] = active_office();
  std::map<std::string, std::string> acked;    // id -> name the last acknowledged write gave it
  std::map<std::string, std::string> maybe;    // id -> name of a write killed before its answer
  int daemon_kills = 0, writer_kills = 0;

  const auto stop_at = std::chrono::steady_clock::now() + std::chrono::seconds(12);
  for (int i = 0; std::chrono::steady_clock::now() < stop_at; ++i) {
    Process daemon(bin_path("hse-sync"), {"--db", r.path(), "run"});
    const auto kill_daemon_at = std::chrono::steady_clock::now() + pick(30, 500);
    for (int w = 0; w < 3; ++w) {
      std::vector<std::string> args = {"--db", r.path()};
      std::string id, name = "crash " + std::to_string(i) + "." + std::to_string(w);
      // One update per acknowledged row at most, so its expected value is known.
      if (!acked.empty() && rng() % 3 == 0) {
        auto it = std::next(acked.begin(), long(rng() % acked.size()));
        if (maybe.count(it->first) == 0 && it->second.rfind("renamed", 0) != 0) {
          id = it->first;
          name = "renamed " + name;
          args.insert(args.end(), {"update", "incident", id, json{{"name", name}}.dump()});
        }
      }
      if (id.empty()) {
        id = uuid_for(rng);
        args.insert(args.end(), {"create", "incident",
                                 json{{"office_incident_id", id}, {"name", name}, {"date_incident", "2026-11-28"},
                                      {"tenant_id", project}, {"subtenant_id", office}}
                                     .dump()});
      }
      Process writer(bin_path("hse-sync"), args);
      // Often before the write commits, sometimes after: both must be safe.
      std::this_thread::sleep_for(pick(0, 60));
      int status = writer.stop(SIGKILL, std::chrono::seconds(10));
      if (exited_ok(status)) {
        acked[id] = name;
      } else {
        ++writer_kills;
        maybe[id] = name;
      }
    }
    std::this_thread::sleep_until(kill_daemon_at);
    int status = daemon.stop(SIGKILL, std::chrono::seconds(10));
    if (!WIFEXITED(status)) ++daemon_kills;
  }
  std::cerr << acked.size() << " acknowledged writes, " << writer_kills << " writers and " << daemon_kills
            << " daemons killed\n";
  ASSERT_GT(daemon_kills, 5);
  ASSERT_GT(writer_kills, 0);
  ASSERT_GT(acked.size(), 0u);

  EXPECT_EQ(integrity_check(r.path()), "ok");
  // Every acknowledged write is in the replica now, before any further sync.
  for (const auto& [id, name] : acked) {
    auto row = r.get("incident", id);
    ASSERT_TRUE(row) << id << " was acknowledged and is gone";
    if (maybe.count(id) == 0) {
      EXPECT_EQ((*row)["name"], name) << id;
    }
  }
  // The journal drains: a few rounds take up what the killed daemons had in flight.
  for (int round = 0; round < 5 && r.status()["pending"] != 0; ++round) r.run({"sync"});
  EXPECT_EQ(integrity_check(r.path()), "ok");
  for (const auto& [id, name] : acked) {
    json on_server = server_view("incident", id);
    ASSERT_FALSE(on_server.is_null()) << id << " acknowledged but never reached the server";
    if (maybe.count(id) == 0) {
      EXPECT_EQ(on_server["name"], name) << id;
    }
  }
  expect_converged({&r});  // includes: no id listed twice on the server, journal empty
}

}  // namespace
}  // namespace hse::test
