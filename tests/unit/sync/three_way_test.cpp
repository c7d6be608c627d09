#include <gtest/gtest.h>

#include "core/error.hpp"
#include "engine/merge/policy.hpp"
#include "engine/merge/three_way.hpp"
#include "engine/store/row_codec.hpp"

using namespace hse;
using namespace hse::engine::merge;
using json = nlohmann::json;

TEST(ThreeWay, TakesEachSidesChangeAndFlagsBoth) {
  const auto& e = schema::entity("incident");
  json base = engine::store::normalize(e, {{"name", "n"}, {"code", "c"}, {"description", "d"}, {"status", "new"}});
  json local = base, remote = base;
  local["name"] = "L";
  remote["code"] = "R";
  local["description"] = "L";
  remote["description"] = "R";
  local["status"] = remote["status"] = "open";  // the same change on both sides is no conflict
  remote["office_name"] = "server computed";
  auto r = three_way(e, base, local, remote);
  EXPECT_EQ(r.row["name"], "L");
  EXPECT_EQ(r.row["code"], "R");
  EXPECT_EQ(r.row["status"], "open");
  EXPECT_EQ(r.row["office_name"], "server computed");
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].field, "description");
  EXPECT_EQ(r.row["description"], "L");
}

TEST(ThreeWay, DiffWritableSkipsReadOnlyAndKey) {
  const auto& e = schema::entity("incident");
  json a = {{"name", "x"}, {"office_name", "a"}, {"office_incident_id", "1"}};
  json b = {{"name", "y"}, {"office_name", "b"}, {"office_incident_id", "2"}};
  EXPECT_EQ(diff_writable(e, a, b), (json{{"name", "x"}}));
}

TEST(Policies, PerEntityAndPerFieldWithClearErrors) {
  PolicyTable t(json{{"incident", {{"*", "manual"}, {"name", "client_wins"}}}, {"office", "server_wins"}});
  EXPECT_EQ(t.for_field("incident", "name"), Policy::client_wins);
  EXPECT_EQ(t.for_field("incident", "code"), Policy::manual);
  EXPECT_EQ(t.for_row("office"), Policy::server_wins);
  EXPECT_EQ(t.for_field("action", "name"), Policy::merge);
  EXPECT_THROW(PolicyTable(json{{"incident", "whatever"}}), hse::Error);
  EXPECT_THROW(PolicyTable(json{{"incident", {{"colour", "manual"}}}}), hse::Error);
  EXPECT_THROW(PolicyTable(json{{"person", "manual"}}), hse::Error);
}
