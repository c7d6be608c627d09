#include "adapters/emulator/v2_store.hpp"

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <string_view>

#include "adapters/emulator/sql_ident.hpp"
#include "core/error.hpp"

namespace hse::adapters::emulator {

namespace {

using schema::Entity;
using schema::Field;
using schema::Type;

// Read-only fields the server derives from the parent rows at query time (t: the row,
// o: its office, p: its project). They are answered by each entity's view and never stored.
struct Computed {
  std::string_view entity, field, expr;
};
constexpr std::string_view kProjectActive = "(%.\"owned_active\" AND %.\"status\" NOT IN ('pending_delete','deleted'))";
constexpr Computed kComputed[] = {
    {"office", "project_name", "p.\"name\""},       {"office", "project_type", "p.\"project_type\""},
    {"office", "project_status", "p.\"status\""},   {"action", "office_name", "o.\"name\""},
    {"action", "project_name", "p.\"name\""},       {"action", "project_type", "p.\"project_type\""},
    {"incident", "office_name", "o.\"name\""},      {"incident", "project_name", "p.\"name\""},
};

// A project scheduled for deletion (or deleted) is no longer active: its offices and
// their rows drop out of default indexes like the children of a historicized office.
std::string project_active(std::string_view alias) {
  std::string s(kProjectActive);
  for (size_t pos; (pos = s.find('%')) != std::string::npos;) s.replace(pos, 1, alias);
  return s;
}

const Computed* computed(const Entity& e, const Field& f) {
  for (const auto& c : kComputed)
    if (c.entity == e.name && c.field == f.name) return &c;
  return nullptr;
}


// The expression a view answers for field `f` of `e`.
std::string view_expr(const Entity& e, const Field& f) {
  if (const Computed* c = computed(e, f)) return std::string(c->expr);
  if (e.name == "project" && f.name == "owned_active") return project_active("t");
  return "t." + ident(f.name);
}

std::string joins(const Entity& e) {
  if (e.parent == "project") return " LEFT JOIN \"project\" p ON p.\"project_id\" = t." + ident(e.parent_field);
  if (e.parent == "office")
    return " LEFT JOIN \"office\" o ON o.\"office_id\" = t." + ident(e.parent_field) +
           " LEFT JOIN \"project\" p ON p.\"project_id\" = o.\"project_id\"";
  return "";
}

// The value a row's parent_active takes from its parent row (alias par).
std::string parent_activity(const Entity& e) {
  if (e.parent == "project")
    return "COALESCE((SELECT " + project_active("par") + " FROM \"project\" par WHERE par.\"project_id\" = " +
           ident(e.name) + "." + ident(e.parent_field) + "), 0)";
  if (e.parent == "office")
    return "COALESCE((SELECT par.\"owned_active\" AND par.\"parent_active\" FROM \"office\" par "
           "WHERE par.\"office_id\" = " + ident(e.name) + "." + ident(e.parent_field) + "), 0)";
  return "1";
}

bool is_validity(const Field& f) { return f.name == "owned_active" || f.name == "parent_active"; }

// A filter value as the column stores it; throws naming the filter when it cannot be one.
json coerce_filter(const Field& f, const json& v) {
  auto bad = [&](const std::string& msg) -> json { throw ValidationError(std::vector<FieldError>{{"filter." + f.name, msg}}); };
  switch (f.type) {
    case Type::integer:
    case Type::timestamp:
      if (v.is_number_integer()) return v;
      if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
        if (s.size() > start && s.size() < 19 && s.find_first_not_of("0123456789", start) == std::string::npos)
          return std::stoll(s);
      }
      return bad("must be an integer");
    case Type::boolean:
      if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
      if (v == 0 || v == 1) return v;
      if (v == "true" || v == "1") return 1;
      if (v == "false" || v == "0") return 0;
      return bad("must be a boolean");
    case Type::json:
    case Type::object:
      return v.dump();
    default:
      return v.is_string() ? v : json(v.dump());
  }
}

void bind_json(SQLite::Statement& st, int index, const json& v) {
  if (v.is_null()) st.bind(index);
  else if (v.is_number_integer()) st.bind(index, v.get<int64_t>());
  else if (v.is_boolean()) st.bind(index, v.get<bool>() ? 1 : 0);
  else if (v.is_number()) st.bind(index, v.get<double>());
  else if (v.is_string()) st.bind(index, v.get_ref<const std::string&>());
  else st.bind(index, v.dump());
}

// Appends `s` as a JSON string. Text in the database came through the JSON parser, so
// it is valid UTF-8 and passes through; only quotes, backslashes and controls escape.
void append_string(std::string& out, const std::string& s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += "\\u00"; out += hex[c >> 4]; out += hex[c & 15];
      }
    } else {
      out += char(c);
    }
  }
  out += '"';
}

}  // namespace

