#include "engine/engine.hpp"
#include "core/ids.hpp"

#include "tests/unit/engine/fixture.hpp"

using namespace hse;
using hse::test::EngineTest;
using json = nlohmann::json;

namespace {

// Runs `write`, expects a ValidationError naming exactly `fields`, and that nothing was written.
template <class Fn>
void expect_refused(EngineTest* t, std::function<int64_t()> count, Fn write, std::vector<std::string> fields) {
  int64_t before = count();
  try {
    write();
    ADD_FAILURE() << "write was accepted";
  } catch (const ValidationError& e) {
    std::vector<std::string> got;
    for (const auto& f : e.fields()) got.push_back(f.field);
    EXPECT_EQ(got, fields);
  }
  EXPECT_EQ(count(), before) << "a refused write changed the replica";
}

}  // namespace

class LocalWrites : public EngineTest {
 protected:
  // Rows + journal entries + history versions: a refused write must change none.
  int64_t footprint() { return count_rows("e_project") + count_rows("e_office") + count_rows("e_incident") +
                               count_rows("e_action") + count_rows("journal") + count_rows("history"); }
};

TEST_F(LocalWrites, CreateAppliesDefaultsAndGeneratesAUuid) {
  json p = project();
  EXPECT_TRUE(is_uuid(p["project_id"].get<std::string>()));
  EXPECT_EQ(p["status"], "active");
  EXPECT_EQ(p["project_type"], "safety");
  json o = office(p);
  json i = incident(o);
  EXPECT_EQ(i["status"], "new");
  EXPECT_EQ(engine->get("incident", i["office_incident_id"])->at("name"), "Slip on wet floor");
}

