#include "engine/store/row_codec.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
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
  std::vector<size_t> index;          // by sorted index: the field's index in e.fields
  std::vector<std::string> key_text;  // by sorted index
};

const Canonical& canonical(const schema::Entity& e) {
  // The last entity this thread asked for: a page asks for one entity row after row.
  thread_local const schema::Entity* last_entity = nullptr;
  thread_local const Canonical* last = nullptr;
  if (last_entity == &e) return *last;
  static std::mutex mu;
  static std::unordered_map<const schema::Entity*, std::unique_ptr<Canonical>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[&e];
  if (!slot) {
    slot = std::make_unique<Canonical>();
    for (size_t i = 0; i < e.fields.size(); ++i) slot->index.push_back(i);
    std::sort(slot->index.begin(), slot->index.end(),
              [&e](size_t a, size_t b) { return e.fields[a].name < e.fields[b].name; });
    for (size_t i : slot->index) slot->sorted.push_back(&e.fields[i]);
    for (const auto* f : slot->sorted) slot->key_text.push_back(json(f->name).dump() + ":");
  }
  last_entity = &e;
  last = slot.get();
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

// A string dump() writes as it is between quotes: printable ASCII, no quote, no
// backslash (anything else is escaped, or checked as UTF-8, by nlohmann's serializer).
// Eight bytes at a time (a byte-wise loop was half of canonical_row's own time).
bool plain_ascii(const std::string& s) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  // Nonzero iff some byte of v is below n (n <= 0x80), for words without a high bit.
  auto has_less = [](uint64_t v, uint64_t n) { return (v - kOnes * n) & ~v & kHighs; };
  const char* p = s.data();
  const size_t n = s.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    if ((x & kHighs) | has_less(x, 0x20) | has_less(x ^ (kOnes * '"'), 1) | has_less(x ^ (kOnes * '\\'), 1)) return false;
  }
  for (; i < n; ++i) {
    const auto ch = static_cast<unsigned char>(p[i]);
    if (ch < 0x20 || ch >= 0x80 || ch == '"' || ch == '\\') return false;
  }
  return true;
}

// Appends the bytes dump() writes for `v` (no indent, UTF-8 kept as is): the common
// scalars directly, anything else (floats, objects, arrays, strings needing escapes or
// a UTF-8 check) through nlohmann's serializer, so the bytes are its bytes.
void append_value(std::string& text, const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      text += "null";
      return;
    case json::value_t::boolean:
      text += v.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: {
      char buf[24];
      auto end = v.is_number_unsigned() ? std::to_chars(buf, buf + sizeof buf, v.get<uint64_t>()).ptr
                                        : std::to_chars(buf, buf + sizeof buf, v.get<int64_t>()).ptr;
      text.append(buf, end);
      return;
    }
    case json::value_t::string:
      if (const auto& s = v.get_ref<const std::string&>(); plain_ascii(s)) {
        text += '"';
        text += s;
        text += '"';
        return;
      }
      break;
    default:
      break;
  }
  // One buffer and one serializer per thread: a serializer allocates on construction.
  thread_local std::string scratch;
  thread_local nlohmann::detail::serializer<json> out(nlohmann::detail::output_adapter<char, std::string>(scratch), ' ');
  scratch.clear();
  out.dump(v, false, false, 0);
  text += scratch;
}

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

void canonical_row(const schema::Entity& e, const json& row, CanonicalRow& out) {
  // The bytes normalize(e, row).dump() would write without parent_active, written
  // straight from `row`: no copy of the row, no map built (the hashes stored in
  // replicas stay valid). tests/unit/sync/row_hash_test.cpp checks it against that definition.
  const Canonical& c = canonical(e);
  const size_t n = e.fields.size();
  out.text.clear();
  out.values.assign(n, nullptr);
  out.spans.assign(n, {0, 0});
  out.in_text.assign(n, false);
  SortedWalk walk(row);
  bool first = true;
  for (size_t i = 0; i < c.sorted.size(); ++i) {
    const schema::Field& f = *c.sorted[i];
    const size_t at = c.index[i];
    const json* v = walk.next(f.name);
    out.values[at] = v;
    if (f.name == "parent_active") continue;
    out.text += first ? '{' : ',';
    first = false;
    out.text += c.key_text[i];
    const size_t from = out.text.size();
    if (v) append_value(out.text, *v);
    else out.text += "null";
    out.spans[at] = {from, out.text.size() - from};
    out.in_text[at] = true;
  }
  out.text += first ? "{}" : "}";
}

namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string hex16(uint64_t h) {
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[size_t(i)] = kHex[h & 0xf];
  return out;
}

// MurmurHash64A (seed 0), eight bytes a step: a ninth of FNV-1a's time over a row's
// canonical bytes, which FNV walks a byte at a time (about 0.08 s of CPU per 100,000
// rows of the demo, on every pull of them).
uint64_t murmur64a(const std::string& text) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ull;
  constexpr int r = 47;
  const char* p = text.data();
  const size_t n = text.size();
  uint64_t h = n * m;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t k;
    std::memcpy(&k, p + i, 8);  // native order: x86 and ARM (little-endian) hash alike
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  if (i < n) {
    uint64_t k = 0;
    std::memcpy(&k, p + i, n - i);
    h ^= k;
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

uint64_t fnv1a64(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string CanonicalRow::hash() const { return kHashMarker + hex16(murmur64a(text)); }

bool CanonicalRow::hashes_to(const std::string& stored) const {
  // 16 hex digits with no marker: FNV-1a 64, what replicas stored before the marker.
  // A row left unchanged keeps that hash; it is compared as it was made.
  if (stored.size() == 16) return stored == hex16(fnv1a64(text));
  return stored == hash();
}

std::string content_hash(const schema::Entity& e, const json& row) {
  thread_local CanonicalRow c;
  canonical_row(e, row, c);
  return c.hash();
}

void bind_fields(SQLite::Statement& stmt, int first, const schema::Entity& e, const CanonicalRow& c) {
  for (size_t i = 0; i < e.fields.size(); ++i) {
    const schema::Field& f = e.fields[i];
    const json* v = c.values[i];
    const int index = first + int(i);
    if (!v || v->is_null() || !c.in_text[i]) {
      bind_value(stmt, index, f, v);
    } else if (f.type == schema::Type::json || f.type == schema::Type::object || v->is_structured()) {
      // dump()'s bytes, already written for the hash.
      stmt.bind(index, c.text.substr(c.spans[i].first, c.spans[i].second));
    } else if (v->is_string()) {
      stmt.bindNoCopy(index, v->get_ref<const std::string&>());
    } else {
      bind_value(stmt, index, f, v);
    }
  }
}

}  // namespace hse::engine::store