const std::vector<const Field*>& stored_fields(const Entity& e) {
  static std::map<std::string, std::vector<const Field*>> cache = [] {
    std::map<std::string, std::vector<const Field*>> all;
    for (const auto& ent : schema::entities())
      for (const auto& f : ent.fields)
        if (!computed(ent, f)) all[ent.name].push_back(&f);
    return all;
  }();
  return cache.at(e.name);
}

V2Store::V2Store(const std::string& path)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX) {
  // A test server: durability is not worth a sync per write.
  db_.exec("PRAGMA journal_mode=" + std::string(path == ":memory:" ? "MEMORY" : "WAL"));
  db_.exec("PRAGMA synchronous=OFF");
  db_.exec("PRAGMA temp_store=MEMORY");
  db_.exec("PRAGMA cache_size=-65536");
  SQLite::Transaction tx(db_);
  for (const auto& e : schema::entities()) {
    if (e.remote != "fourhse") continue;
    std::string cols;
    for (const Field* f : stored_fields(e)) {
      cols += (cols.empty() ? "" : ", ") + ident(f->name) + " " + f->sql_type();
      if (f->name == e.key) cols += " NOT NULL UNIQUE";
      else if (is_validity(*f)) cols += " NOT NULL DEFAULT 1";
    }
    db_.exec("CREATE TABLE IF NOT EXISTS " + ident(e.name) + " (" + cols + ")");
    // The default index (active rows by key) and history scans both walk an index.
    db_.exec("CREATE INDEX IF NOT EXISTS " + ident("ix_" + e.name + "_active") + " ON " + ident(e.name) +
             " (\"owned_active\", \"parent_active\", " + ident(e.key) + ")");
    // A scope's pages (filter by a parent, in key order) walk this index in order:
    // without the key in it, every page sorted the whole scope again (~20 ms a page).
    for (const auto& f : e.fields)
      if (!f.references.empty() && !f.read_only)
        db_.exec("CREATE INDEX IF NOT EXISTS " + ident("ix_" + e.name + "_" + f.name) + " ON " + ident(e.name) +
                 " (" + ident(f.name) + ", " + ident(e.key) + ")");
    std::string view_cols = "t.rowid AS _rid";
    for (const auto& f : e.fields) view_cols += ", " + view_expr(e, f) + " AS " + ident(f.name);
    db_.exec("DROP VIEW IF EXISTS " + ident("v_" + e.name));
    db_.exec("CREATE VIEW " + ident("v_" + e.name) + " AS SELECT " + view_cols + " FROM " + ident(e.name) + " t" +
             joins(e));
  }
  tx.commit();
}

SQLite::Statement& V2Store::statement(const std::string& sql) { return statements_.get(sql); }

json V2Store::row_from(SQLite::Statement& st, const Entity& e) {
  json row = json::object();
  int i = 0;
  for (const auto& f : e.fields) {
    SQLite::Column c = st.getColumn(i++);
    if (c.isNull()) {
      row[f.name] = nullptr;
      continue;
    }
    switch (f.type) {
      case Type::integer:
      case Type::timestamp:
        row[f.name] = c.getInt64();
        break;
      case Type::boolean:
        row[f.name] = c.getInt64() != 0;
        break;
      case Type::json:
      case Type::object: {
        // Stored as the JSON text of the value the client sent, so it comes back as sent.
        json v = json::parse(c.getString(), nullptr, false);
        row[f.name] = v.is_discarded() ? json(c.getString()) : v;
        break;
      }
      default:
        row[f.name] = c.getString();
    }
  }
  return row;
}

void V2Store::append_row(std::string& out, SQLite::Statement& st, const Entity& e) {
  // Written straight from the columns: an index page is the hot path of every sync, and
  // building a json object per row first costs several times more than the query.
  out += '{';
  int i = 0;
  for (const auto& f : e.fields) {
    if (i) out += ',';
    append_string(out, f.name);
    out += ':';
    SQLite::Column c = st.getColumn(i++);
    if (c.isNull()) {
      out += "null";
      continue;
    }
    switch (f.type) {
      case Type::integer:
      case Type::timestamp:
        out += std::to_string(c.getInt64());
        break;
      case Type::boolean:
        out += c.getInt64() != 0 ? "true" : "false";
        break;
      case Type::json:
      case Type::object:
        out += c.getString();  // stored as JSON text by bind_field
        break;
      default:
        append_string(out, c.getString());
    }
  }
  out += '}';
}

