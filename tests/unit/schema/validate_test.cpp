#include "schema/validate.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace hse::schema;
using hse::FieldError;
using json = nlohmann::json;

namespace {

std::vector<std::string> fields_of(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

json valid_incident() {
  return {{"name", "Slip on wet floor"},
          {"date_incident", "2026-03-01"},
          {"tenant_id", "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01"},
          {"subtenant_id", "a1b2c3d4-e5f6-7890-abcd-ef1234567890"}};
}

struct MapLookup : RowLookup {
  std::map<std::pair<std::string, std::string>, json> rows;
  std::optional<json> find(const Entity& e, const std::string& id) override {
    auto it = rows.find({e.name, id});
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  bool name_taken(const Entity& e, const std::string& parent, const std::string& name,
                  const std::string& except) override {
    for (const auto& [k, row] : rows)
      if (k.first == e.name && row[e.parent_field] == parent && row[e.unique_name_field] == name && k.second != except)
        return true;
    return false;
  }
};

}  // namespace

TEST(Validate, ValidIncidentPasses) { EXPECT_TRUE(check_create(entity("incident"), valid_incident()).empty()); }

TEST(Validate, RequiredFieldsAreNamed) {
  auto errors = check_create(entity("incident"), json::object());
  EXPECT_EQ(fields_of(errors), (std::vector<std::string>{"name", "date_incident", "tenant_id", "subtenant_id"}));
  auto project = check_create(entity("project"), {{"name", ""}});
  EXPECT_EQ(fields_of(project), (std::vector<std::string>{"name", "country"}));
}

TEST(Validate, MaximumLengthCountsCharactersNotBytes) {
  json p = {{"name", std::string(50, 'x')}, {"country", "IT"}};
  EXPECT_TRUE(check_create(entity("project"), p).empty());
  p["name"] = std::string(51, 'x');
  EXPECT_EQ(fields_of(check_create(entity("project"), p)), std::vector<std::string>{"name"});
  std::string accented;
  for (int i = 0; i < 50; ++i) accented += "\xc3\xa8";  // è, two bytes
  p["name"] = accented;
  EXPECT_TRUE(check_create(entity("project"), p).empty());
}

TEST(Validate, EnumsListTheAllowedValues) {
  json i = valid_incident();
  i["category"] = "EARTHQUAKE";
  auto errors = check_create(entity("incident"), i);
  ASSERT_EQ(fields_of(errors), std::vector<std::string>{"category"});
  EXPECT_NE(errors[0].message.find("ACCIDENTS"), std::string::npos);
}

TEST(Validate, ProjectCountryIsTwoLetters) {
  for (const char* bad : {"I", "I1", "ITA", "12"}) {
    auto errors = check_create(entity("project"), {{"name", "Acme"}, {"country", bad}});
    EXPECT_EQ(fields_of(errors), std::vector<std::string>{"country"}) << bad;
  }
  EXPECT_TRUE(check_create(entity("project"), {{"name", "Acme"}, {"country", "DE"}}).empty());
}

TEST(Validate, ClosedIncidentNeedsDateClosed) {
  json i = valid_incident();
  i["status"] = "closed";
  EXPECT_EQ(fields_of(check_create(entity("incident"), i)), std::vector<std::string>{"date_closed"});
  i["date_closed"] = "2026-03-05";
  EXPECT_TRUE(check_create(entity("incident"), i).empty());
  // On update the rule applies to the row the patch leaves.
  json existing = valid_incident();
  existing["status"] = "open";
  EXPECT_EQ(fields_of(check_update(entity("incident"), {{"status", "closed"}}, existing)),
            std::vector<std::string>{"date_closed"});
  existing["date_closed"] = "2026-03-05";
  EXPECT_TRUE(check_update(entity("incident"), {{"status", "closed"}}, existing).empty());
}

TEST(Validate, ActionTypeCannotChange) {
  json existing = {{"action_id", "c4d5e6f7-a8b9-0c1d-2e3f-4a5b6c7d8e9f"}, {"action_type", "TRAINING"}, {"name", "Fire"}};
  EXPECT_EQ(fields_of(check_update(entity("action"), {{"action_type", "HEALTH"}}, existing)),
            std::vector<std::string>{"action_type"});
  EXPECT_TRUE(check_update(entity("action"), {{"action_type", "TRAINING"}}, existing).empty());
  EXPECT_EQ(fields_of(check_update(entity("action"), {{"action_id", "c4d5e6f7-a8b9-0c1d-2e3f-000000000000"}}, existing)),
            std::vector<std::string>{"action_id"});
}

TEST(Validate, ReadOnlyAndUnknownFieldsAreRefused) {
  json i = valid_incident();
  i["office_name"] = "Rome";
  i["colour"] = "red";
  auto errors = check_create(entity("incident"), i);
  EXPECT_EQ(fields_of(errors), (std::vector<std::string>{"office_name", "colour"}));
  // The server ignores read-only fields instead.
  i.erase("colour");
  EXPECT_TRUE(check_create(entity("incident"), i, ReadOnlyFields::ignore).empty());
  EXPECT_FALSE(without_read_only(entity("incident"), i).contains("office_name"));
}

TEST(Validate, TypesAndFormats) {
  json i = valid_incident();
  i["date_incident"] = "2026-02-30";
  i["tenant_id"] = "not-a-uuid";
  i["data"] = "[1,2]";
  i["manager"] = "{not json";
  auto errors = check_create(entity("incident"), i);
  EXPECT_EQ(fields_of(errors), (std::vector<std::string>{"date_incident", "manager", "data", "tenant_id"}));
  json p = {{"name", "Acme"}, {"country", "IT"}, {"icon", "ftp://x"}, {"npeople", "12"}};
  EXPECT_EQ(fields_of(check_create(entity("project"), p)), (std::vector<std::string>{"icon", "npeople"}));
}

TEST(Validate, RequiredFieldCannotBeBlankedByUpdate) {
  json existing = valid_incident();
  EXPECT_EQ(fields_of(check_update(entity("incident"), {{"name", nullptr}}, existing)), std::vector<std::string>{"name"});
  EXPECT_TRUE(check_update(entity("incident"), {{"description", nullptr}}, existing).empty());
}

TEST(Validate, Relations) {
  MapLookup lookup;
  const std::string p1 = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01", p2 = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a02";
  const std::string o1 = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
  lookup.rows[{"project", p1}] = {{"project_id", p1}};
  lookup.rows[{"project", p2}] = {{"project_id", p2}};
  lookup.rows[{"office", o1}] = {{"office_id", o1}, {"project_id", p1}, {"name", "Rome"}};

  json i = valid_incident();
  EXPECT_TRUE(check_relations(entity("incident"), i, lookup).empty());
  i["tenant_id"] = p2;
  EXPECT_EQ(fields_of(check_relations(entity("incident"), i, lookup)), std::vector<std::string>{"tenant_id"});
  i["subtenant_id"] = "a1b2c3d4-e5f6-7890-abcd-000000000000";
  EXPECT_EQ(fields_of(check_relations(entity("incident"), i, lookup)), std::vector<std::string>{"subtenant_id"});

  json office = {{"office_id", "a1b2c3d4-e5f6-7890-abcd-ef1234567891"}, {"project_id", p1}, {"name", "Rome"}};
  EXPECT_EQ(fields_of(check_relations(entity("office"), office, lookup)), std::vector<std::string>{"name"});
  office["project_id"] = p2;  // same name in another project is fine
  EXPECT_TRUE(check_relations(entity("office"), office, lookup).empty());
  office["office_id"] = o1;  // renaming an office to its own name is fine
  office["project_id"] = p1;
  EXPECT_TRUE(check_relations(entity("office"), office, lookup).empty());
}

TEST(Validate, Defaults) {
  json p = with_defaults(entity("project"), {{"name", "Acme"}, {"country", "IT"}});
  EXPECT_EQ(p["status"], "active");
  EXPECT_EQ(p["project_type"], "safety");
  EXPECT_EQ(with_defaults(entity("incident"), valid_incident())["status"], "new");
  EXPECT_EQ(with_defaults(entity("project"), {{"status", "suspended"}})["status"], "suspended");
}

TEST(IndexBody, ParsesAndNamesBadKeys) {
  auto q = parse_index_body(entity("office"), {{"filter", {{"name", "Rome"}}}, {"sort", "-name"}, {"page", 2}, {"per-page", 20}, {"history", true}});
  ASSERT_EQ(q.filters.size(), 1u);
  EXPECT_EQ(q.filters[0].field->name, "name");
  EXPECT_TRUE(q.descending);
  EXPECT_EQ(q.sort->name, "name");
  EXPECT_EQ(q.page, 2);
  EXPECT_EQ(q.per_page, 20);
  EXPECT_TRUE(q.history);

  auto expect_bad = [](const json& body, const std::string& field) {
    try {
      parse_index_body(entity("office"), body);
      ADD_FAILURE() << body.dump();
    } catch (const hse::ValidationError& e) {
      ASSERT_FALSE(e.fields().empty());
      EXPECT_EQ(e.fields()[0].field, field) << body.dump();
    }
  };
  expect_bad({{"sort", "description"}}, "sort");
  expect_bad({{"page", 0}}, "page");
  expect_bad({{"per-page", kFourHsePaging.max_per_page + 1}}, "per-page");
  expect_bad({{"filter", {{"colour", "red"}}}}, "filter.colour");
  expect_bad({{"history", "yes"}}, "history");
  expect_bad({{"pagesize", 3}}, "pagesize");
}

// Hostile values for every field kind: each refused, naming the field.
TEST(Validate, IntegersOutsideThe32BitRangeAreRefused) {
  const Entity& p = entity("project");
  json base = {{"name", "A"}, {"country", "IT"}};
  for (json n : {json(9223372036854775808ULL), json(int64_t(-9223372036854775807LL - 1)), json(2147483648LL),
                 json(-2147483649LL), json::parse("18446744073709551615")}) {
    json body = base;
    body["npeople"] = n;
    EXPECT_EQ(fields_of(check_create(p, body)), std::vector<std::string>{"npeople"}) << n;
  }
  for (json n : {json(0), json(2147483647), json(-2147483648LL)}) {
    json body = base;
    body["npeople"] = n;
    EXPECT_TRUE(check_create(p, body).empty()) << n;
  }
  json a = {{"name", "A"}, {"action_type", "TRAINING"}, {"tenant_id", "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01"},
            {"subtenant_id", "a1b2c3d4-e5f6-7890-abcd-ef1234567890"}, {"validity", 1.0e19}};
  EXPECT_EQ(fields_of(check_create(entity("action"), a)), std::vector<std::string>{"validity"});
}

TEST(Validate, WrongTypesAreRefusedForEveryFieldKind) {
  // One field of each type, given a value of each other JSON type.
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"project", "name"},        {"project", "project_id"}, {"project", "status"}, {"project", "npeople"},
      {"incident", "date_incident"}, {"project", "icon"},    {"project", "data"},
      {"statuspage_incident", "start_impact_date"}, {"statuspage_comment", "internal"}};
  const std::vector<json> values = {json(1.5), json::array({1}), json(true), json(7), json("text"),
                                    json::object({{"a", 1}})};
  for (const auto& [ename, fname] : fields) {
    const Entity& e = entity(ename);
    const Field* f = e.field(fname);
    ASSERT_NE(f, nullptr) << fname;
    int refused = 0;
    for (const auto& v : values) {
      auto errors = check_update(e, json{{fname, v}}, json{{fname, v}});
      for (const auto& fe : errors) refused += fe.field == fname;
    }
    // Every kind accepts at most two of the six JSON types (an integer field 7, a
    // boolean true and, where the API speaks 0/1, 7 is refused by range elsewhere).
    EXPECT_GE(refused, 4) << ename << "." << fname;
  }
}

