#include "engine/store/row_codec.hpp"

#include <cstdint>
#include <string>

#include "core/json_input.hpp"

namespace hse::engine::store {

namespace {

// bind_field's rule for one value (`v` null: the field is absent).
void bind_value(SQLite::Statement& stmt, int index, const schema::Field& f, const json* v) {
  if (!v || v->is_null()) {
    stmt.bind(index);
  } else if (f.type == schema::Type::json || f.type == schema::Type::object) {
    stmt.bind(index, v->dump());
  } else if (v->is_string()) {
    stmt.bind(index, v->get_ref<const std::string&>());
  } else if (v->is_boolean()) {
    stmt.bind(index, v->get<bool>() ? 1 : 0);
  } else if (v->is_number_integer()) {
    stmt.bind(index, v->get<int64_t>());
  } else if (v->is_number()) {
    stmt.bind(index, v->get<double>());
  } else {
    stmt.bind(index, v->dump());  // a server value of an unexpected shape is kept, not lost
  }
}

}  // namespace

void bind_field(SQLite::Statement& stmt, int index, const schema::Field& f, const json& row) {
  auto it = row.find(f.name);
  bind_value(stmt, index, f, it == row.end() ? nullptr : &*it);
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

void bind_fields(SQLite::Statement& stmt, int first, const schema::Entity& e, const CanonicalRow& c) {
  using Kind = CanonicalRow::Kind;
  for (size_t i = 0; i < e.fields.size(); ++i) {
    const schema::Field& f = e.fields[i];
    const CanonicalRow::Value& v = c.values[i];
    const int index = first + int(i);
    if (v.kind == Kind::null) {
      stmt.bind(index);
    } else if (!v.in_text) {
      // parent_active, which the hash leaves out: bound by the general rule.
      const json value = v.parsed ? *v.parsed
                         : v.kind == Kind::boolean ? json(v.boolean)
                         : v.kind == Kind::integer ? json(v.integer)
                                                   : json(std::string(c.string(i)));
      bind_value(stmt, index, f, &value);
    } else if (v.bytes != CanonicalRow::npos) {
      stmt.bindNoCopy(index, c.decoded.data() + v.bytes);  // dump()'s bytes, written for the hash
    } else if (v.kind == Kind::string) {
      if (v.chars != CanonicalRow::npos) stmt.bindNoCopy(index, c.decoded.data() + v.chars);
      else stmt.bindNoCopy(index, v.parsed->get_ref<const std::string&>());
    } else if (v.kind == Kind::boolean) {
      stmt.bind(index, v.boolean ? 1 : 0);
    } else if (v.kind == Kind::integer) {
      stmt.bind(index, v.integer);
    } else {
      bind_value(stmt, index, f, v.parsed);  // a float
    }
  }
}

}  // namespace hse::engine::store
