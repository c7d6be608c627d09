// The index of every entity: every filter, every sort, paging and its headers, and
// the history/validity rules. Filters and sorts are enumerated from the catalog, so a
// field added there is tested here without a new line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "tests/integration/emulator/fixture.hpp"

namespace hse::test {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The order the emulator documents: NULL first, numbers numerically, text bytewise.
int compare(const json& a, const json& b) {
  auto rank = [](const json& v) { return v.is_null() ? 0 : v.is_number() || v.is_boolean() ? 1 : 2; };
  if (rank(a) != rank(b)) return rank(a) < rank(b) ? -1 : 1;
  if (a.is_null()) return 0;
  if (a.is_boolean() || a.is_number()) {
    double x = a.is_boolean() ? a.get<bool>() : a.get<double>(), y = b.is_boolean() ? b.get<bool>() : b.get<double>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  std::string x = a.is_string() ? a.get<std::string>() : a.dump(), y = b.is_string() ? b.get<std::string>() : b.dump();
  return x.compare(y) < 0 ? -1 : x.compare(y) > 0 ? 1 : 0;
}

class IndexTest : public EmulatorTest {
 protected:
  // A row of `e` with every writable field set, under the sample parents.
  json sample(const schema::Entity& e) {
    json row = json::object();
    for (const auto& f : e.fields) {
      if (f.read_only) continue;
      json v;
      switch (f.type) {
        case schema::Type::string: {
          std::string s = "Sample " + f.name;
          v = f.max_length > 0 ? s.substr(0, size_t(f.max_length)) : s;
          break;
        }
        case schema::Type::uuid:
          if (!f.references.empty()) v = ids_.at(f.references);
          else if (f.name != e.key) v = "0a1b2c3d-1111-4222-8333-444455556666";
          break;
        case schema::Type::enumeration: v = f.values.back(); break;
        case schema::Type::integer: v = 7; break;
        case schema::Type::boolean: v = true; break;
        case schema::Type::date: v = "2024-03-04"; break;
        case schema::Type::datetime: v = "2024-03-04T05:06"; break;
        case schema::Type::timestamp: v = 1709528760; break;
        case schema::Type::url: v = "https://example.com/sample"; break;
        case schema::Type::json: v = "[\"sample\"]"; break;
        case schema::Type::object: v = json{{"k", "v"}}; break;
      }
      if (!v.is_null()) row[f.name] = v;
    }
    return row;
  }
  std::map<std::string, std::string> ids_;
};

TEST_F(IndexTest, EveryFilterOfEveryEntityMatchesAsDocumented) {
  int tested = 0;
  for (const auto& e : schema::entities()) {
    if (e.remote != "fourhse") continue;
    json row = created(e.name, sample(e));
    ids_[e.name] = row[e.key];
    json everything = all(e.name);
    for (const auto& f : e.fields) {
      if (!f.filter) continue;
      json value = row[f.name];
      SCOPED_TRACE(e.name + "." + f.name + " = " + value.dump());
      if (value.is_object() || value.is_array()) {
        // Only single values filter: an object is a malformed query.
        EXPECT_EQ(index(e.name, {{"filter", {{f.name, value}}}}).status, 400);
        continue;
      }
      ASSERT_FALSE(value.is_null()) << "the sample row leaves a filter field empty";
      json filter_value = value;
      bool substring = f.match() == schema::Match::substring;
      if (substring) {
        // A middle part, upper-cased: free text matches case-insensitively by substring.
        std::string s = value.get<std::string>();
        std::string part = s.size() > 4 ? s.substr(1, s.size() - 2) : s;
        for (auto& c : part) c = char(std::toupper(static_cast<unsigned char>(c)));
        filter_value = part;
      }
      auto matches = [&](const json& r) {
        if (!substring) return r[f.name] == value;
        return r[f.name].is_string() &&
               lower(r[f.name].get<std::string>()).find(lower(filter_value.get<std::string>())) != std::string::npos;
      };
      json got = all(e.name, {{"filter", {{f.name, filter_value}}}});
      size_t expected = size_t(std::count_if(everything.begin(), everything.end(), matches));
      EXPECT_EQ(got.size(), expected);
      bool found = false;
      for (const auto& r : got) {
        EXPECT_TRUE(matches(r)) << r[f.name];
        found = found || r[e.key] == row[e.key];
      }
      EXPECT_TRUE(found);
      ++tested;
    }
  }
  EXPECT_GT(tested, 60);
}

TEST_F(IndexTest, FilterValuesOfTheWrongTypeAre400) {
  auto r = index("action", {{"filter", {{"validity", "abc"}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(fields_of(r), std::vector<std::string>{"filter.validity"});
  EXPECT_EQ(index("action", {{"filter", {{"validity", "3"}}}}).status, 200);
  EXPECT_EQ(index("office", {{"filter", {{"owned_active", "maybe"}}}}).status, 400);
  EXPECT_EQ(fields_of(index("office", {{"filter", {{"nope", 1}}}})), std::vector<std::string>{"filter.nope"});
  EXPECT_EQ(index("office", {{"filter", {{"name", ""}}}}).status, 200);  // empty filters nothing
}

TEST_F(IndexTest, EverySortOfEveryEntityOrdersBothWays) {
  int tested = 0;
  for (const auto& e : schema::entities()) {
    if (e.remote != "fourhse") continue;
    for (const auto& f : e.fields) {
      if (!f.sort) continue;
      for (bool desc : {false, true}) {
        SCOPED_TRACE(e.name + " sort " + (desc ? "-" : "") + f.name);
        json rows = all(e.name, {{"sort", (desc ? "-" : "") + f.name}});
        ASSERT_GT(rows.size(), 1u);
        for (size_t i = 1; i < rows.size(); ++i) {
          int c = compare(rows[i - 1][f.name], rows[i][f.name]);
          if (desc) c = -c;
          EXPECT_LE(c, 0) << rows[i - 1][f.name] << " then " << rows[i][f.name];
          if (c == 0) {
            EXPECT_LT(rows[i - 1][e.key].get<std::string>(), rows[i][e.key].get<std::string>());
          }
        }
        ++tested;
      }
    }
    auto bad = index(e.name, {{"sort", "description"}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(fields_of(bad), std::vector<std::string>{"sort"});
  }
  EXPECT_GE(tested, 30);
}

TEST_F(IndexTest, DefaultSortIsByKey) {
  json rows = all("action");
  for (size_t i = 1; i < rows.size(); ++i)
    EXPECT_LT(rows[i - 1]["action_id"].get<std::string>(), rows[i]["action_id"].get<std::string>());
}

TEST_F(IndexTest, PagesCoverEveryRowOnceWithTheFourHeaders) {
  json everything = all("incident", {{"history", false}});
  const int total = int(everything.size());
  ASSERT_GT(total, 100);
  const int per = 7, pages = (total + per - 1) / per;
  std::vector<std::string> seen;
  for (int page = 1; page <= pages + 1; ++page) {
    auto r = index("incident", {{"page", page}, {"per-page", per}});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-pagination-current-page"), std::to_string(page));
    EXPECT_EQ(r.header("x-pagination-page-count"), std::to_string(pages));
    EXPECT_EQ(r.header("x-pagination-per-page"), std::to_string(per));
    EXPECT_EQ(r.header("x-pagination-total-count"), std::to_string(total));
    json rows = parse(r);
    size_t expected = page < pages ? per : page == pages ? size_t(total - (pages - 1) * per) : 0;
    EXPECT_EQ(rows.size(), expected) << "page " << page;
    for (const auto& row : rows) seen.push_back(row["office_incident_id"]);
  }
  std::vector<std::string> want;
  for (const auto& row : everything) want.push_back(row["office_incident_id"]);
  EXPECT_EQ(seen, want);
}

TEST_F(IndexTest, PagingDefaultsLimitsAndMalformedBodies) {
  auto r = client().post("/v2/action/index", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse(r).size(), 100u);
  EXPECT_EQ(r.header("x-pagination-per-page"), "100");
  EXPECT_EQ(r.header("x-pagination-current-page"), "1");
  EXPECT_EQ(parse(index("action", {{"per-page", schema::kFourHsePaging.max_per_page}})).size(), 270u);  // one office historicized
  EXPECT_EQ(parse(index("action", {{"per-page", "5"}, {"page", "2"}})).size(), 5u);
  EXPECT_EQ(parse(index("action", {{"page", 1000000}})), json::array());
  struct Bad {
    json body;
    const char* field;
  };
  for (const auto& [body, field] : std::vector<Bad>{{{{"per-page", schema::kFourHsePaging.max_per_page + 1}}, "per-page"},
                                                   {{{"per-page", 0}}, "per-page"},
                                                   {{{"per-page", "x"}}, "per-page"},
                                                   {{{"page", 0}}, "page"},
                                                   {{{"page", -3}}, "page"},
                                                   {{{"page", 1.5}}, "page"},
                                                   {{{"history", "yes"}}, "history"},
                                                   {{{"filter", "name"}}, "filter"},
                                                   {{{"pages", 1}}, "pages"}}) {
    auto bad = index("action", body);
    EXPECT_EQ(bad.status, 400) << body;
    EXPECT_EQ(fields_of(bad), std::vector<std::string>{field}) << body;
  }
  for (const char* text : {"{", "[1,", "nope"}) {
    auto bad = client().post("/v2/action/index", text);
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(fields_of(bad), std::vector<std::string>{"body"});
  }
  EXPECT_EQ(client().post("/v2/action/index", "[]").status, 400);
}

TEST_F(IndexTest, HistoricizedRowsAndTheirChildrenNeedHistory) {
  json offices = all("office");
  auto old = std::find_if(offices.begin(), offices.end(), [](const json& o) { return o["owned_active"] == false; });
  ASSERT_NE(old, offices.end()) << "the demo has one historicized office";
  const std::string office_id = (*old)["office_id"];
  auto ids = [](const json& rows, const char* key) {
    std::set<std::string> out;
    for (const auto& r : rows) out.insert(r[key].get<std::string>());
    return out;
  };
  EXPECT_FALSE(ids(all("office", {{"history", false}}), "office_id").count(office_id));
  for (const char* child : {"action", "incident"}) {
    json under = all(child, {{"filter", {{"subtenant_id", office_id}}}});
    ASSERT_FALSE(under.empty());
    for (const auto& r : under) {
      EXPECT_EQ(r["owned_active"], true);
      EXPECT_EQ(r["parent_active"], false);
    }
    EXPECT_EQ(parse(index(child, {{"filter", {{"subtenant_id", office_id}}}})).size(), 0u);
  }
  EXPECT_EQ(parse(view("office", office_id))["owned_active"], false);

  // Restore it: it and its rows come back; historicize a project: two levels go.
  ASSERT_EQ(admin("restore", {{"entity", "office"}, {"id", office_id}}).status, 200);
  EXPECT_GT(parse(index("action", {{"filter", {{"subtenant_id", office_id}}}})).size(), 0u);
  const std::string project_id = (*old)["project_id"];
  ASSERT_EQ(admin("historicize", {{"entity", "project"}, {"id", project_id}}).status, 200);
  EXPECT_EQ(parse(index("office", {{"filter", {{"project_id", project_id}}}})).size(), 0u);
  EXPECT_EQ(parse(index("action", {{"filter", {{"tenant_id", project_id}}}, {"per-page", 1000}})).size(), 0u);
  json hidden = all("action", {{"filter", {{"tenant_id", project_id}}}});
  ASSERT_FALSE(hidden.empty());
  for (const auto& r : hidden) EXPECT_EQ(r["parent_active"], false);
  ASSERT_EQ(admin("restore", {{"entity", "project"}, {"id", project_id}}).status, 200);
  EXPECT_EQ(parse(index("office", {{"filter", {{"project_id", project_id}}}})).size(), 6u);

  // A row's own validity hides only itself.
  json action = all("action", {{"history", false}})[0];
  ASSERT_EQ(admin("historicize", {{"entity", "action"}, {"id", action["action_id"]}}).status, 200);
  EXPECT_FALSE(ids(all("action", {{"history", false}}), "action_id").count(action["action_id"]));
  EXPECT_TRUE(ids(all("action"), "action_id").count(action["action_id"]));
  EXPECT_EQ(admin("historicize", {{"entity", "action"}, {"id", "00000000-0000-4000-8000-000000000000"}}).status, 404);
  EXPECT_EQ(admin("historicize", {{"entity", "nope"}, {"id", "x"}}).status, 422);
}

}  // namespace
}  // namespace hse::test
