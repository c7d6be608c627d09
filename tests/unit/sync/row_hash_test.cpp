// The pull's content hash is computed straight from a page's row (row_codec.cpp),
// without the normalized copy it is defined over. Replicas store these hashes
// (base_hash): a different value would make every row of the next re-sync "changed".
// Here the fast form is checked against the definition, byte for byte, and the older
// form replicas kept (FNV-1a 64) is still recognised.
#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
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


// ---- rows read from their text (canonical_row_from_text) ----

// What bind_fields binds for `c`, column by column: SQLite's type and the value as text.
std::vector<std::pair<int, std::string>> bound(const schema::Entity& e, const engine::store::CanonicalRow& c) {
  static SQLite::Database db(":memory:");
  std::string sql = "SELECT ?1";
  for (size_t i = 2; i <= e.fields.size(); ++i) sql += ", ?" + std::to_string(i);
  SQLite::Statement st(db, sql);
  engine::store::bind_fields(st, 1, e, c);
  EXPECT_TRUE(st.executeStep());
  std::vector<std::pair<int, std::string>> out;
  for (int i = 0; i < int(e.fields.size()); ++i) {
    SQLite::Column col = st.getColumn(i);
    out.emplace_back(col.getType(), col.isNull() ? "" : col.getString());
  }
  return out;
}

// Read from `text`, the row is what it is parsed: the same canonical bytes (hence
// hash), the same values bound to each column, the same normalized row.
void expect_read_alike(const schema::Entity& e, const std::string& text) {
  const json parsed = json::parse(text);
  engine::store::CanonicalRow from_dom, from_text;
  engine::store::canonical_row(e, parsed, from_dom);
  engine::store::canonical_row_from_text(e, text, from_text, "row", Code::server, {});
  ASSERT_EQ(from_text.text, from_dom.text) << text;
  ASSERT_EQ(from_text.text, canonical_bytes(e, parsed)) << text;
  ASSERT_EQ(bound(e, from_text), bound(e, from_dom)) << text;
  ASSERT_EQ(from_text.normalized(e), engine::store::normalize(e, parsed)) << text;
  ASSERT_EQ(from_text.normalized(e).dump(), engine::store::normalize(e, parsed).dump()) << text;
}

