#include "engine/store/canonical_row.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hse::engine::store {

namespace {

// An entity's fields in the order a JSON object keeps its keys (std::map: bytewise),
// each with its key as dump() writes it ("name":), built once per entity.
struct Canonical {
  std::vector<const schema::Field*> sorted;
  std::vector<size_t> index;          // by sorted index: the field's index in e.fields
  std::vector<std::string> key_text;  // by sorted index
  std::vector<bool> hashed;           // by sorted index: false for parent_active, which the hash leaves out
  std::unordered_map<std::string_view, size_t> by_name;  // a field's name -> its sorted index
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
    for (const auto* f : slot->sorted) {
      slot->key_text.push_back(json(f->name).dump() + ":");
      slot->hashed.push_back(f->name != "parent_active");
      slot->by_name.emplace(f->name, slot->by_name.size());
    }
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

using Kind = CanonicalRow::Kind;

bool bound_as_text(const schema::Field& f, const CanonicalRow::Value& v) {
  return f.type == schema::Type::json || f.type == schema::Type::object ||
         (v.kind == Kind::other && v.parsed->is_structured());
}

// A json or object field's canonical bytes (or an array's, an object's), NUL-terminated
// in `decoded`, where bind_fields binds them from.
void keep_bytes(CanonicalRow& out, const schema::Field& f, CanonicalRow::Value& v) {
  if (v.kind == Kind::null || !bound_as_text(f, v)) return;
  v.bytes = out.decoded.size();
  out.decoded.append(out.text, v.from, v.size);
  out.decoded += '\0';
}

// How bind_field binds a parsed value (null: the field is absent).
void set_parsed(CanonicalRow::Value& v, const json* p) {
  v.parsed = p;
  if (!p || p->is_null()) {
    v.kind = Kind::null;
  } else if (p->is_boolean()) {
    v.kind = Kind::boolean;
    v.boolean = p->get<bool>();
  } else if (p->is_number_integer()) {  // unsigned too: bound as int64, as before
    v.kind = Kind::integer;
    v.integer = p->get<int64_t>();
  } else if (p->is_string()) {
    v.kind = Kind::string;
  } else {
    v.kind = Kind::other;
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

void canonical_row(const schema::Entity& e, const json& row, CanonicalRow& out) {
  // The bytes normalize(e, row).dump() would write without parent_active, written
  // straight from `row`: no copy of the row, no map built (the hashes stored in
  // replicas stay valid). tests/unit/sync/row_hash_test.cpp checks it against that definition.
  const Canonical& c = canonical(e);
  out.text.clear();
  out.values.assign(e.fields.size(), {});
  out.decoded.clear();
  out.owned.clear();
  SortedWalk walk(row);
  bool first = true;
  for (size_t i = 0; i < c.sorted.size(); ++i) {
    const json* v = walk.next(c.sorted[i]->name);
    CanonicalRow::Value& value = out.values[c.index[i]];
    set_parsed(value, v);
    if (!c.hashed[i]) continue;
    out.text += first ? '{' : ',';
    first = false;
    out.text += c.key_text[i];
    value.from = out.text.size();
    if (v) append_value(out.text, *v);
    else out.text += "null";
    value.size = out.text.size() - value.from;
    value.in_text = true;
    keep_bytes(out, *c.sorted[i], value);
  }
  out.text += first ? "{}" : "}";
}

void canonical_row(const schema::Entity& e, json&& row, CanonicalRow& out) {
  out.whole = std::move(row);
  canonical_row(e, out.whole, out);
}

std::string_view CanonicalRow::string(size_t i) const {
  const Value& v = values[i];
  if (v.chars == npos) return v.parsed->get_ref<const std::string&>();
  return std::string_view(decoded).substr(v.chars, v.chars_size);
}

json CanonicalRow::normalized(const schema::Entity& e) const {
  // The canonical text is the normalized row's dump() less parent_active: read back,
  // it is that row (a parsed number prints as it reads, a float as the shortest text
  // that reads back the same).
  json row = json::parse(text);
  for (size_t i = 0; i < e.fields.size(); ++i) {
    const Value& v = values[i];
    if (v.in_text) continue;
    json& slot = row[e.fields[i].name];
    switch (v.kind) {
      case Kind::null: slot = nullptr; break;
      case Kind::boolean: slot = v.boolean; break;
      case Kind::integer: slot = v.parsed ? *v.parsed : json(v.integer); break;
      case Kind::string: slot = std::string(string(i)); break;
      case Kind::other: slot = *v.parsed; break;
    }
  }
  return row;
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


// ---- canonical_row_from_text ----

namespace {

bool json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// One row's text read into a CanonicalRow without building it. The common values
// (strings of printable ASCII and the escapes dump() writes itself, integers of up to
// 18 digits, true, false, null) are read here and their bytes are already canonical;
// any other value goes through nlohmann's parser alone. read() is false when the
// whole row must go through it: a key with an escape or a non-ASCII byte, a key
// twice, or text that is not valid (the parser then says what is wrong).
class RowText {
 public:
  RowText(const schema::Entity& e, std::string_view t, CanonicalRow& out, const JsonLimits& limits)
      : e_(e), c_(canonical(e)), t_(t), out_(out), limits_(limits) {}

  bool read() {
    const size_t n = e_.fields.size();
    out_.text.clear();
    out_.values.assign(n, {});
    out_.decoded.clear();
    out_.owned.clear();
    out_.owned.reserve(n);  // never grows past n: `parsed` pointers stay valid
    out_.whole = nullptr;
    seen_.assign(n, false);
    raw_.assign(n, {0, 0});
    space();
    if (!take('{')) return false;
    space();
    if (!take('}')) {
      for (;;) {
        if (!member()) return false;
        space();
        if (take('}')) break;
        if (!take(',')) return false;
        space();
      }
    }
    space();
    if (p_ != t_.size()) return false;
    write_text();
    return true;
  }

 private:
  bool take(char c) {
    if (p_ < t_.size() && t_[p_] == c) return ++p_, true;
    return false;
  }
  void space() {
    while (p_ < t_.size() && json_space(t_[p_])) ++p_;
  }

  bool member() {
    if (!take('"')) return false;
    const size_t from = p_;
    while (p_ < t_.size() && t_[p_] != '"') {
      const auto ch = static_cast<unsigned char>(t_[p_]);
      if (ch < 0x20 || ch >= 0x80 || ch == '\\') return false;
      ++p_;
    }
    if (p_ == t_.size()) return false;
    const std::string_view key = t_.substr(from, p_ - from);
    ++p_;
    space();
    if (!take(':')) return false;
    space();
    auto it = c_.by_name.find(key);
    if (it == c_.by_name.end()) return value(nullptr);  // read, so that the row is valid, and dropped
    const size_t at = c_.index[it->second];
    if (seen_[at]) return false;  // the parser keeps the last: the whole row goes to it
    seen_[at] = true;
    return value(&out_.values[at]) && (raw_[at].second = p_ - raw_[at].first, true);
  }

  // One value at p_ into `v` (nullptr: read and dropped). For a value read here,
  // raw_ keeps where its text is; it is copied to out_.text in key order afterwards.
  bool value(CanonicalRow::Value* v) {
    if (p_ >= t_.size()) return false;
    if (v) raw_[size_t(v - out_.values.data())].first = p_;
    const char ch = t_[p_];
    if (ch == '"') return string(v);
    if (ch == '-' || (ch >= '0' && ch <= '9')) return number(v);
    if (ch == 't') return literal("true", v, Kind::boolean, true);
    if (ch == 'f') return literal("false", v, Kind::boolean, false);
    if (ch == 'n') return literal("null", v, Kind::null, false);
    if (ch == '{' || ch == '[') return parsed(json_span_end(t_, p_, limits_.max_depth - 1), v);  // the row is level 1
    return false;
  }

  bool literal(std::string_view word, CanonicalRow::Value* v, Kind kind, bool b) {
    if (t_.substr(p_, word.size()) != word) return false;
    p_ += word.size();
    if (v) v->kind = kind, v->boolean = b;
    return true;
  }

  bool string(CanonicalRow::Value* v) {
    const size_t open = p_++;
    bool escaped = false;
    for (;;) {
      if (p_ >= t_.size()) return false;
      const auto ch = static_cast<unsigned char>(t_[p_]);
      if (ch == '"') break;
      if (ch == '\\') {
        const char next = p_ + 1 < t_.size() ? t_[p_ + 1] : '\0';
        // \/ and \u: dump() writes the character otherwise; the parser reads them.
        if (std::string_view("\"\\bfnrt").find(next) == std::string_view::npos || next == '\0')
          return parsed(json_span_end(t_, open, 0), v, open);
        escaped = true;
        p_ += 2;
        continue;
      }
      if (ch < 0x20 || ch >= 0x80) return parsed(json_span_end(t_, open, 0), v, open);  // the parser checks UTF-8
      ++p_;
    }
    ++p_;
    if (!v) return true;
    // The characters, unescaped, NUL-terminated for SQLite.
    v->kind = Kind::string;
    v->chars = out_.decoded.size();
    if (!escaped) {
      out_.decoded.append(t_, open + 1, p_ - open - 2);
    } else {
      for (size_t i = open + 1; i + 1 < p_; ++i) {
        char c = t_[i];
        if (c == '\\') {
          switch (t_[++i]) {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            default: c = t_[i]; break;  // " and \ .
          }
        }
        out_.decoded += c;
      }
    }
    v->chars_size = out_.decoded.size() - v->chars;
    out_.decoded += '\0';
    return true;
  }

  bool number(CanonicalRow::Value* v) {
    const size_t from = p_;
    const bool negative = take('-');
    size_t digits = 0;
    uint64_t magnitude = 0;
    while (p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '9') {
      magnitude = magnitude * 10 + uint64_t(t_[p_] - '0');
      ++digits, ++p_;
    }
    const bool more = p_ < t_.size() && (t_[p_] == '.' || t_[p_] == 'e' || t_[p_] == 'E');
    // Up to 18 digits fit an int64; "-0", "01", fractions and exponents are the parser's.
    if (digits == 0 || digits > 18 || more || (digits > 1 && t_[from + negative] == '0') || (negative && magnitude == 0)) {
      p_ = from;
      while (p_ < t_.size() && std::string_view("+-.eE0123456789").find(t_[p_]) != std::string_view::npos) ++p_;
      return parsed(p_, v, from);
    }
    if (v) v->kind = Kind::integer, v->integer = negative ? -int64_t(magnitude) : int64_t(magnitude);
    return true;
  }

  // The value from `from` (p_ when not given) to `end`, read by nlohmann's parser.
  bool parsed(size_t end, CanonicalRow::Value* v, size_t from = std::string_view::npos) {
    if (from == std::string_view::npos) from = p_;
    if (end == std::string_view::npos) return false;
    json j;
    try {
      j = parse_json(t_.substr(from, end - from), "value", Code::invalid,
                     {.max_depth = limits_.max_depth - 1, .max_bytes = limits_.max_bytes});
    } catch (const Error&) {
      return false;  // the whole row goes to the parser, which says where
    }
    p_ = end;
    if (!v) return true;
    out_.owned.push_back(std::move(j));
    set_parsed(*v, &out_.owned.back());
    return true;
  }

  // The catalog's fields in key order, each value's bytes as read or as dump() writes
  // a parsed one.
  void write_text() {
    bool first = true;
    for (size_t i = 0; i < c_.sorted.size(); ++i) {
      const size_t at = c_.index[i];
      CanonicalRow::Value& v = out_.values[at];
      const std::string_view raw = seen_[at] ? t_.substr(raw_[at].first, raw_[at].second) : std::string_view("null");
      if (!c_.hashed[i]) continue;
      out_.text += first ? '{' : ',';
      first = false;
      out_.text += c_.key_text[i];
      v.from = out_.text.size();
      if (v.parsed) append_value(out_.text, *v.parsed);
      else out_.text += raw;
      v.size = out_.text.size() - v.from;
      v.in_text = true;
      keep_bytes(out_, *c_.sorted[i], v);
    }
    out_.text += first ? "{}" : "}";
  }

  const schema::Entity& e_;
  const Canonical& c_;
  std::string_view t_;
  CanonicalRow& out_;
  const JsonLimits& limits_;
  size_t p_ = 0;
  // By e.fields index: whether the row has the field, and where its value's text is.
  thread_local static std::vector<bool> seen_;
  thread_local static std::vector<std::pair<size_t, size_t>> raw_;
};

thread_local std::vector<bool> RowText::seen_;
thread_local std::vector<std::pair<size_t, size_t>> RowText::raw_;

}  // namespace

void canonical_row_from_text(const schema::Entity& e, std::string_view text, CanonicalRow& out,
                             const std::string& what, Code code, const JsonLimits& limits) {
  if (text.size() <= limits.max_bytes && RowText(e, text, out, limits).read()) return;
  json row = parse_json(text, what, code, limits);
  if (!row.is_object()) throw Error(code, what + " is not a JSON object", {{what, "is not a JSON object"}});
  canonical_row(e, std::move(row), out);
}

}  // namespace hse::engine::store