TEST(Validate, DeeplyNestedJsonFieldsAreRefused) {
  json deep = json::object();
  for (int i = 0; i < 1000; ++i) deep = json::object({{"a", std::move(deep)}});
  json p = {{"name", "A"}, {"country", "IT"}, {"data", deep}};
  EXPECT_EQ(fields_of(check_create(entity("project"), p)), std::vector<std::string>{"data"});
  json a = {{"name", "A"}, {"action_type", "TRAINING"}, {"tenant_id", "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01"},
            {"subtenant_id", "a1b2c3d4-e5f6-7890-abcd-ef1234567890"}};
  a["manager"] = deep;
  EXPECT_EQ(fields_of(check_create(entity("action"), a)), std::vector<std::string>{"manager"});
  a["manager"] = std::string(100000, '[') + std::string(100000, ']');  // JSON text, as a string
  EXPECT_EQ(fields_of(check_create(entity("action"), a)), std::vector<std::string>{"manager"});
  a["manager"] = json::array({json::object({{"id", 1}})});
  EXPECT_TRUE(check_create(entity("action"), a).empty());
}

// docs/api/004 types a comment's `internal` as an integer (0/1): what the API
// accepts, the replica accepts, and stores it as a boolean.
TEST(Validate, AFlagTakesZeroAndOneAsTheApiDoes) {
  const Entity& comment = entity("statuspage_comment");
  auto fields_of = [](const std::vector<FieldError>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.field);
    return out;
  };
  for (json flag : {json(1), json(0), json(true), json(false)})
    EXPECT_TRUE(fields_of(check_create(comment, {{"incident", "1"}, {"comment", "c"}, {"internal", flag}})).empty())
        << flag;
  for (json flag : {json(2), json(-1), json("1"), json(0.5)})
    EXPECT_EQ(fields_of(check_create(comment, {{"incident", "1"}, {"comment", "c"}, {"internal", flag}})),
              std::vector<std::string>{"internal"})
        << flag;
  EXPECT_EQ(in_replica_form(comment, {{"internal", 1}})["internal"], true);
  EXPECT_EQ(in_replica_form(comment, {{"internal", 0}})["internal"], false);
  EXPECT_EQ(in_replica_form(comment, {{"internal", true}})["internal"], true);
  EXPECT_EQ(in_replica_form(comment, {{"comment", 1}})["comment"], 1);  // not a flag: left to validation
}

// docs/api/004 types an incident's id as an integer: a comment's `incident` may be
// given as one, and is kept as the decimal text the replica names the incident by.
TEST(Validate, AServerAssignedIdTakesTheApisIntegerForm) {
  const Entity& comment = entity("statuspage_comment");
  json body = in_replica_form(comment, {{"incident", 42}, {"comment", "c"}});
  EXPECT_EQ(body["incident"], "42");
  EXPECT_TRUE(check_create(comment, body).empty());
  EXPECT_EQ(in_replica_form(comment, {{"incident", "42"}})["incident"], "42");
  // Not an id the server could have given: left for validation, which refuses it.
  for (json bad : {json(0), json(-3), json(1.5)}) {
    json b = in_replica_form(comment, {{"incident", bad}, {"comment", "c"}});
    EXPECT_EQ(b["incident"], bad);
    ASSERT_EQ(check_create(comment, b).size(), 1u) << bad;
    EXPECT_EQ(check_create(comment, b)[0].field, "incident");
  }
  // A 4HSE reference (a UUID the client picks) is not rewritten.
  EXPECT_EQ(in_replica_form(entity("office"), {{"project_id", 7}})["project_id"], 7);
}
