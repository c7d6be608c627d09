// A bootstrap writes the rows new to the replica one INSERT each (pull.cpp's
// PageWriter, apply_new_server_row): after page 1, while the pages bring only new
// rows, and only while the entity has no history and no pending delete. Here that
// path is held to what the general path writes, and to its rules when a row comes
// twice or is deleted here while the scan runs.
#include <gtest/gtest.h>

#include "engine/engine_impl.hpp"
#include "engine/sync/replica_state.hpp"
#include "tests/unit/sync/legacy_hash.hpp"
#include "tests/unit/sync/sync_fixture.hpp"

namespace hse::test {
namespace {

class BootstrapPages : public SyncTest {
 protected:
  // `n` incidents with ids c...00 .. c...nn (key order is list order).
  void put_incidents(int n, const std::string& prefix = "r") {
    for (int i = 0; i < n; ++i) {
      json r = incident_body(prefix + std::to_string(i));
      r["office_incident_id"] = id_of(i);
      r["description"] = i % 3 ? json("plain text") : json("città \"quoted\" \\ \n line");
      server->put("incident", r);
    }
  }
  static std::string id_of(int i) {
    std::string n = std::to_string(i);
    return "c0000000-0000-4000-8000-" + std::string(12 - n.size(), '0') + n;
  }
  // Two incidents per page, two pages per window: page 1, then the path under test.
  std::unique_ptr<engine::Engine> paged(const std::string& name) {
    return open(name, {{"remote", {{"url", "fake://"}}}, {"sync", {{"per_page", 2}, {"concurrency", 1}}}});
  }
  static engine::sync::ReplicaState& state(engine::Engine& e) { return *engine::internals(e).state; }
};

TEST_F(BootstrapPages, WritesWhatTheGeneralPathWrites) {
  put_incidents(25);
  auto many = paged("many");          // pages of 2: from page 2 on, one INSERT a row
  auto one = open("one");             // one page of 500: the general path only
  json r1 = sync_ok(*many), r2 = sync_ok(*one);
  EXPECT_EQ(r1["stats"]["pulled"], r2["stats"]["pulled"]);
  EXPECT_EQ(r1["stats"]["pulled"].get<int>(), 25 + 2);  // and the project and the office
  expect_converged(*many);
  const auto& e = schema::entity("incident");
  for (int i = 0; i < 25; ++i) {
    const std::string id = id_of(i);
    EXPECT_EQ(*many->get("incident", id), *one->get("incident", id)) << id;
    auto m1 = state(*many).replica.meta(e, id), m2 = state(*one).replica.meta(e, id);
    ASSERT_TRUE(m1 && m2);
    EXPECT_EQ(m1->base_hash, m2->base_hash) << id;
    EXPECT_EQ(m1->base_hash, engine::store::content_hash(e, *server->row("incident", id))) << id;
    EXPECT_EQ(m1->version, 1);
    EXPECT_EQ(m1->state, engine::store::SyncState::synced);
    EXPECT_FALSE(m1->journal_seq);
    auto h = many->history("incident", id);
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0].version, 1);
    EXPECT_EQ(h[0].op, "create");
    EXPECT_EQ(h[0].origin, "pull");
    EXPECT_FALSE(h[0].valid_to);
  }
  // And the next round finds every row unchanged.
  json again = sync_ok(*many);
  EXPECT_EQ(again["stats"]["pulled"], 0);
  EXPECT_EQ(again["stats"]["unchanged"], 27);
}

// A row created on the server during the scan, ahead of the pages still to come, shifts
// them: the last row of a page comes again at the start of the next. The INSERT finds
// its key taken and the row goes the general way (unchanged), written once.
TEST_F(BootstrapPages, ARowListedTwiceIsWrittenOnce) {
  put_incidents(20);
  int lists = 0;
  server->on_call = [&](const std::string& op, const std::string& entity, const std::string&) {
    if (op == "list" && entity == "incident" && ++lists == 4) {
      json r = incident_body("early");
      r["office_incident_id"] = "a0000000-0000-4000-8000-000000000000";  // before every other id
      server->put("incident", r);
    }
  };
  auto many = paged("many");
  json report = sync_ok(*many);
  server->on_call = nullptr;
  // Pages 4 on start one row later: page 4 repeats row 5, and row 19 moved past the
  // last page the scan fetched (the next round has it).
  EXPECT_EQ(report["stats"]["unchanged"].get<int>(), 1);
  EXPECT_EQ(report["stats"]["pulled"].get<int>(), 19 + 2);
  for (int i = 0; i < 19; ++i) EXPECT_EQ(many->history("incident", id_of(i)).size(), 1u) << i;
  sync_ok(*many);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(many->history("incident", id_of(i)).size(), 1u) << i;
  expect_converged(*many);
}

// A row deleted here while the scan runs, listed by a later page: the delete is the
// push's to decide, so the pull must not write the row back (the general path's
// pending-delete rule). The tombstone turns the one-INSERT path off.
TEST_F(BootstrapPages, ARowDeletedHereDuringTheScanIsNotWrittenBack) {
  const std::string last = "f0000000-0000-4000-8000-000000000000";  // on the last page
  json x = incident_body("deleted here");
  x["office_incident_id"] = last;
  server->put("incident", x);
  auto many = paged("many");
  sync_ok(*many);
  put_incidents(20);  // new rows, all listed before `last`
  bool deleted = false;
  server->on_call = [&](const std::string& op, const std::string& entity, const std::string&) {
    if (op == "list" && entity == "incident" && !deleted) {
      deleted = true;
      many->remove("incident", last);
    }
  };
  // The delete is made during the pull's first list of incidents (page 1).
  json report = sync_ok(*many);
  server->on_call = nullptr;
  ASSERT_TRUE(deleted);
  EXPECT_FALSE(many->get("incident", last));
  // A write made during the pull goes out in the same round.
  EXPECT_FALSE(server->row("incident", last));
  EXPECT_TRUE(many->journal().empty());
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(many->get("incident", id_of(i))) << i;
  sync_ok(*many);
  expect_converged(*many);
}

// A replica made before the hash had its marker holds FNV-1a hashes (16 hex digits).
// A re-sync still finds those rows unchanged: nothing rewritten, no version added;
// a row the server changed is written, under the new form.
TEST_F(BootstrapPages, AnOlderFormOfTheHashStillMeansUnchanged) {
  put_incidents(4);
  auto replica = open("older");
  sync_ok(*replica);
  const auto& e = schema::entity("incident");
  auto& st = state(*replica);
  for (int i = 0; i < 4; ++i) {
    auto m = st.replica.meta(e, id_of(i));
    ASSERT_TRUE(m && m->base_hash && m->base_hash->front() == 'm');
    m->base_hash = legacy_hash(e, *server->row("incident", id_of(i)));
    st.replica.set_meta(e, id_of(i), *m);
  }
  json changed = *server->row("incident", id_of(3));
  changed["description"] = "changed on the server";
  server->put("incident", changed);
  json report = sync_ok(*replica);
  EXPECT_EQ(report["stats"]["pulled"].get<int>(), 1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(replica->history("incident", id_of(i)).size(), 1u) << i;
    EXPECT_EQ(st.replica.meta(e, id_of(i))->base_hash->size(), 16u) << i;  // left as it was
  }
  EXPECT_EQ(replica->history("incident", id_of(3)).size(), 2u);
  EXPECT_EQ(*st.replica.meta(e, id_of(3))->base_hash, engine::store::content_hash(e, changed));
  EXPECT_EQ((*replica->get("incident", id_of(3)))["description"], "changed on the server");
}

}  // namespace
}  // namespace hse::test