TEST(RowText, ReadsARowAsTheParserDoes) {
  SeededRandom r(7);
  int checked = 0;
  for (const auto& e : schema::entities()) {
    for (int i = 0; i < 200; ++i) {
      json row = json::object();
      for (const auto& f : e.fields)
        if (r.unit() < 0.8) row[f.name] = some_value(r);
      if (r.unit() < 0.3) row["not_a_catalog_field"] = some_value(r);
      // Text with the escapes dump() writes itself, and nothing needing the parser.
      if (r.unit() < 0.5 && e.field("name")) row["name"] = "two\nlines, \"quoted\" \\ \b\f\r\ttab";
      // As dump() writes it, with spaces and new lines, with every non-ASCII
      // character escaped (\uXXXX, pairs for those past U+FFFF), and with "/" escaped.
      std::string slashed = row.dump();
      for (size_t at = 0; (at = slashed.find("/", at)) != std::string::npos; at += 2) slashed.replace(at, 1, "\\/");
      for (const std::string& text : {row.dump(), row.dump(2), row.dump(-1, ' ', true), slashed}) {
        expect_read_alike(e, text);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(RowText, ReadsTheEdgesOfEachKindOfValueAsTheParserDoes) {
  const auto& e = schema::entity("incident");
  const std::vector<std::string> values = {
      "0", "-1", "7", "123456789012345678", "-123456789012345678", "1234567890123456789", "9223372036854775807",
      "9223372036854775808", "18446744073709551616", "-9223372036854775809", "-0", "1.5", "-2.50", "1e3", "1E-2",
      "0.0", "true", "false", "null", R"("")", R"("a\"b")", R"("\\")", R"("\b\f\n\r\t")", R"("\/")",
      R"("\u0041\u00e8\ud83d\ude00")", R"("\u0000")", "\"\x7f\"", "\"caf\xc3\xa9\"", "[]", "{}",
      R"([1,"x",{"b":1,"a":[null]}])", R"({"z":1,"a":{"y":2,"x":3}})", R"({"k":1,"k":2})"};
  for (const std::string& v : values)
    for (const char* field : {"name", "people_count", "data", "manager", "parent_active", "owned_active"})
      expect_read_alike(e, std::string(R"({"office_incident_id":"i1",")") + field + "\":" + v + "}");
  // A key given twice: the parser keeps the last.
  expect_read_alike(e, R"({"office_incident_id":"i1","name":"a","name":"b"})");
  expect_read_alike(e, R"({"office_incident_id":"i1","name":"a","unknown":1,"unknown":[2]})");
  // Keys the reader leaves to the parser: escaped, or not ASCII.
  expect_read_alike(e, R"({"office_incident_id":"i1","na\u006de":"x","\u00e8":1})");
  expect_read_alike(e, " \t\r\n{ \"office_incident_id\" : \"i1\" , \"name\" : \"x\" } \n");
  expect_read_alike(e, "{}");
}

// Text the parser refuses, the reader refuses, naming the row; what it reads, the
// parser reads. Every cut of a row, and every byte of it replaced by one of a few.
TEST(RowText, RefusesWhatTheParserRefusesAndNothingElse) {
  const auto& e = schema::entity("incident");
  const std::string row =
      R"({"office_incident_id":"i1","name":"a \"b\" \u00e8","people_count":-12,"data":{"s":[1,2.5,true]},)"
      R"("owned_active":false,"parent_active":null,"x":"y"})";
  std::vector<std::string> texts = {"", "[]", "[{}]", "\"text\"", "1", "{} {}", "{\"a\":1,}", "{\"a\" 1}",
                                    "{\"name\":\"\x01\"}", "{\"name\":\"\xff\"}", "{\"name\":\"\\x\"}",
                                    "{\"name\":01}", "{\"name\":1.}", "{\"name\":tru}", "{\"name\":nul}",
                                    "{\"name\":1e999}", "{\"name\":-}", "{\"name\":\"\\u12\"}"};
  for (size_t cut = 0; cut < row.size(); ++cut) texts.push_back(row.substr(0, cut));
  for (size_t at = 0; at < row.size(); ++at)
    for (char c : {'"', '\\', '{', '}', ',', ':', '1', 'x', ' ', '\x80'}) {
      std::string t = row;
      t[at] = c;
      texts.push_back(t);
    }
  int refused = 0;
  for (const std::string& text : texts) {
    bool parses = false;
    try {
      parses = parse_json(text, "row", Code::server).is_object();
    } catch (const Error&) {
    }
    engine::store::CanonicalRow c;
    try {
      engine::store::canonical_row_from_text(e, text, c, "row", Code::server, {});
    } catch (const Error& err) {
      EXPECT_FALSE(parses) << "refused what the parser reads: " << text;
      EXPECT_EQ(err.code(), Code::server);
      EXPECT_EQ(std::string(err.what()).rfind("row ", 0), 0u) << err.what();
      ++refused;
      continue;
    }
    ASSERT_TRUE(parses) << "read what the parser refuses: " << text;
    expect_read_alike(e, text);
  }
  EXPECT_GT(refused, 100);
}

TEST(RowText, DepthAndSizeAreBounded) {
  const auto& e = schema::entity("incident");
  auto nested = [](int levels) {
    return R"({"office_incident_id":"i1","data":)" + std::string(size_t(levels), '[') + std::string(size_t(levels), ']') + "}";
  };
  engine::store::CanonicalRow c;
  // The row is level 1: a value 63 deep reaches 64.
  EXPECT_NO_THROW(engine::store::canonical_row_from_text(e, nested(63), c, "row", Code::server, {}));
  for (int levels : {64, 100000}) {
    try {
      engine::store::canonical_row_from_text(e, nested(levels), c, "row", Code::server, {});
      ADD_FAILURE() << levels;
    } catch (const Error& err) {
      EXPECT_NE(std::string(err.what()).find("deeper than 64"), std::string::npos) << err.what();
    }
  }
  try {
    engine::store::canonical_row_from_text(e, nested(1), c, "row", Code::server, {.max_depth = 64, .max_bytes = 10});
    ADD_FAILURE();
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("more than the limit of 10"), std::string::npos) << err.what();
  }
}

}  // namespace
}  // namespace hse
