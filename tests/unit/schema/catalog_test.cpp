#include <gtest/gtest.h>

#include "schema/catalog.hpp"
#include "core/error.hpp"

#include <algorithm>

using namespace hse::schema;

TEST(Catalog, EntitiesComeParentsFirst) {
  std::vector<std::string> names;
  for (const auto& e : entities()) names.push_back(e.name);
  auto pos = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  for (const auto& e : entities()) {
    if (!e.parent.empty()) { EXPECT_LT(pos(e.parent), pos(e.name)) << e.name; }
    for (const auto& f : e.fields)
      if (!f.references.empty()) {
        EXPECT_LT(pos(f.references), pos(e.name)) << e.name << "." << f.name;
      }
  }
}

// 4HSE keys are UUIDs the client may choose; status-page keys are the server's
// (text in the replica, never written by the app).
TEST(Catalog, EveryEntityHasItsKeyAsAUuidOrServerAssignedField) {
  for (const auto& e : entities()) {
    const Field* key = e.field(e.key);
    ASSERT_NE(key, nullptr) << e.name;
    if (e.server_assigned_ids) {
      EXPECT_EQ(key->type, Type::string) << e.name;
      EXPECT_TRUE(key->read_only) << e.name;
      EXPECT_EQ(e.remote, "statuspage") << e.name;
    } else {
      EXPECT_EQ(key->type, Type::uuid) << e.name;
      EXPECT_FALSE(key->read_only) << e.name;
    }
  }
}

TEST(Catalog, StatusPageEntities) {
  const Entity& inc = entity("statuspage_incident");
  EXPECT_EQ(inc.recovery_field, "external_reference");
  EXPECT_FALSE(inc.field("status")->in_create);
  EXPECT_TRUE(inc.field("start_impact_date")->in_create);
  EXPECT_EQ(inc.field("start_impact_date")->type, Type::datetime);
  EXPECT_EQ(inc.field("severity")->values, (std::vector<std::string>{"critical", "high", "moderate", "low", "minor"}));
  const Entity& c = entity("statuspage_comment");
  EXPECT_TRUE(c.append_only);
  EXPECT_EQ(c.parent, "statuspage_incident");
  EXPECT_EQ(c.field("incident")->references, "statuspage_incident");
}

TEST(Catalog, DocumentedFlags) {
  EXPECT_TRUE(entity("action").field("action_type")->immutable);
  EXPECT_TRUE(entity("action").field("countToDo")->read_only);
  EXPECT_TRUE(entity("office").field("project_name")->read_only);
  EXPECT_EQ(entity("project").field("name")->max_length, 50);
  EXPECT_EQ(entity("project").field("country")->max_length, 2);
  EXPECT_EQ(entity("office").field("region")->max_length, 10);
  EXPECT_EQ(entity("incident").field("status")->values, (std::vector<std::string>{"new", "open", "closed"}));
  EXPECT_EQ(entity("office").parent_field, "project_id");
  EXPECT_EQ(entity("incident").parent_field, "subtenant_id");
  EXPECT_TRUE(entity("incident").field("date_incident")->required);
  EXPECT_TRUE(entity("office").field("name")->sort);
  EXPECT_FALSE(entity("office").field("description")->sort);
}

TEST(Catalog, UnknownEntityIsAnInvalidError) {
  try {
    entity("person");
    FAIL();
  } catch (const hse::Error& e) {
    EXPECT_EQ(e.code(), hse::Code::invalid);
    EXPECT_NE(std::string(e.what()).find("person"), std::string::npos);
  }
}
