#include "engine/engine_impl.hpp"
#include "tests/unit/engine/fixture.hpp"

using namespace hse;
using hse::test::EngineTest;
using json = nlohmann::json;

namespace {
std::vector<std::string> names(const json& answer) {
  std::vector<std::string> out;
  for (const auto& r : answer["items"]) out.push_back(r["name"]);
  return out;
}
}  // namespace

class Query : public EngineTest {
 protected:
  const std::string pid = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";
  const std::string active_office = "a1b2c3d4-e5f6-7890-abcd-000000000001";
  const std::string old_office = "a1b2c3d4-e5f6-7890-abcd-000000000002";
  void SetUp() override {
    EngineTest::SetUp();
    server_row("project", {{"project_id", pid}, {"name", "Acme"}, {"country", "IT"}, {"status", "active"}, {"owned_active", true}});
    server_row("office", {{"office_id", active_office}, {"project_id", pid}, {"name", "Rome"}, {"owned_active", true}, {"parent_active", true}});
    server_row("office", {{"office_id", old_office}, {"project_id", pid}, {"name", "Closed site"}, {"owned_active", false}, {"parent_active", true}});
    auto inc = [&](const std::string& name, const std::string& office, const std::string& status, bool active) {
      json row = {{"office_incident_id", (*hse::engine::internals(*engine).state).random->uuid4()}, {"name", name}, {"date_incident", "2026-01-0" + std::to_string(name.size() % 9 + 1)},
                  {"status", status}, {"tenant_id", pid}, {"subtenant_id", office}, {"owned_active", active},
                  {"parent_active", true}};
      if (status == "closed") row["date_closed"] = "2026-02-01";
      server_row("incident", row);
    };
    inc("Fall from ladder", active_office, "open", true);
    inc("Near miss forklift", active_office, "new", true);
    inc("Old archived", active_office, "closed", false);
    inc("Under closed site", old_office, "open", true);
  }
};

TEST_F(Query, HiddenRowsNeedHistory) {
  EXPECT_EQ(names(engine->query("incident", {{"sort", "name"}})),
            (std::vector<std::string>{"Fall from ladder", "Near miss forklift"}));
  json all = engine->query("incident", {{"sort", "name"}, {"history", true}});
  EXPECT_EQ(names(all), (std::vector<std::string>{"Fall from ladder", "Near miss forklift", "Old archived", "Under closed site"}));
  for (const auto& r : all["items"])
    EXPECT_EQ(r["parent_active"], r["subtenant_id"] == active_office) << r.dump();
  EXPECT_EQ(names(engine->query("office", json::object())), std::vector<std::string>{"Rome"});
}

TEST_F(Query, HistoricizingTheParentHidesChildrenWithoutTouchingThem) {
  auto& s = (*hse::engine::internals(*engine).state);
  int64_t versions_before;
  {
    std::lock_guard lock(s.mu);
    versions_before = s.db.raw().execAndGet("SELECT COUNT(*) FROM history WHERE entity='incident'").getInt64();
    s.db.raw().exec("UPDATE e_office SET owned_active = 0 WHERE office_id = '" + active_office + "'");
  }
  EXPECT_TRUE(names(engine->query("incident", json::object())).empty());
  EXPECT_EQ(engine->query("incident", {{"history", true}})["_meta"]["totalCount"], 4);
  {
    std::lock_guard lock(s.mu);
    EXPECT_EQ(s.db.raw().execAndGet("SELECT COUNT(*) FROM history WHERE entity='incident'").getInt64(), versions_before);
  }
  // Historicizing the project hides its offices too.
  {
    std::lock_guard lock(s.mu);
    s.db.raw().exec("UPDATE e_office SET owned_active = 1; UPDATE e_project SET owned_active = 0");
  }
  EXPECT_TRUE(names(engine->query("office", json::object())).empty());
  EXPECT_TRUE(names(engine->query("incident", json::object())).empty());
}

TEST_F(Query, FiltersExactAndSubstring) {
  EXPECT_EQ(names(engine->query("incident", {{"filter", {{"status", "open"}}}})), std::vector<std::string>{"Fall from ladder"});
  EXPECT_EQ(names(engine->query("incident", {{"filter", {{"name", "LADDER"}}}})), std::vector<std::string>{"Fall from ladder"});
  EXPECT_EQ(names(engine->query("incident", {{"filter", {{"name", "%"}}}})), std::vector<std::string>{});
  EXPECT_EQ(engine->query("incident", {{"filter", {{"subtenant_id", old_office}}}, {"history", true}})["_meta"]["totalCount"], 1);
  EXPECT_EQ(engine->query("incident", {{"filter", {{"owned_active", false}}}, {"history", true}})["_meta"]["totalCount"], 1);
}

TEST_F(Query, SortAndPagination) {
  json page1 = engine->query("incident", {{"sort", "-name"}, {"per-page", 3}, {"history", true}});
  EXPECT_EQ(names(page1), (std::vector<std::string>{"Under closed site", "Old archived", "Near miss forklift"}));
  EXPECT_EQ(page1["_meta"], (json{{"totalCount", 4}, {"pageCount", 2}, {"currentPage", 1}, {"perPage", 3}}));
  json page2 = engine->query("incident", {{"sort", "-name"}, {"per-page", 3}, {"page", 2}, {"history", true}});
  EXPECT_EQ(names(page2), std::vector<std::string>{"Fall from ladder"});
  EXPECT_TRUE(engine->query("incident", {{"per-page", 3}, {"page", 3}})["items"].empty());
}

TEST_F(Query, BadBodiesNameTheKey) {
  for (auto [body, key] : std::vector<std::pair<json, std::string>>{
           {{{"sort", "description"}}, "sort"}, {{{"filter", {{"nope", 1}}}}, "filter.nope"}, {{{"per-page", 0}}, "per-page"}}) {
    try {
      engine->query("incident", body);
      ADD_FAILURE() << body.dump();
    } catch (const ValidationError& e) {
      EXPECT_EQ(e.fields().at(0).field, key);
    }
  }
}

TEST_F(Query, GetComputesParentActive) {
  json i = engine->query("incident", {{"filter", {{"name", "closed site"}}}, {"history", true}})["items"][0];
  EXPECT_EQ(engine->get("incident", i["office_incident_id"])->at("parent_active"), false);
}