void V2Store::bind_field(SQLite::Statement& st, int index, const Field& f, const json& v) {
  if (v.is_null()) return st.bind(index);
  switch (f.type) {
    case Type::json:
    case Type::object:
      return st.bind(index, v.dump());
    case Type::boolean:
      return st.bind(index, v.is_boolean() ? (v.get<bool>() ? 1 : 0) : (v == 0 ? 0 : 1));
    case Type::integer:
    case Type::timestamp:
      if (v.is_number_integer()) return st.bind(index, v.get<int64_t>());
      return bind_json(st, index, v);
    default:
      return bind_json(st, index, v);
  }
}

namespace {
std::string select_list(const Entity& e) {
  std::string cols;
  for (const auto& f : e.fields) cols += (cols.empty() ? "" : ", ") + ident(f.name);
  return cols;
}
}  // namespace

std::optional<json> V2Store::find(const Entity& e, const std::string& id) {
  auto& st = statement("SELECT " + select_list(e) + " FROM " + ident("v_" + e.name) + " WHERE " + ident(e.key) + " = ?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  return row_from(st, e);
}

bool V2Store::exists(const Entity& e, const std::string& id) {
  auto& st = statement("SELECT 1 FROM " + ident(e.name) + " WHERE " + ident(e.key) + " = ?");
  st.bind(1, id);
  return st.executeStep();
}

bool V2Store::name_taken(const Entity& e, const std::string& parent_id, const std::string& name,
                       const std::string& except_id) {
  auto& st = statement("SELECT 1 FROM " + ident(e.name) + " WHERE " + ident(e.parent_field) + " = ? AND " +
                       ident(e.unique_name_field) + " = ? AND " + ident(e.key) + " <> ? LIMIT 1");
  st.bind(1, parent_id);
  st.bind(2, name);
  st.bind(3, except_id);
  return st.executeStep();
}

void V2Store::insert(const Entity& e, const json& row) {
  std::string cols, marks;
  for (const Field* f : stored_fields(e)) {
    cols += (cols.empty() ? "" : ", ") + ident(f->name);
    marks += marks.empty() ? "?" : ", ?";
  }
  auto& st = statement("INSERT INTO " + ident(e.name) + " (" + cols + ") VALUES (" + marks + ")");
  int i = 1;
  for (const Field* f : stored_fields(e)) {
    auto it = row.find(f->name);
    if (it != row.end() && !it->is_null()) {
      bind_field(st, i++, *f, *it);
    } else if (f->read_only && f->type == Type::boolean) {
      st.bind(i++, 1);  // validity starts active
    } else if (f->read_only && f->type == Type::integer) {
      st.bind(i++, 0);  // counts nobody recorded are zero, not unknown
    } else {
      st.bind(i++);
    }
  }
  st.exec();
  touch();
}

void V2Store::update(const Entity& e, const std::string& id, const json& row) {
  std::string sets;
  for (const Field* f : stored_fields(e))
    if (!is_validity(*f) && f->name != e.key) sets += (sets.empty() ? "" : ", ") + ident(f->name) + " = ?";
  auto& st = statement("UPDATE " + ident(e.name) + " SET " + sets + " WHERE " + ident(e.key) + " = ?");
  int i = 1;
  for (const Field* f : stored_fields(e)) {
    if (is_validity(*f) || f->name == e.key) continue;
    auto it = row.find(f->name);
    bind_field(st, i++, *f, it == row.end() ? json() : *it);
  }
  st.bind(i, id);
  st.exec();
  touch();
}

void V2Store::remove(const Entity& e, const std::string& id) {
  auto& st = statement("DELETE FROM " + ident(e.name) + " WHERE " + ident(e.key) + " = ?");
  st.bind(1, id);
  st.exec();
  touch();
}

bool V2Store::set_owned_active(const Entity& e, const std::string& id, bool active) {
  auto& st = statement("UPDATE " + ident(e.name) + " SET \"owned_active\" = ? WHERE " + ident(e.key) + " = ?");
  st.bind(1, active ? 1 : 0);
  st.bind(2, id);
  bool found = st.exec() > 0;
  touch();
  return found;
}

void V2Store::refresh_activity(const Entity& e, const std::string& id) {
  // The row itself (its parent may have changed), then every entity below it, in
  // catalog order (parents first) so each level reads the level above already updated.
  auto refresh = [&](const Entity& child, const std::string& where) {
    auto& st = statement("UPDATE " + ident(child.name) + " SET \"parent_active\" = " + parent_activity(child) +
                         " WHERE " + where);
    st.bind(1, id);
    st.exec();
  };
  refresh(e, ident(e.key) + " = ?");
  for (const auto& child : schema::entities()) {
    if (child.remote != "fourhse" || child.parent.empty() || &child == &e) continue;
    if (child.parent == e.name) {
      refresh(child, ident(child.parent_field) + " = ?");
    } else {
      // A grandchild: its parent is a child of `e`.
      const Entity& parent = schema::entity(child.parent);
      if (parent.parent != e.name) continue;
      refresh(child, ident(child.parent_field) + " IN (SELECT " + ident(parent.key) + " FROM " +
                         ident(parent.name) + " WHERE " + ident(parent.parent_field) + " = ?)");
    }
  }
  touch();
}

std::map<std::string, std::vector<std::string>> V2Store::children(const Entity& e, const std::string& id) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& child : schema::entities()) {
    if (child.remote != "fourhse") continue;
    for (const auto& f : child.fields) {
      if (f.references != e.name || f.read_only) continue;
      auto& st = statement("SELECT " + ident(child.key) + " FROM " + ident(child.name) + " WHERE " +
                           ident(f.name) + " = ? ORDER BY " + ident(child.key));
      st.bind(1, id);
      auto& ids = out[child.name];
      while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
      break;  // one reference per child entity is enough (tenant_id and subtenant_id agree)
    }
  }
  return out;
}

