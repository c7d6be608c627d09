// Which commits wait for the disk (docs/CONFIG.md "durability"): a local write, always
// (with durability "full"); a round's pulled pages and push answers, never, since the
// next round rebuilds them from the server. Observed as the synchronous level SQLite
// holds at each COMMIT, traced on the engine's own connection.
#include <sqlite3.h>

#include <mutex>

#include "engine/engine_impl.hpp"
#include "tests/unit/sync/sync_fixture.hpp"

using namespace hse;
using hse::test::SyncTest;
using json = nlohmann::json;

namespace {

// Inside a transaction, the level its COMMIT will use.
int level_in(engine::store::Database& db, engine::store::Commit commit) {
  engine::store::WriteTransaction tx(db, commit);
  int level = db.raw().execAndGet("PRAGMA synchronous").getInt();
  tx.commit();
  return level;
}

constexpr int kNormal = 1, kFull = 2;

// Every COMMIT on a connection, with the synchronous level set last before it.
struct CommitLog {
  std::mutex mu;
  int level = kFull;
  std::vector<int> levels;
  static int trace(unsigned, void* self, void*, void* sql_text) {
    auto* log = static_cast<CommitLog*>(self);
    std::string sql = static_cast<const char*>(sql_text);
    std::lock_guard lock(log->mu);
    if (sql == "PRAGMA synchronous=FULL") log->level = kFull;
    if (sql == "PRAGMA synchronous=NORMAL") log->level = kNormal;
    if (sql == "COMMIT") log->levels.push_back(log->level);
    return 0;
  }
  std::vector<int> take() {
    std::lock_guard lock(mu);
    return std::exchange(levels, {});
  }
};

}  // namespace

TEST(Durability, EachCommitGetsTheLevelItAsksFor) {
  engine::store::Database db(":memory:");
  using engine::store::Commit;
  EXPECT_EQ(level_in(db, Commit::durable), kFull);
  EXPECT_EQ(level_in(db, Commit::relaxed), kNormal);
  EXPECT_EQ(level_in(db, Commit::durable), kFull);  // back to FULL after a relaxed one
  db.set_synchronous_full(false);                   // "durability": "normal"
  EXPECT_EQ(level_in(db, Commit::durable), kNormal);
  EXPECT_EQ(level_in(db, Commit::relaxed), kNormal);
  db.set_synchronous_full(true);
  EXPECT_EQ(level_in(db, Commit::relaxed), kNormal);
  EXPECT_EQ(level_in(db, Commit::durable), kFull);
}

TEST_F(SyncTest, LocalWritesWaitForTheDiskAndARoundsPagesDoNot) {
  auto& s = *engine::internals(*a).state;
  CommitLog log;
  sqlite3_trace_v2(s.db.raw().getHandle(), SQLITE_TRACE_STMT, &CommitLog::trace, &log);

  sync_ok(*a);  // pulls the project and the office
  std::vector<int> round = log.take();
  ASSERT_FALSE(round.empty());
  EXPECT_EQ(std::count(round.begin(), round.end(), kNormal), long(round.size())) << "a pull-only round";

  a->create("incident", incident_body("after the round"));
  EXPECT_EQ(log.take(), std::vector<int>{kFull}) << "a local write";

  // The push: a create keyed by the client commits its mark and its answer relaxed
  // (sent again, its 409 finds the row); an update marks itself durably in flight,
  // since its retry trusts the fields it records as sent.
  sync_ok(*a);
  std::vector<int> push_round = log.take();
  EXPECT_EQ(std::count(push_round.begin(), push_round.end(), kFull), 0L);
  a->update("office", oid, {{"name", "Rome North (moved)"}});
  EXPECT_EQ(log.take(), std::vector<int>{kFull});
  sync_ok(*a);
  std::vector<int> update_round = log.take();
  EXPECT_EQ(std::count(update_round.begin(), update_round.end(), kFull), 1L) << "the update's in-flight mark";

  sqlite3_trace_v2(s.db.raw().getHandle(), 0, nullptr, nullptr);
  expect_converged(*a);
}
