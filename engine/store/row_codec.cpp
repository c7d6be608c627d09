#include "engine/store/row_codec.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <utility>

#include "core/json_input.hpp"

namespace hse::engine::store {

json normalize(const schema::Entity& e, const json& row) {
  json out = json::object();
  for (const auto& f : e.fields) {
    auto it = row.find(f.name);
    out[f.name] = it == row.end() ? json() : *it;
  }
  return out;
}

json normalize(const schema::Entity& e, json&& row) {
  if (!row.is_object()) return normalize(e, std::as_const(row));
  json out = json::object();
  for (const auto& f : e.fields) {
    auto it = row.find(f.name);
    out[f.name] = it == row.end() ? json() : std::move(*it);
  }
  return out;
}

void bind_field(SQLite::Statement& stmt, int index, const schema::Field& f, const json& row) {
  auto it = row.find(f.name);
  if (it == row.end() || it->is_null()) {
    stmt.bind(index);
    return;
  }
  const json& v = *it;
  if (f.type == schema::Type::json || f.type == schema::Type::object) {
    stmt.bind(index, v.dump());
  } else if (v.is_string()) {
    stmt.bind(index, v.get_ref<const std::string&>());
  } else if (v.is_boolean()) {
    stmt.bind(index, v.get<bool>() ? 1 : 0);
  } else if (v.is_number_integer()) {
    stmt.bind(index, v.get<int64_t>());
  } else if (v.is_number()) {
    stmt.bind(index, v.get<double>());
  } else {
    stmt.bind(index, v.dump());  // a server value of an unexpected shape is kept, not lost
  }
}

json read_field(SQLite::Statement& stmt, int index, const schema::Field& f) {
  SQLite::Column c = stmt.getColumn(index);
  if (c.isNull()) return nullptr;
  switch (f.type) {
    case schema::Type::boolean:
      return c.getInt64() != 0;
    case schema::Type::integer:
    case schema::Type::timestamp:
      if (c.isInteger()) return c.getInt64();
      if (c.isFloat()) return c.getDouble();
      return c.getString();
    case schema::Type::json:
    case schema::Type::object: {
      std::string text = c.getString();
      // A file edited by hand, or written before depth was bounded: kept as its text,
      // never built into a value whose copies and dumps would overflow the stack.
      if (json_text_depth(text, JsonLimits{}.max_depth) > JsonLimits{}.max_depth) return json(text);
      json parsed = json::parse(text, nullptr, false);
      return parsed.is_discarded() ? json(text) : parsed;
    }
    default:
      if (c.isInteger()) return c.getInt64();
      return c.getString();
  }
}

namespace {

// The fields a content hash covers, in the order the normalized row's dump lists them
// (nlohmann objects are sorted by key), parent_active left out. Built once per entity.
const std::vector<const schema::Field*>& hashed_fields(const schema::Entity& e) {
  static std::unordered_map<const schema::Entity*, std::vector<const schema::Field*>> cache;
  static std::mutex mu;
  std::lock_guard lock(mu);
  auto it = cache.find(&e);
  if (it != cache.end()) return it->second;
  std::vector<const schema::Field*> fields;
  for (const auto& f : e.fields)
    if (f.name != "parent_active") fields.push_back(&f);
  std::sort(fields.begin(), fields.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  fields.erase(std::unique(fields.begin(), fields.end(), [](const auto* a, const auto* b) { return a->name == b->name; }),
               fields.end());
  return cache.emplace(&e, std::move(fields)).first->second;
}

struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void add(std::string_view bytes) {
    for (unsigned char ch : bytes) {
      h ^= ch;
      h *= 1099511628211ull;
    }
  }
};

}  // namespace

// The bytes hashed are those of the normalized row's compact dump without
// parent_active, as before (hashes stored in replicas stay valid), streamed field by
// field instead of built as a copy of the row: a pulled row is hashed once per page.
std::string content_hash(const schema::Entity& e, const json& row) {
  Fnv fnv;
  fnv.add("{");
  bool first = true;
  std::string value;
  for (const schema::Field* f : hashed_fields(e)) {
    if (!first) fnv.add(",");
    first = false;
    fnv.add("\"");
    fnv.add(f->name);  // catalog names need no escaping
    fnv.add("\":");
    auto it = row.is_object() ? row.find(f->name) : row.end();
    if (it == row.end()) {
      fnv.add("null");
    } else {
      value = it->dump();
      fnv.add(value);
    }
  }
  fnv.add("}");
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv.h));
  return buf;
}

}  // namespace hse::engine::store
