// Every validation rule as a client sees it: 422 with the list of fields at fault, and
// nothing written. The rules themselves live in the catalog; this checks that the
// server applies each of them.
#include <gtest/gtest.h>

#include "tests/integration/emulator/fixture.hpp"

namespace hse::test {
namespace {

using Fields = std::vector<std::string>;

const std::string kValidationProject = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
const std::string kOtherProject = "2c5f39cb-3fa2-42d3-994f-1127e4ddb538";
const std::string kOffice = "6fa459ea-ee8a-4ca4-894e-db77e160355e";
const std::string kMissing = "00000000-0000-4000-8000-000000000000";

class ValidationTest : public EmulatorTest {
 protected:
  std::vector<std::string> options() override { return {}; }
  void SetUp() override {
    EmulatorTest::SetUp();
    created("project", {{"project_id", kValidationProject}, {"name", "Acme"}, {"country", "IT"}});
    created("project", {{"project_id", kOtherProject}, {"name", "Other"}, {"country", "DE"}});
    created("office", {{"office_id", kOffice}, {"project_id", kValidationProject}, {"name", "Rome"}});
  }
  // Creates `body` as `entity`, expects 422 naming exactly `fields`, and no new row.
  void refused(const std::string& entity, const json& body, const Fields& fields) {
    size_t before = all(entity).size();
    auto r = create(entity, body);
    EXPECT_EQ(r.status, 422) << body;
    if (r.status == 422) {
      EXPECT_EQ(fields_of(r), fields) << r.body;
      for (const auto& e : parse(r)) EXPECT_FALSE(e["message"].get<std::string>().empty());
    }
    EXPECT_EQ(all(entity).size(), before);
  }
  json action(json extra = json::object()) {
    json a = {{"action_type", "CHECK"}, {"name", "Scaffold check"}, {"subtenant_id", kOffice}, {"tenant_id", kValidationProject}};
    a.update(extra);
    return a;
  }
  json incident(json extra = json::object()) {
    json i = {{"name", "Near miss"}, {"date_incident", "2024-05-02"}, {"subtenant_id", kOffice}, {"tenant_id", kValidationProject}};
    i.update(extra);
    return i;
  }
};

TEST_F(ValidationTest, ProjectRules) {
  refused("project", json::object(), {"name", "country"});
  refused("project", {{"name", std::string(51, 'x')}, {"country", "IT"}}, {"name"});
  refused("project", {{"name", "A"}, {"country", "ITA"}}, {"country"});
  refused("project", {{"name", "A"}, {"country", "1T"}}, {"country"});
  refused("project", {{"name", "A"}, {"country", "IT"}, {"status", "closed"}}, {"status"});
  refused("project", {{"name", "A"}, {"country", "IT"}, {"project_type", "demo"}}, {"project_type"});
  refused("project", {{"name", "A"}, {"country", "IT"}, {"icon", "ftp://x/y.png"}}, {"icon"});
  refused("project", {{"name", "A"}, {"country", "IT"}, {"npeople", "many"}}, {"npeople"});
  refused("project", {{"name", "A"}, {"country", "IT"}, {"customer_id", "not-a-uuid"}}, {"customer_id"});
  refused("project", {{"name", "A"}, {"country", "IT"}, {"data", "text"}}, {"data"});
  refused("project", {{"name", "A"}, {"country", "IT"}, {"colour", "red"}}, {"colour"});
  refused("project", {{"project_id", "12"}, {"name", "A"}, {"country", "IT"}}, {"project_id"});
  auto r = client().post("/v2/project/create", "[1]");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(fields_of(r), Fields{"body"});
}

TEST_F(ValidationTest, OfficeRules) {
  refused("office", {{"name", "Milan"}}, {"project_id"});
  refused("office", {{"project_id", kMissing}, {"name", "Milan"}}, {"project_id"});
  refused("office", {{"project_id", kValidationProject}, {"name", "Rome"}}, {"name"});  // unique in its project
  refused("office", {{"project_id", kValidationProject}, {"name", "Milan"}, {"region", "Lombardia e dintorni"}}, {"region"});
  refused("office", {{"project_id", kValidationProject}, {"name", "Milan"}, {"office_type_icon", "tent"}}, {"office_type_icon"});
  created("office", {{"project_id", kOtherProject}, {"name", "Rome"}});  // another project may reuse it
  json milan = created("office", {{"project_id", kValidationProject}, {"name", "Milan"}});
  auto r = update("office", milan["office_id"], {{"name", "Rome"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(fields_of(r), Fields{"name"});
  EXPECT_EQ(update("office", milan["office_id"], {{"name", "Milan"}}).status, 200);  // its own name is fine
}

TEST_F(ValidationTest, ActionRules) {
  refused("action", {{"name", "x"}}, {"action_type", "subtenant_id", "tenant_id"});
  refused("action", action({{"action_type", "AUDIT"}}), {"action_type"});
  refused("action", action({{"name", ""}}), {"name"});
  refused("action", action({{"validity_unit", "WEEK"}}), {"validity_unit"});
  refused("action", action({{"validity", "3"}}), {"validity"});
  refused("action", action({{"manager", "[unclosed"}}), {"manager"});
  refused("action", action({{"subtenant_id", kMissing}}), {"subtenant_id"});
  refused("action", action({{"tenant_id", kOtherProject}}), {"tenant_id"});  // not the office's project
  json a = created("action", action());
  auto r = update("action", a["action_id"], {{"name", ""}, {"action_type", "PER"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(fields_of(r), (Fields{"action_type", "name"}));
  r = update("action", a["action_id"], {{"tenant_id", kOtherProject}});
  EXPECT_EQ(fields_of(r), Fields{"tenant_id"});
  EXPECT_EQ(parse(view("action", a["action_id"])), a);
}

TEST_F(ValidationTest, IncidentRules) {
  refused("incident", json::object(), {"name", "date_incident", "tenant_id", "subtenant_id"});
  refused("incident", incident({{"date_incident", "2024-02-30"}}), {"date_incident"});
  refused("incident", incident({{"category", "FIRE"}}), {"category"});
  refused("incident", incident({{"status", "closed"}}), {"date_closed"});
  refused("incident", incident({{"data", json::array()}}), {"data"});
  refused("incident", incident({{"reported_by", std::string(256, 'r')}}), {"reported_by"});
  created("incident", incident({{"status", "closed"}, {"date_closed", "2024-05-03"}}));
  json i = created("incident", incident());
  auto r = update("incident", i["office_incident_id"], {{"status", "closed"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(fields_of(r), Fields{"date_closed"});
  EXPECT_EQ(parse(view("incident", i["office_incident_id"]))["status"], "new");
  EXPECT_EQ(update("incident", i["office_incident_id"], {{"status", "closed"}, {"date_closed", "2024-06-01"}}).status,
            200);
}

TEST_F(ValidationTest, ReadOnlyFieldsInAnUpdateAreIgnoredNotRefused) {
  json a = created("action", action());
  auto r = update("action", a["action_id"], {{"countToDo", 5}, {"office_name", "x"}, {"code", "C-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r)["countToDo"], 0);
  EXPECT_EQ(parse(r)["code"], "C-1");
}

}  // namespace
}  // namespace hse::test
