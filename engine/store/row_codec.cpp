#include "engine/store/row_codec.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/json_input.hpp"

namespace hse::engine::store {

namespace {

// An entity's fields in the order a JSON object keeps its keys (std::map: bytewise),
// each with its key as dump() writes it ("name":), built once per entity.
struct Canonical {
  std::vector<const schema::Field*> sorted;
  std::vector<std::string> key_text;  // by sorted index
};

const Canonical& canonical(const schema::Entity& e) {
  static std::mutex mu;
  static std::unordered_map<const schema::Entity*, std::unique_ptr<Canonical>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[&e];
  if (!slot) {
    slot = std::make_unique<Canonical>();
    for (const auto& f : e.fields) slot->sorted.push_back(&f);
    std::sort(slot->sorted.begin(), slot->sorted.end(),
              [](const schema::Field* a, const schema::Field* b) { return a->name < b->name; });
    for (const auto* f : slot->sorted) slot->key_text.push_back(json(f->name).dump() + ":");
  }
  return *slot;
}

// Walks `row`'s keys (a std::map: in order) beside the sorted fields: each field's
// value or nullptr, with no search of the map per field.
class SortedWalk {
 public:
  explicit SortedWalk(const json& row) {
    if (row.is_object()) {
      it_ = row.get_ref<const json::object_t&>().begin();
      end_ = row.get_ref<const json::object_t&>().end();
    }
  }
  // Fields must be asked for in sorted order.
  const json* next(const std::string& name) {
    while (it_ != end_ && it_->first < name) ++it_;
    return it_ != end_ && it_->first == name ? &it_->second : nullptr;
  }

 private:
  json::object_t::const_iterator it_{}, end_{};
};

}  // namespace

json normalize(const schema::Entity& e, const json& row) {
  const Canonical& c = canonical(e);
  json out = json::object();
  auto& fields = out.get_ref<json::object_t&>();
  SortedWalk walk(row);
  // In key order, each key lands at the end: no search of the map.
  for (const auto* f : c.sorted) {
    const json* v = walk.next(f->name);
    fields.emplace_hint(fields.end(), f->name, v ? *v : json());
  }
  return out;
}

json normalize(const schema::Entity& e, json&& row) {
  if (!row.is_object()) return normalize(e, std::as_const(row));
  // In place, walking the row's keys beside the sorted fields: the row's own nodes
  // stay, a key the catalog lacks goes, a field the row lacks comes in as null at its
  // place. No node is built for a field the row has (a create's row has most).
  auto& fields = row.get_ref<json::object_t&>();
  auto it = fields.begin();
  for (const auto* f : canonical(e).sorted) {
    while (it != fields.end() && it->first < f->name) it = fields.erase(it);
    if (it != fields.end() && it->first == f->name) ++it;
    else fields.emplace_hint(it, f->name, nullptr);
  }
  fields.erase(it, fields.end());
  return std::move(row);
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
  // The bytes normalize(e, row).dump() would write without parent_active, written
  // straight from `row`: no copy of the row, no map built (the hashes stored in
  // replicas stay valid). tests/unit/engine checks it against that definition.
  const Canonical& c = canonical(e);
  // One buffer and one serializer per thread: a serializer allocates on construction.
  thread_local std::string text;
  thread_local nlohmann::detail::serializer<json> out(nlohmann::detail::output_adapter<char, std::string>(text), ' ');
  text.clear();
  SortedWalk walk(row);
  bool first = true;
  for (size_t i = 0; i < c.sorted.size(); ++i) {
    const schema::Field& f = *c.sorted[i];
    const json* v = walk.next(f.name);
    if (f.name == "parent_active") continue;
    text += first ? '{' : ',';
    first = false;
    text += c.key_text[i];
    if (v) out.dump(*v, false, false, 0);
    else text += "null";
  }
  text += first ? "{}" : "}";
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
