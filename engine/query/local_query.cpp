#include "engine/query/local_query.hpp"

#include "engine/store/migrations.hpp"
#include "engine/store/row_codec.hpp"
#include "schema/validate.hpp"

namespace hse::engine::query {

namespace {

std::string col(const std::string& alias, const std::string& name) { return alias + ".\"" + name + "\""; }

// parent_active of the row under `alias` of entity `e`: its parent's own validity and
// the parent's parent_active, recursively. Where the parent is not in the replica
// the value the server reported stands.
std::string parent_active_expr(const schema::Entity& e, const std::string& alias, std::string& joins, int depth) {
  if (e.parent.empty()) return "1";
  const schema::Entity& p = schema::entity(e.parent);
  std::string pa = "p" + std::to_string(depth);
  joins += " LEFT JOIN " + store::table_of(p) + " " + pa + " ON " + col(pa, p.key) + " = " + col(alias, e.parent_field);
  std::string parent_chain = parent_active_expr(p, pa, joins, depth + 1);
  return "(CASE WHEN " + col(pa, p.key) + " IS NULL THEN COALESCE(" + col(alias, "parent_active") +
         ", 1) ELSE (COALESCE(" + col(pa, "owned_active") + ", 1) AND " + parent_chain + ") END)";
}

std::string escape_like(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Binds a filter value as the column's storage type.
void bind_filter(SQLite::Statement& st, int index, const schema::Field& f, const json& v) {
  using schema::Type;
  if (f.type == Type::boolean) {
    bool b = v.is_boolean() ? v.get<bool>() : (v.is_number() ? v.get<double>() != 0 : (v == "1" || v == "true"));
    st.bind(index, b ? 1 : 0);
  } else if (f.type == Type::integer || f.type == Type::timestamp) {
    if (v.is_number_integer()) {
      st.bind(index, v.get<int64_t>());
    } else if (v.is_string()) {
      try {
        st.bind(index, int64_t(std::stoll(v.get<std::string>())));
      } catch (...) {
        schema::raise_if_any({{"filter." + f.name, "must be an integer"}});
      }
    } else {
      schema::raise_if_any({{"filter." + f.name, "must be an integer"}});
    }
  } else {
    st.bind(index, v.is_string() ? v.get<std::string>() : v.dump());
  }
}

}  // namespace

ValiditySql validity_sql(const schema::Entity& e) {
  ValiditySql v;
  if (!e.has_validity()) {  // the status-page entities: every row is visible
    v.parent_active = "1";
    v.visible = "1";
    return v;
  }
  v.parent_active = parent_active_expr(e, "t", v.joins, 1);
  v.visible = "(COALESCE(" + col("t", "owned_active") + ", 1) AND " + v.parent_active + ")";
  return v;
}

json run_index(store::Database& db, const schema::Entity& e, const json& body) {
  schema::IndexQuery q = schema::parse_index_body(e, body);
  ValiditySql v = validity_sql(e);

  std::string where = " WHERE 1";
  if (!q.history) where += " AND " + v.visible;
  for (const auto& f : q.filters) {
    std::string lhs = f.field->name == "parent_active" ? v.parent_active : col("t", f.field->name);
    if (f.field->match() == schema::Match::substring) where += " AND " + lhs + " LIKE ? ESCAPE '\\'";
    else where += " AND " + lhs + " = ?";
  }
  const std::string from = " FROM " + store::table_of(e) + " t" + v.joins;
  auto bind_all = [&](SQLite::Statement& st) {
    int i = 1;
    for (const auto& f : q.filters) {
      if (f.field->match() == schema::Match::substring) {
        std::string s = f.value.is_string() ? f.value.get<std::string>() : f.value.dump();
        st.bind(i++, "%" + escape_like(s) + "%");
      } else {
        bind_filter(st, i++, *f.field, f.value);
      }
    }
  };

  return store::storage_call("query replica", [&] {
    int64_t total = 0;
    {
      auto st = db.prepare("SELECT COUNT(*)" + from + where);
      bind_all(*st);
      st->executeStep();
      total = st->getColumn(0).getInt64();
    }
    std::string cols;
    for (const auto& f : e.fields)
      cols += (cols.empty() ? "" : ", ") + (f.name == "parent_active" ? v.parent_active : col("t", f.name));
    std::string order = " ORDER BY ";
    if (q.sort) order += col("t", q.sort->name) + (q.descending ? " DESC, " : ", ");
    order += col("t", e.key) + (q.sort == nullptr && q.descending ? " DESC" : "");
    auto st = db.prepare("SELECT " + cols + from + where + order + " LIMIT ? OFFSET ?");
    bind_all(*st);
    int n = int(q.filters.size());
    st->bind(n + 1, q.per_page);
    st->bind(n + 2, int64_t(q.page - 1) * q.per_page);
    json items = json::array();
    while (st->executeStep()) {
      json row = json::object();
      for (size_t i = 0; i < e.fields.size(); ++i) row[e.fields[i].name] = store::read_field(*st, int(i), e.fields[i]);
      items.push_back(std::move(row));
    }
    int64_t pages = total == 0 ? 0 : (total + q.per_page - 1) / q.per_page;
    return json{{"items", std::move(items)},
                {"_meta", {{"totalCount", total}, {"pageCount", pages}, {"currentPage", q.page}, {"perPage", q.per_page}}}};
  });
}

bool parent_active(store::Database& db, const schema::Entity& e, const std::string& id) {
  if (!e.has_validity()) return true;
  auto v = validity_sql(e);
  return store::storage_call("read row", [&] {
    auto st = db.prepare("SELECT " + v.parent_active + " FROM " + store::table_of(e) + " t" + v.joins + " WHERE t." +
                         e.key + " = ?");
    st->bind(1, id);
    return !st->executeStep() || st->getColumn(0).getInt() != 0;
  });
}

}  // namespace hse::engine::query
