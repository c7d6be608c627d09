#include <SQLiteCpp/Statement.h>

#include "engine/engine_impl.hpp"
#include "tests/unit/engine/fixture.hpp"

using namespace hse;
using hse::test::EngineTest;
using engine::journal::Op;
using json = nlohmann::json;

class Collapse : public EngineTest {
 protected:
  const std::string pid = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";
  void SetUp() override {
    EngineTest::SetUp();
    server_row("project", {{"project_id", pid}, {"name", "Acme"}, {"country", "IT"}, {"status", "active"}});
  }
};

TEST_F(Collapse, CreateThenUpdateIsOneCreate) {
  json p = project("Draft");
  engine->update("project", p["project_id"], {{"name", "Final"}});
  engine->update("project", p["project_id"], {{"description", "two edits"}});
  auto j = engine->journal();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].op, Op::create);
  EXPECT_EQ(engine->get("project", p["project_id"])->at("name"), "Final");
}

TEST_F(Collapse, CreateThenDeleteLeavesNothingPendingButHistoryKeepsBoth) {
  json p = project("Short-lived");
  engine->remove("project", p["project_id"]);
  EXPECT_TRUE(engine->journal().empty());
  auto h = engine->history("project", p["project_id"]);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].op, "create");
  EXPECT_EQ(h[0].row["name"], "Short-lived");
  EXPECT_EQ(h[1].op, "delete");
}

TEST_F(Collapse, UpdateThenUpdateMergesPatches) {
  engine->update("project", pid, {{"name", "Acme 2"}});
  engine->update("project", pid, {{"description", "d"}});
  engine->update("project", pid, {{"name", "Acme 3"}});
  auto j = engine->journal();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].op, Op::update);
  EXPECT_EQ(j[0].patch, (json{{"name", "Acme 3"}, {"description", "d"}}));
}

TEST_F(Collapse, UpdateThenDeleteIsDelete) {
  engine->update("project", pid, {{"name", "Acme 2"}});
  engine->remove("project", pid);
  auto j = engine->journal();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].op, Op::remove);
  EXPECT_TRUE(j[0].patch.is_null());
}

TEST_F(Collapse, AnInFlightEntryIsNeverCollapsedInto) {
  engine->update("project", pid, {{"name", "Acme 2"}});
  auto& s = (*hse::engine::internals(*engine).state);
  int64_t seq = engine->journal()[0].seq;
  {
    std::lock_guard lock(s.mu);
    s.journal.set_state(seq, engine::journal::State::in_flight);
  }
  engine->update("project", pid, {{"description", "typed during the push"}});
  auto j = engine->journal();
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0].patch, (json{{"name", "Acme 2"}}));
  EXPECT_EQ(j[1].patch, (json{{"description", "typed during the push"}}));
  EXPECT_GT(j[1].seq, j[0].seq);
}

TEST_F(Collapse, ANoChangeUpdateJournalsNothing) {
  engine->update("project", pid, {{"name", "Acme"}});
  EXPECT_TRUE(engine->journal().empty());
  EXPECT_EQ(engine->history("project", pid).size(), 1u);
}

TEST_F(Collapse, FirstLocalEditKeepsTheServerVersionAsBase) {
  engine->update("project", pid, {{"name", "Mine"}});
  auto& s = (*hse::engine::internals(*engine).state);
  std::lock_guard lock(s.mu);
  auto base = s.replica.base(schema::entity("project"), pid);
  ASSERT_TRUE(base);
  EXPECT_EQ((*base)["name"], "Acme");
}

TEST_F(Collapse, EntriesFollowCausalOrder) {
  json p = project("P");
  json o = office(p);
  json i = incident(o);
  auto j = engine->journal();
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0].entity, "project");
  EXPECT_EQ(j[1].entity, "office");
  EXPECT_EQ(j[2].entity, "incident");
  EXPECT_LT(j[0].seq, j[1].seq);
  EXPECT_LT(j[1].seq, j[2].seq);
}

TEST_F(Collapse, StatusCountsPendingEntries) {
  json st = engine->status();
  EXPECT_EQ(st["pending"], 0);
  EXPECT_TRUE(st["last_sync"].is_null());
  project("A");
  engine->update("project", pid, {{"name", "B"}});
  st = engine->status();
  EXPECT_EQ(st["pending"], 2);
  EXPECT_EQ(st["conflicts"], 0);
  EXPECT_EQ(st["rejected"], 0);
}

