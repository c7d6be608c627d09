#include "engine/store/row_codec.hpp"

#include <cstdio>

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

std::string content_hash(const schema::Entity& e, const json& row) {
  json fields = normalize(e, row);
  fields.erase("parent_active");
  std::string text = fields.dump();
  uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace hse::engine::store
