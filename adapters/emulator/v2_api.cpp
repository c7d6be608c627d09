#include "adapters/emulator/v2_api.hpp"

#include <SQLiteCpp/Transaction.h>

#include <ctime>

#include "adapters/emulator/responses.hpp"
#include "schema/validate.hpp"

namespace hse::adapters::emulator {

namespace {

using schema::Entity;

class StoreLookup final : public schema::RowLookup {
 public:
  explicit StoreLookup(V2Store& s) : store_(s) {}
  std::optional<json> find(const Entity& e, const std::string& id) override { return store_.find(e, id); }
  bool name_taken(const Entity& e, const std::string& parent_id, const std::string& name,
                  const std::string& except_id) override {
    return store_.name_taken(e, parent_id, name, except_id);
  }

 private:
  V2Store& store_;
};

bool is_project(const Entity& e) { return e.name == "project"; }

// The project lifecycle: a project scheduled for deletion carries the date; going back
// to active or suspended clears it.
void apply_project_status(json& row, const std::string& today) {
  const json status = row.value("status", json());
  if (status == "active" || status == "suspended") row["deleted_at"] = nullptr;
  else if ((status == "pending_delete" || status == "deleted") && row.value("deleted_at", json()).is_null())
    row["deleted_at"] = today;
}

}  // namespace

std::string date_of(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void V2Api::stamp(const Entity& e, json& row, bool created, const std::string& caller) {
  int64_t now = clock_.now_ms();
  // The catalog says which of these an entity has and in which type (project dates,
  // office and incident timestamps).
  auto set = [&](const char* name) {
    const schema::Field* f = e.field(name);
    if (!f) return;
    if (f->type == schema::Type::date) row[name] = date_of(now);
    else if (f->type == schema::Type::timestamp) row[name] = now / 1000;
  };
  if (created) {
    set("created_at");
    if (e.field("created_by")) row["created_by"] = caller;
  }
  set("updated_at");
}

http::Response V2Api::index(const Entity& e, const json& body) {
  schema::IndexQuery q = schema::parse_index_body(e, body);
  V2Store::Page page = store_.index(e, q);
  http::Response r = json_response(200, json::array());
  r.body = std::move(page.body);
  int64_t page_count = (page.total + q.per_page - 1) / q.per_page;
  r.headers["x-pagination-current-page"] = std::to_string(q.page);
  r.headers["x-pagination-page-count"] = std::to_string(page_count);
  r.headers["x-pagination-per-page"] = std::to_string(q.per_page);
  r.headers["x-pagination-total-count"] = std::to_string(page.total);
  return r;
}

http::Response V2Api::create(const Entity& e, const json& body, const std::string& caller) {
  // A retried create must be told exactly this, and nothing else, so the client can
  // tell "my earlier attempt landed" from a validation failure.
  if (body.is_object()) {
    auto key = body.find(e.key);
    if (key != body.end() && key->is_string() && store_.exists(e, key->get<std::string>()))
      return field_errors(422, {{e.key, "has already been taken"}});
  }
  schema::raise_if_any(schema::check_create(e, body, schema::ReadOnlyFields::ignore));
  json row = schema::with_defaults(e, schema::without_read_only(e, body));
  if (!row.contains(e.key) || row[e.key].is_null()) row[e.key] = random_.uuid4();
  const std::string id = row[e.key];
  if (is_project(e)) apply_project_status(row, date_of(clock_.now_ms()));
  StoreLookup lookup(store_);
  schema::raise_if_any(schema::check_relations(e, row, lookup));
  stamp(e, row, true, caller);
  SQLite::Transaction tx(store_.db());
  store_.insert(e, row);
  store_.refresh_activity(e, id);
  tx.commit();
  return json_response(201, *store_.find(e, id));
}

http::Response V2Api::view(const Entity& e, const std::string& id) {
  auto row = store_.find(e, id);
  if (!row) return error_response(404, "Not Found", "Object not found: " + id);
  return json_response(200, *row);
}

http::Response V2Api::update(const Entity& e, const std::string& id, const json& patch) {
  auto existing = store_.find(e, id);
  if (!existing) return error_response(404, "Not Found", "Object not found: " + id);
  schema::raise_if_any(schema::check_update(e, patch, *existing, schema::ReadOnlyFields::ignore));
  json row = *existing;
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const schema::Field* f = e.field(it.key());
    if (f && !f->read_only) row[it.key()] = it.value();
  }
  if (is_project(e) && patch.contains("status")) apply_project_status(row, date_of(clock_.now_ms()));
  StoreLookup lookup(store_);
  schema::raise_if_any(schema::check_relations(e, row, lookup));
  stamp(e, row, false, {});
  SQLite::Transaction tx(store_.db());
  store_.update(e, id, row);
  store_.refresh_activity(e, id);
  tx.commit();
  return json_response(200, *store_.find(e, id));
}

void V2Api::remove_tree(const Entity& e, const std::string& id, json& removed) {
  for (const auto& [child, ids] : store_.children(e, id)) {
    const Entity& ce = schema::entity(child);
    for (const auto& cid : ids) {
      if (!store_.exists(ce, cid)) continue;  // already gone through another path
      remove_tree(ce, cid, removed);
      removed[child] = removed.value(child, 0) + 1;
    }
  }
  store_.remove(e, id);
}

http::Response V2Api::remove(const Entity& e, const std::string& id, bool force) {
  auto existing = store_.find(e, id);
  if (!existing) return error_response(404, "Not Found", "Object not found: " + id);
  if (!force) {
    json children = json::object();
    for (const auto& [child, ids] : store_.children(e, id)) children[child] = ids;
    return json_response(200, {{"preview", true}, {"entity", e.name}, {"id", id}, {"children", children}});
  }
  SQLite::Transaction tx(store_.db());
  if (is_project(e)) {
    // A project is never removed at once: it is scheduled for deletion, children kept.
    json row = *existing;
    row["status"] = "pending_delete";
    apply_project_status(row, date_of(clock_.now_ms()));
    stamp(e, row, false, {});
    store_.update(e, id, row);
    store_.refresh_activity(e, id);
    tx.commit();
    return json_response(200, {{"scheduled", true},
                               {"entity", e.name},
                               {"id", id},
                               {"status", "pending_delete"},
                               {"deleted_at", row["deleted_at"]}});
  }
  json removed = json::object();
  remove_tree(e, id, removed);
  tx.commit();
  return json_response(200, {{"deleted", true}, {"entity", e.name}, {"id", id}, {"children", removed}});
}

}  // namespace hse::adapters::emulator
