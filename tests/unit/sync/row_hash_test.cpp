// The pull's content hash is computed straight from a page's row (row_codec.cpp),
// without the normalized copy it is defined over. Replicas store these hashes
// (base_hash): a different value would make every row of the next re-sync "changed".
// Here the fast form is checked against the definition, byte for byte, and the older
// form replicas kept (FNV-1a 64) is still recognised.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "engine/store/row_codec.hpp"
#include "schema/catalog.hpp"
#include "tests/unit/sync/legacy_hash.hpp"

namespace hse {
namespace {

using json = nlohmann::json;

// The bytes hashed: normalize(row).dump() without parent_active.
std::string canonical_bytes(const schema::Entity& e, const json& row) {
  json fields = json::object();
  for (const auto& f : e.fields) fields[f.name] = row.is_object() && row.contains(f.name) ? row[f.name] : json();
  fields.erase("parent_active");
  return fields.dump();
}

std::string hex(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// The definition: "m" and MurmurHash64A (seed 0) over those bytes, read as
// little-endian words, written out here a byte at a time.
std::string defined_hash(const schema::Entity& e, const json& row) {
  const std::string bytes = canonical_bytes(e, row);
  const uint64_t m = 0xc6a4a7935bd1e995ull;
  uint64_t h = bytes.size() * m;
  size_t i = 0;
  auto word = [&bytes](size_t at, size_t n) {
    uint64_t w = 0;
    for (size_t b = 0; b < n; ++b) w |= uint64_t(static_cast<unsigned char>(bytes[at + b])) << (8 * b);
    return w;
  };
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t k = word(i, 8) * m;
    k = (k ^ (k >> 47)) * m;
    h = (h ^ k) * m;
  }
  if (i < bytes.size()) h = (h ^ word(i, bytes.size() - i)) * m;
  h = (h ^ (h >> 47)) * m;
  return "m" + hex(h ^ (h >> 47));
}

using test::legacy_hash;

// A value of some JSON kind, chosen by `r` (strings with quotes, escapes and UTF-8).
json some_value(Random& r) {
  switch (int(r.unit() * 9)) {
    case 0: return nullptr;
    case 1: return r.unit() < 0.5;
    case 2: return int64_t(r.unit() * 2e12) - int64_t(1e12);
    case 3: return r.unit() * 1e6 - 5e5;
    case 4: return "plain " + std::to_string(int(r.unit() * 1000));
    case 5: return "quote \" backslash \\ newline \n tab \t ctrl \x01 città 事故";
    case 6: return json::array({1, "two", nullptr, json::object({{"k", 3.5}})});
    case 7: return json::object({{"b", 1}, {"a", json::array()}, {"ä", "x"}});
    default: return r.uuid4();
  }
}

TEST(RowHash, EqualsTheHashOverTheNormalizedRow) {
  SeededRandom r(42);
  int checked = 0;
  for (const auto& e : schema::entities()) {
    for (int i = 0; i < 200; ++i) {
      json row = json::object();
      for (const auto& f : e.fields)
        if (r.unit() < 0.8) row[f.name] = some_value(r);
      if (r.unit() < 0.3) row["not_a_catalog_field"] = some_value(r);  // dropped by normalize
      const std::string fast = engine::store::content_hash(e, row);
      ASSERT_EQ(fast, defined_hash(e, row)) << e.name << " " << row.dump();
      engine::store::CanonicalRow c;
      engine::store::canonical_row(e, row, c);
      ASSERT_TRUE(c.hashes_to(fast)) << e.name;
      ASSERT_TRUE(c.hashes_to(legacy_hash(e, row))) << e.name << " " << row.dump();
      // And the same over the normalized copy (what push and resolve hash).
      ASSERT_EQ(engine::store::content_hash(e, engine::store::normalize(e, row)), fast) << e.name;
      ++checked;
    }
    EXPECT_EQ(engine::store::content_hash(e, json::object()), defined_hash(e, json::object())) << e.name;
    EXPECT_EQ(engine::store::content_hash(e, json("not an object")), defined_hash(e, json("not an object")));
  }
  EXPECT_GT(checked, 0);
}

// Plain ASCII text is written without the serializer, eight bytes at a time: each
// character it must not pass (quote, backslash, controls, UTF-8) and the edges it must
// (space, tilde, DEL) at every position of strings around a word's length.
TEST(RowHash, EveryCharacterNeedingTheSerializerIsFoundWhereverItIs) {
  const auto& e = schema::entity("action");
  const std::vector<std::string> specials = {"\"", "\\", "\n", std::string(1, '\x01'), "\x1f", "\x7f", " ", "~",
                                             "\xc3\xa8", "\xe4\xba\x8b"};
  for (const std::string& special : specials)
    for (size_t len = 1; len <= 18; ++len)
      for (size_t at = 0; at < len; ++at) {
        std::string text(len, 'a');
        text.replace(at, 1, special);
        json row = {{"action_id", "a1"}, {"name", text}};
        ASSERT_EQ(engine::store::content_hash(e, row), defined_hash(e, row)) << len << " " << at << " " << row.dump();
      }
}

TEST(RowHash, ParentActiveDoesNotCountAndEveryOtherFieldDoes) {
  const auto& e = schema::entity("incident");
  json row = {{"office_incident_id", "i1"}, {"name", "A"}, {"parent_active", true}};
  json other = row;
  other["parent_active"] = false;
  EXPECT_EQ(engine::store::content_hash(e, row), engine::store::content_hash(e, other));
  for (const auto& f : e.fields) {
    if (f.name == "parent_active") continue;
    json changed = row;
    changed[f.name] = "changed";
    EXPECT_NE(engine::store::content_hash(e, changed), engine::store::content_hash(e, row)) << f.name;
  }
}

// A stored hash of other bytes matches in neither form.
TEST(RowHash, AHashOfOtherBytesMatchesInNeitherForm) {
  const auto& e = schema::entity("incident");
  json row = {{"office_incident_id", "i1"}, {"name", "A"}}, other = {{"office_incident_id", "i1"}, {"name", "B"}};
  engine::store::CanonicalRow c;
  engine::store::canonical_row(e, row, c);
  EXPECT_TRUE(c.hashes_to(defined_hash(e, row)));
  EXPECT_TRUE(c.hashes_to(legacy_hash(e, row)));
  EXPECT_FALSE(c.hashes_to(defined_hash(e, other)));
  EXPECT_FALSE(c.hashes_to(legacy_hash(e, other)));
  EXPECT_FALSE(c.hashes_to(legacy_hash(e, row).substr(1)));  // neither form
  EXPECT_FALSE(c.hashes_to(""));
}

TEST(RowHash, NormalizeKeepsExactlyTheCatalogFields) {
  const auto& e = schema::entity("action");
  json row = {{"action_id", "a1"}, {"name", "N"}, {"unknown", 1}};
  json n = engine::store::normalize(e, row);
  ASSERT_EQ(n.size(), e.fields.size());
  for (const auto& f : e.fields) EXPECT_TRUE(n.contains(f.name)) << f.name;
  EXPECT_FALSE(n.contains("unknown"));
  EXPECT_EQ(n["name"], "N");
  EXPECT_TRUE(n["description"].is_null());
}

}  // namespace
}  // namespace hse
