// The v2 operations one by one: create, view, update, delete, and the fields the
// server computes, against a real hse-emulator.
#include <gtest/gtest.h>

#include "tests/integration/emulator/fixture.hpp"
#include "core/ids.hpp"

namespace hse::test {
namespace {

const std::string kProjectId = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
const std::string kOfficeId = "6fa459ea-ee8a-4ca4-894e-db77e160355e";

class ApiTest : public EmulatorTest {
 protected:
  std::vector<std::string> options() override { return {}; }  // an empty server
  void make_tree() {
    project_ = created("project", {{"project_id", kProjectId}, {"name", "Acme Construction Ltd"}, {"country", "IT"}});
    office_ = created("office", {{"office_id", kOfficeId}, {"project_id", kProjectId}, {"name", "Rome North"}});
  }
  json action(const std::string& name = "Fire training") {
    return {{"action_type", "TRAINING"}, {"name", name}, {"subtenant_id", kOfficeId}, {"tenant_id", kProjectId}};
  }
  json incident(const std::string& name = "Fall from ladder") {
    return {{"name", name}, {"date_incident", "2024-05-02"}, {"subtenant_id", kOfficeId}, {"tenant_id", kProjectId}};
  }
  json project_, office_;
};

TEST_F(ApiTest, CreateKeepsClientIdAndAppliesDefaults) {
  make_tree();
  EXPECT_EQ(project_["project_id"], kProjectId);
  EXPECT_EQ(project_["status"], "active");
  EXPECT_EQ(project_["project_type"], "safety");
  EXPECT_TRUE(schema::is_date(project_["created_at"].get<std::string>()));
  EXPECT_EQ(project_["created_at"], project_["updated_at"]);
  EXPECT_TRUE(project_["deleted_at"].is_null());
  EXPECT_EQ(project_["owned_active"], true);
  EXPECT_EQ(project_["parent_active"], true);
  EXPECT_TRUE(office_["created_at"].is_number_integer());
  EXPECT_TRUE(office_["updated_at"].is_number_integer());
}

TEST_F(ApiTest, CreateGeneratesAnIdWhenNoneIsGiven) {
  make_tree();
  json a = created("action", action());
  EXPECT_TRUE(is_uuid(a["action_id"].get<std::string>()));
  json b = created("action", action("Second"));
  EXPECT_NE(a["action_id"], b["action_id"]);
}

TEST_F(ApiTest, CreateIgnoresReadOnlyFields) {
  make_tree();
  json body = action();
  body["countToDo"] = 99;
  body["office_name"] = "forged";
  body["owned_active"] = false;
  json a = created("action", body);
  EXPECT_EQ(a["countToDo"], 0);
  EXPECT_EQ(a["office_name"], "Rome North");
  EXPECT_EQ(a["owned_active"], true);
}

TEST_F(ApiTest, DuplicateIdIsRefusedWithExactlyOneErrorAndCreatesNothing) {
  make_tree();
  auto r = create("project", {{"project_id", kProjectId}, {"name", "Other name"}, {"country", "DE"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(parse(r), json::parse(R"([{"field":"project_id","message":"has already been taken"}])"));
  EXPECT_EQ(parse(view("project", kProjectId))["name"], "Acme Construction Ltd");
  EXPECT_EQ(all("project").size(), 1u);
}

TEST_F(ApiTest, ComputedFieldsComeFromTheParents) {
  make_tree();
  EXPECT_EQ(office_["project_name"], "Acme Construction Ltd");
  EXPECT_EQ(office_["project_type"], "safety");
  EXPECT_EQ(office_["project_status"], "active");
  json a = created("action", action());
  EXPECT_EQ(a["office_name"], "Rome North");
  EXPECT_EQ(a["project_name"], "Acme Construction Ltd");
  EXPECT_EQ(a["project_type"], "safety");
  for (const char* count : {"countSubscribed", "countValid", "countScheduled", "countToDo"}) EXPECT_EQ(a[count], 0);
  json i = created("incident", incident());
  EXPECT_EQ(i["office_name"], "Rome North");
  EXPECT_EQ(i["project_name"], "Acme Construction Ltd");
  EXPECT_EQ(i["people_count"], 0);
  EXPECT_EQ(i["sickness_days"], 0);
  EXPECT_EQ(i["status"], "new");
  EXPECT_EQ(i["created_by"], "anonymous");
  EXPECT_TRUE(i["created_at"].is_number_integer());
  // Renaming a parent shows in the children's next answer.
  ASSERT_EQ(update("office", kOfficeId, {{"name", "Rome South"}}).status, 200);
  EXPECT_EQ(parse(view("action", a["action_id"]))["office_name"], "Rome South");
}

TEST_F(ApiTest, JsonFieldsComeBackAsSent) {
  make_tree();
  json body = action();
  body["manager"] = "[\"m.rossi\"]";
  body["data"] = json{{"k", 1}};
  json a = created("action", body);
  EXPECT_EQ(a["manager"], "[\"m.rossi\"]");
  EXPECT_EQ(a["data"], json({{"k", 1}}));
}

TEST_F(ApiTest, ViewAnswersTheRowOr404) {
  make_tree();
  EXPECT_EQ(parse(view("office", kOfficeId)), office_);
  EXPECT_EQ(view("office", "00000000-0000-4000-8000-000000000000").status, 404);
}

TEST_F(ApiTest, UpdateIsPartialAndStampsUpdatedAt) {
  make_tree();
  json i = created("incident", incident());
  auto r = update("incident", i["office_incident_id"], {{"status", "open"}, {"created_by", "forged"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json u = parse(r);
  EXPECT_EQ(u["status"], "open");
  EXPECT_EQ(u["name"], "Fall from ladder");
  EXPECT_EQ(u["created_by"], "anonymous");
  EXPECT_EQ(update("incident", "00000000-0000-4000-8000-000000000000", {{"status", "open"}}).status, 404);
}

TEST_F(ApiTest, UpdateRefusesImmutableFields) {
  make_tree();
  json a = created("action", action());
  auto r = update("action", a["action_id"], {{"action_type", "HEALTH"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(fields_of(r), std::vector<std::string>{"action_type"});
  r = update("action", a["action_id"], {{"action_id", "00000000-0000-4000-8000-000000000000"}});
  EXPECT_EQ(fields_of(r), std::vector<std::string>{"action_id"});
  EXPECT_EQ(parse(view("action", a["action_id"]))["action_type"], "TRAINING");
}

TEST_F(ApiTest, DeletePreviewListsChildrenAndDeletesNothing) {
  make_tree();
  json a = created("action", action());
  json i = created("incident", incident());
  for (const char* target : {"/v2/office/delete/", "/v2/office/delete/?force=false"}) {
    std::string t = target;
    t.insert(t.find('?') == std::string::npos ? t.size() : t.find('?'), kOfficeId);
    auto r = client().del(t);
    ASSERT_EQ(r.status, 200) << r.body;
    json p = parse(r);
    EXPECT_EQ(p["preview"], true);
    EXPECT_EQ(p["children"]["action"], json::array({a["action_id"]}));
    EXPECT_EQ(p["children"]["incident"], json::array({i["office_incident_id"]}));
  }
  EXPECT_EQ(view("office", kOfficeId).status, 200);
  EXPECT_EQ(view("action", a["action_id"]).status, 200);
}

TEST_F(ApiTest, ForceDeleteRemovesTheRowAndItsChildren) {
  make_tree();
  json a = created("action", action());
  json i = created("incident", incident());
  auto r = client().del("/v2/office/delete/" + kOfficeId + "?force=true");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r)["deleted"], true);
  EXPECT_EQ(view("office", kOfficeId).status, 404);
  EXPECT_EQ(view("action", a["action_id"]).status, 404);
  EXPECT_EQ(view("incident", i["office_incident_id"]).status, 404);
  EXPECT_EQ(client().del("/v2/office/delete/" + kOfficeId + "?force=true").status, 404);
  EXPECT_EQ(client().del("/v2/office/delete/" + kOfficeId + "?force=maybe").status, 400);
  EXPECT_EQ(client().del("/v2/action/delete/" + a["action_id"].get<std::string>()).status, 404);
}

TEST_F(ApiTest, ProjectDeleteSchedulesDeletionAndStatusBackClearsIt) {
  make_tree();
  auto preview = parse(client().del("/v2/project/delete/" + kProjectId));
  EXPECT_EQ(preview["children"]["office"], json::array({kOfficeId}));
  EXPECT_EQ(parse(view("project", kProjectId))["status"], "active");
  auto r = client().del("/v2/project/delete/" + kProjectId + "?force=true");
  ASSERT_EQ(r.status, 200) << r.body;
  json p = parse(view("project", kProjectId));
  EXPECT_EQ(p["status"], "pending_delete");
  EXPECT_TRUE(schema::is_date(p["deleted_at"].get<std::string>()));
  EXPECT_EQ(p["owned_active"], false);
  // The project stays, and so do its children; they leave the default index.
  EXPECT_EQ(view("office", kOfficeId).status, 200);
  EXPECT_EQ(parse(view("office", kOfficeId))["parent_active"], false);
  EXPECT_EQ(parse(index("office")).size(), 0u);
  EXPECT_EQ(all("office").size(), 1u);
  for (const char* status : {"suspended", "active"}) {
    ASSERT_EQ(update("project", kProjectId, {{"status", "pending_delete"}}).status, 200);
    EXPECT_FALSE(parse(view("project", kProjectId))["deleted_at"].is_null());
    json u = parse(update("project", kProjectId, {{"status", status}}));
    EXPECT_EQ(u["status"], status);
    EXPECT_TRUE(u["deleted_at"].is_null());
  }
  EXPECT_EQ(parse(view("office", kOfficeId))["parent_active"], true);
}

}  // namespace
}  // namespace hse::test