V2Store::Page V2Store::index(const Entity& e, const schema::IndexQuery& q) {
  // The page is chosen on the base table, joined to the parents only when a filter or
  // the sort names a field computed from them: skipping `offset` rows then walks one
  // covering index instead of joining every skipped row.
  bool join = false;
  auto expr = [&](const Field& f) {
    if (computed(e, f)) join = true;
    return view_expr(e, f);
  };
  std::string where;
  std::vector<json> binds;
  auto add = [&](const std::string& clause) { where += (where.empty() ? " WHERE " : " AND ") + clause; };
  if (!q.history) add(expr(*e.field("owned_active")) + " = 1 AND " + expr(*e.field("parent_active")) + " = 1");
  for (const auto& filter : q.filters) {
    json v = coerce_filter(*filter.field, filter.value);
    if (filter.field->match() == schema::Match::substring) add("instr(lower(" + expr(*filter.field) + "), lower(?)) > 0");
    else add(expr(*filter.field) + " = ?");
    binds.push_back(std::move(v));
  }
  const std::string key = "t." + ident(e.key);
  std::string order = q.sort ? expr(*q.sort) + (q.descending ? " DESC, " : ", ") + key : key + (q.descending ? " DESC" : "");
  const std::string from = " FROM " + ident(e.name) + " t" + (join ? joins(e) : "");
  Page page;
  {
    std::string count_sql = "SELECT count(*)" + from + where;
    std::string cache_key = count_sql + json(binds).dump();
    auto cached = count_cache_.find(cache_key);
    if (cached != count_cache_.end() && cached->second.first == generation_) {
      page.total = cached->second.second;
    } else {
      auto& st = statement(count_sql);
      for (size_t i = 0; i < binds.size(); ++i) bind_json(st, int(i + 1), binds[i]);
      st.executeStep();
      page.total = st.getColumn(0).getInt64();
      if (count_cache_.size() > 1000) count_cache_.clear();
      count_cache_[cache_key] = {generation_, page.total};
    }
  }
  int64_t offset = int64_t(q.page - 1) * q.per_page;
  if (offset >= page.total) {
    page.body = "[]";
    return page;
  }
  auto& ids = statement("SELECT t.rowid" + from + where + " ORDER BY " + order + " LIMIT ? OFFSET ?");
  for (size_t i = 0; i < binds.size(); ++i) bind_json(ids, int(i + 1), binds[i]);
  ids.bind(int(binds.size() + 1), int64_t(q.per_page));
  ids.bind(int(binds.size() + 2), offset);
  std::vector<int64_t> rids;
  while (ids.executeStep()) rids.push_back(ids.getColumn(0).getInt64());
  auto& row = statement("SELECT " + select_list(e) + " FROM " + ident("v_" + e.name) + " WHERE _rid = ?");
  page.body.reserve(rids.size() * 1024);
  page.body = "[";
  for (int64_t rid : rids) {
    row.reset();
    row.bind(1, rid);
    if (!row.executeStep()) continue;
    if (page.body.size() > 1) page.body += ',';
    append_row(page.body, row, e);
  }
  page.body += ']';
  return page;
}

void V2Store::clear() {
  SQLite::Transaction tx(db_);
  for (const auto& e : schema::entities())
    if (e.remote == "fourhse") db_.exec("DELETE FROM " + ident(e.name));
  tx.commit();
  touch();
}

}  // namespace hse::adapters::emulator