TEST_F(LocalWrites, SuppliedIdIsKeptAndADuplicateIsAConflict) {
  const std::string id = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";
  json p = engine->create("project", {{"project_id", id}, {"name", "Acme"}, {"country", "IT"}});
  EXPECT_EQ(p["project_id"], id);
  try {
    engine->create("project", {{"project_id", id}, {"name", "Other"}, {"country", "DE"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::conflict);
    EXPECT_EQ(fields_of(e), std::vector<std::string>{"project_id"});
  }
}

TEST_F(LocalWrites, RequiredMaxLengthEnumAndCountryAreRefusedWithFieldNames) {
  auto count = [this] { return footprint(); };
  expect_refused(this, count, [&] { engine->create("project", {{"name", std::string(51, 'x')}, {"country", "ITA"}}); },
                 {"name", "country"});
  expect_refused(this, count, [&] { engine->create("project", {{"country", "I1"}}); }, {"name", "country"});
  json p = project();
  json o = office(p);
  expect_refused(this, count,
                 [&] {
                   engine->create("incident", {{"name", "x"}, {"date_incident", "2026-01-01"}, {"category", "FIRE"},
                                               {"tenant_id", p["project_id"]}, {"subtenant_id", o["office_id"]}});
                 },
                 {"category"});
  expect_refused(this, count, [&] { engine->create("action", {{"name", "x"}}); },
                 {"action_type", "subtenant_id", "tenant_id"});
}

TEST_F(LocalWrites, ReadOnlyFieldsAreRefused) {
  json p = project();
  json o = office(p);
  auto count = [this] { return footprint(); };
  expect_refused(this, count, [&] { engine->update("office", o["office_id"], {{"project_name", "X"}}); },
                 {"project_name"});
  expect_refused(this, count, [&] { engine->update("office", o["office_id"], {{"owned_active", false}}); },
                 {"owned_active"});
}

TEST_F(LocalWrites, OfficeNameIsUniqueWithinItsProject) {
  json p1 = project("A"), p2 = project("B");
  json o = office(p1, "Rome");
  auto count = [this] { return footprint(); };
  expect_refused(this, count, [&] { office(p1, "Rome"); }, {"name"});
  EXPECT_NO_THROW(office(p2, "Rome"));
  json other = office(p1, "Milan");
  expect_refused(this, count, [&] { engine->update("office", other["office_id"], {{"name", "Rome"}}); }, {"name"});
  EXPECT_NO_THROW(engine->update("office", o["office_id"], {{"name", "Rome"}, {"locality", "Roma"}}));
}

TEST_F(LocalWrites, ActionTypeNeverChanges) {
  json o = office(project());
  json a = action(o);
  auto count = [this] { return footprint(); };
  expect_refused(this, count, [&] { engine->update("action", a["action_id"], {{"action_type", "HEALTH"}}); },
                 {"action_type"});
}

TEST_F(LocalWrites, ClosedIncidentNeedsDateClosed) {
  json i = incident(office(project()));
  auto count = [this] { return footprint(); };
  expect_refused(this, count, [&] { engine->update("incident", i["office_incident_id"], {{"status", "closed"}}); },
                 {"date_closed"});
  json closed = engine->update("incident", i["office_incident_id"], {{"status", "closed"}, {"date_closed", "2026-03-09"}});
  EXPECT_EQ(closed["status"], "closed");
}

TEST_F(LocalWrites, TenantIsTheOfficesProjectAndParentsMustExist) {
  json p1 = project("A"), p2 = project("B");
  json o = office(p1);
  auto count = [this] { return footprint(); };
  expect_refused(this, count,
                 [&] {
                   engine->create("incident", {{"name", "x"}, {"date_incident", "2026-01-01"},
                                               {"tenant_id", p2["project_id"]}, {"subtenant_id", o["office_id"]}});
                 },
                 {"tenant_id"});
  expect_refused(this, count,
                 [&] {
                   engine->create("action", {{"name", "x"}, {"action_type", "CHECK"}, {"tenant_id", p1["project_id"]},
                                             {"subtenant_id", "00000000-0000-4000-8000-000000000000"}});
                 },
                 {"subtenant_id"});
  expect_refused(this, count,
                 [&] { engine->create("office", {{"name", "x"}, {"project_id", "00000000-0000-4000-8000-000000000000"}}); },
                 {"project_id"});
}

TEST_F(LocalWrites, EveryFaultyFieldIsNamedAtOnce) {
  json o = office(project());
  try {
    engine->create("incident", {{"name", std::string(300, 'n')}, {"date_incident", "yesterday"}, {"status", "closed"},
                                {"office_name", "x"}, {"tenant_id", o["project_id"]}, {"subtenant_id", o["office_id"]}});
    FAIL();
  } catch (const ValidationError& e) {
    EXPECT_EQ(fields_of(e), (std::vector<std::string>{"name", "date_incident", "date_closed", "office_name"}));
  }
}

TEST_F(LocalWrites, UnknownEntityAndMissingRows) {
  try {
    engine->create("person", {{"name", "x"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::invalid);
  }
  try {
    engine->update("project", "00000000-0000-4000-8000-000000000000", {{"name", "x"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::not_found);
  }
  EXPECT_FALSE(engine->get("project", "00000000-0000-4000-8000-000000000000"));
}

TEST_F(LocalWrites, DeletingAParentNeedsCascade) {
  json p = project();
  json o = office(p);
  json i = incident(o);
  json a = action(o);
  try {
    engine->remove("office", o["office_id"]);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::conflict);
    EXPECT_NE(std::string(e.what()).find("incident"), std::string::npos);
  }
  EXPECT_TRUE(engine->get("incident", i["office_incident_id"]));
  engine->remove("project", p["project_id"], true);
  EXPECT_FALSE(engine->get("office", o["office_id"]));
  EXPECT_FALSE(engine->get("incident", i["office_incident_id"]));
  EXPECT_FALSE(engine->get("action", a["action_id"]));
  // Everything was created offline: create + delete leaves nothing to push.
  EXPECT_TRUE(engine->journal().empty());
}

TEST_F(LocalWrites, CascadeOfSyncedRowsJournalsOneForcedDelete) {
  const std::string pid = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01", oid = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
  server_row("project", {{"project_id", pid}, {"name", "Acme"}, {"country", "IT"}, {"status", "active"}});
  server_row("office", {{"office_id", oid}, {"project_id", pid}, {"name", "Rome"}, {"owned_active", true}});
  json i = incident(json{{"office_id", oid}, {"project_id", pid}});
  engine->remove("office", oid, true);
  auto j = engine->journal();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].op, engine::journal::Op::remove);
  EXPECT_EQ(j[0].id, oid);
  EXPECT_TRUE(j[0].cascade);
  EXPECT_FALSE(engine->get("incident", i["office_incident_id"]));
}

TEST_F(LocalWrites, CreateManyIsAllOrNothingAndNamesTheItem) {
  json o = office(project());
  auto body = [&](const std::string& name) {
    return json{{"name", name}, {"date_incident", "2026-03-01"}, {"tenant_id", o["project_id"]}, {"subtenant_id", o["office_id"]}};
  };
  int64_t before = footprint();
  try {
    engine->create_many("incident", {body("a"), body("b"), body("")});
    FAIL();
  } catch (const ValidationError& e) {
    EXPECT_EQ(fields_of(e), std::vector<std::string>{"[2].name"});
  }
  EXPECT_EQ(footprint(), before);
  EXPECT_EQ(engine->create_many("incident", {body("a"), body("b")}).size(), 2u);
  EXPECT_EQ(engine->query("incident", json::object())["_meta"]["totalCount"], 2);
}

// create_many leaves a taken id to the row's insert when the entity has no history and
// no pending delete (CreateBatch): a live row's id, or one taken earlier in the batch,
// is still a conflict naming the item, reported before the item's field errors, and
// nothing of the batch stays. With a tombstone, a re-created id continues its versions.
TEST_F(LocalWrites, CreateManyFindsATakenIdWithoutProbingIt) {
  json o = office(project());
  const std::string taken = "c0ffee00-3fc9-4e2a-9d1a-6e5b4c8f7a01", fresh = "c0ffee01-3fc9-4e2a-9d1a-6e5b4c8f7a01";
  auto body = [&](const std::string& id, const std::string& name) {
    return json{{"office_incident_id", id}, {"name", name}, {"date_incident", "2026-03-01"},
                {"tenant_id", o["project_id"]}, {"subtenant_id", o["office_id"]}};
  };
  engine->create("incident", body(taken, "first"));
  const int64_t before = footprint();
  auto refused = [&](const std::vector<json>& bodies) -> Error {
    try {
      engine->create_many("incident", bodies);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "created";
    return Error(Code::ok, "");
  };
  Error live = refused({body(fresh, "a"), body(taken, "b")});
  EXPECT_EQ(live.code(), Code::conflict);
  EXPECT_EQ(fields_of(live), std::vector<std::string>{"[1].office_incident_id"});
  Error twice = refused({body(fresh, "a"), body(fresh, "b")});
  EXPECT_EQ(twice.code(), Code::conflict);
  EXPECT_EQ(fields_of(twice), std::vector<std::string>{"[1].office_incident_id"});
  Error both = refused({body(taken, "")});  // a blank name too: the taken id goes first
  EXPECT_EQ(both.code(), Code::conflict);
  EXPECT_EQ(footprint(), before);
  EXPECT_FALSE(engine->get("incident", fresh));

  // Deleted here (synced first, so the delete is pending): a pending delete holds the id.
  auto& s = *hse::engine::internals(*engine).state;
  {
    std::lock_guard lock(s.mu);
    s.journal.erase_row("incident", taken);
    auto m = *s.replica.meta(schema::entity("incident"), taken);
    m.state = engine::store::SyncState::synced;
    m.journal_seq.reset();
    m.base_hash = "pushed";
    s.replica.set_meta(schema::entity("incident"), taken, m);
  }
  engine->remove("incident", taken);
  EXPECT_EQ(refused({body(fresh, "a"), body(taken, "b")}).code(), Code::conflict);
  // Once the delete is pushed, the id may be created again, after its tombstone.
  {
    std::lock_guard lock(s.mu);
    s.journal.erase(*s.journal.pending_delete("incident", taken));
  }
  ASSERT_EQ(engine->create_many("incident", {body(fresh, "a"), body(taken, "again")}).size(), 2u);
  auto h = engine->history("incident", taken);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].op, "delete");
  EXPECT_EQ(h[2].op, "create");
  EXPECT_EQ(h[2].version, h[1].version + 1);
}