// A local create's entry is found through its row (migrations.cpp v7), and by the
// journal's index by row once the row no longer names it.
class ByRow : public EngineTest {
 protected:
  engine::sync::ReplicaState& s() { return *hse::engine::internals(*engine).state; }
  std::vector<int64_t> seqs_of(const std::string& entity, const std::string& id) {
    std::lock_guard lock(s().mu);
    std::vector<int64_t> out;
    for (const auto& e : s().journal.list({.entity = entity, .id = id})) out.push_back(e.seq);
    return out;
  }
  int indexed(int64_t seq) {
    std::lock_guard lock(s().mu);
    SQLite::Statement st(s().db.raw(), "SELECT indexed FROM journal WHERE seq = ?");
    st.bind(1, seq);
    return st.executeStep() ? st.getColumn(0).getInt() : -1;
  }
  void in_flight(int64_t seq) {
    std::lock_guard lock(s().mu);
    s().journal.set_state(seq, engine::journal::State::in_flight);
  }
};

TEST_F(ByRow, ACreateIsFoundThroughItsRowOutsideTheIndex) {
  json p = project("Draft");
  const std::string id = p["project_id"];
  const int64_t seq = engine->journal()[0].seq;
  EXPECT_EQ(indexed(seq), 0);
  EXPECT_EQ(seqs_of("project", id), std::vector<int64_t>{seq});
  EXPECT_TRUE(seqs_of("office", id).empty());
  {
    std::lock_guard lock(s().mu);
    EXPECT_EQ(s().journal.list({.id = id}).size(), 1u);
    s().journal.erase_row("project", id);
  }
  EXPECT_TRUE(seqs_of("project", id).empty());
  EXPECT_TRUE(engine->journal().empty());
}

TEST_F(ByRow, ACreateInFlightThenEditedIsIndexedAndStillFound) {
  json p = project("Draft");
  const std::string id = p["project_id"];
  const int64_t create = engine->journal()[0].seq;
  in_flight(create);
  engine->update("project", id, {{"name", "Final"}});
  auto j = engine->journal();
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(indexed(create), 1);
  EXPECT_EQ(seqs_of("project", id), (std::vector<int64_t>{create, j[1].seq}));
  {
    std::lock_guard lock(s().mu);
    s().journal.erase_row("project", id);
  }
  EXPECT_TRUE(engine->journal().empty());
}

TEST_F(ByRow, ACreateInFlightWhoseRowIsDeletedIsIndexedAndStillFound) {
  json p = project("Draft");
  const std::string id = p["project_id"];
  const int64_t create = engine->journal()[0].seq;
  in_flight(create);
  engine->remove("project", id);
  auto j = engine->journal();
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1].op, Op::remove);
  EXPECT_EQ(indexed(create), 1);
  EXPECT_EQ(seqs_of("project", id), (std::vector<int64_t>{create, j[1].seq}));
}

TEST_F(ByRow, ACreateRenamedWithItsRowOrAloneIsStillFound) {
  json p = project("Draft");
  const std::string local = p["project_id"];
  const int64_t create = engine->journal()[0].seq;
  const std::string server = "d1e2f3a4-0000-4000-8000-00000000beef";
  {
    std::lock_guard lock(s().mu);
    s().ids.remap(schema::entity("project"), local, server, {create, create}, 5);
  }
  EXPECT_EQ(indexed(create), 1);
  EXPECT_EQ(seqs_of("project", server), std::vector<int64_t>{create});
  EXPECT_TRUE(seqs_of("project", local).empty());

  // An entry renamed while its row keeps its id: the row no longer finds it.
  json q = project("Other");
  const int64_t other = engine->journal()[1].seq;
  EXPECT_EQ(indexed(other), 0);
  {
    std::lock_guard lock(s().mu);
    SQLite::Statement rename(s().db.raw(), "UPDATE journal SET id = 'renamed-alone' WHERE seq = ?");
    rename.bind(1, other);
    rename.exec();
  }
  EXPECT_EQ(indexed(other), 1);
  EXPECT_EQ(seqs_of("project", "renamed-alone"), std::vector<int64_t>{other});
}
