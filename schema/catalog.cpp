// The field lists come from docs/api/ (the v2 documents). Where a document is
// silent (the incident document lost its field names and limits) the choice is
// made here once, and DESIGN.md names the incident fields.
#include "schema/catalog.hpp"

#include "core/error.hpp"

namespace hse::schema {

namespace {

// Small builders so that each field reads as one line.
Field str(std::string name, int max_length = 0) {
  Field f;
  f.name = std::move(name);
  f.max_length = max_length;
  return f;
}
Field typed(std::string name, Type t) {
  Field f;
  f.name = std::move(name);
  f.type = t;
  return f;
}
Field uuid(std::string name, std::string references = {}) {
  Field f = typed(std::move(name), Type::uuid);
  f.references = std::move(references);
  return f;
}
Field enumeration(std::string name, std::vector<std::string> values) {
  Field f = typed(std::move(name), Type::enumeration);
  f.values = std::move(values);
  return f;
}
Field&& required(Field&& f) { f.required = true; return std::move(f); }
Field&& read_only(Field&& f) { f.read_only = true; return std::move(f); }
Field&& immutable(Field&& f) { f.immutable = true; return std::move(f); }
Field&& sortable(Field&& f) { f.sort = true; return std::move(f); }
Field&& no_filter(Field&& f) { f.filter = false; return std::move(f); }
Field&& exact(Field&& f) { f.exact = true; return std::move(f); }
Field&& update_only(Field&& f) { f.in_create = false; return std::move(f); }
Field&& defaults_to(Field&& f, std::string json) { f.default_value = std::move(json); return std::move(f); }

const std::vector<std::string> kProjectStatus = {"active", "suspended", "pending_delete", "deleted"};
const std::vector<std::string> kProjectType = {"safety", "template"};

// owned_active / parent_active: the row's own validity and its parent's, as the
// server reports them. The project document does not list them; the replica keeps
// them for projects too so that validity works the same for every entity.
void add_validity(std::vector<Field>& fields) {
  fields.push_back(read_only(typed("owned_active", Type::boolean)));
  fields.push_back(read_only(typed("parent_active", Type::boolean)));
}

Entity project() {
  Entity e;
  e.name = "project";
  e.key = "project_id";
  e.fields = {
      uuid("project_id"),
      sortable(required(str("name", 50))),
      str("description"),
      sortable(required(str("country", 2))),
      sortable(defaults_to(enumeration("status", kProjectStatus), "\"active\"")),
      sortable(defaults_to(enumeration("project_type", kProjectType), "\"safety\"")),
      typed("data", Type::object),
      [] { Field f = typed("icon", Type::url); f.max_length = 255; return f; }(),
      typed("npeople", Type::integer),
      uuid("subscription_id"),
      uuid("customer_id"),
      uuid("partner_id"),
      sortable(read_only(typed("created_at", Type::date))),
      read_only(typed("updated_at", Type::date)),
      no_filter(read_only(typed("deleted_at", Type::date))),
  };
  add_validity(e.fields);
  return e;
}

Entity office() {
  Entity e;
  e.name = "office";
  e.key = "office_id";
  e.parent = "project";
  e.parent_field = "project_id";
  e.unique_name_field = "name";
  e.fields = {
      uuid("office_id"),
      required(uuid("project_id", "project")),
      sortable(required(str("name", 255))),
      str("description"),
      str("street", 255),
      str("postal_code", 50),
      str("region", 10),
      str("locality", 50),
      str("country", 20),
      str("tax_code", 20),
      str("vat", 20),
      uuid("office_type_id"),
      read_only(typed("created_at", Type::timestamp)),
      read_only(typed("updated_at", Type::timestamp)),
      sortable(str("code", 50)),
      [] { Field f = enumeration("office_type_icon", {"office_default", "construction_site"}); f.max_length = 150; return f; }(),
      read_only(str("project_name")),
      read_only(enumeration("project_type", kProjectType)),
      read_only(enumeration("project_status", kProjectStatus)),
  };
  add_validity(e.fields);
  return e;
}

Entity action() {
  Entity e;
  e.name = "action";
  e.key = "action_id";
  e.parent = "office";
  e.parent_field = "subtenant_id";
  e.fields = {
      uuid("action_id"),
      sortable(immutable(required(enumeration("action_type", {"TRAINING", "MAINTENANCE", "HEALTH", "CHECK", "PER"})))),
      sortable(str("code", 50)),
      sortable(required(str("name", 255))),
      str("description"),
      enumeration("validity_unit", {"YEAR", "MONTH", "DAY"}),
      typed("validity", Type::integer),
      typed("expire_interval", Type::integer),
      typed("manager", Type::json),
      typed("assignee", Type::json),
      typed("watcher", Type::json),
      typed("subscriber_type", Type::json),
      typed("data", Type::json),
      required(uuid("subtenant_id", "office")),
      required(uuid("tenant_id", "project")),
      read_only(typed("countSubscribed", Type::integer)),
      read_only(typed("countValid", Type::integer)),
      read_only(typed("countScheduled", Type::integer)),
      read_only(typed("countToDo", Type::integer)),
      sortable(read_only(str("office_name"))),
      sortable(read_only(str("project_name"))),
      read_only(enumeration("project_type", kProjectType)),
  };
  add_validity(e.fields);
  return e;
}

Entity incident() {
  Entity e;
  e.name = "incident";
  e.key = "office_incident_id";
  e.parent = "office";
  e.parent_field = "subtenant_id";
  // Limits the document lost are chosen to match the other v2 entities.
  e.fields = {
      uuid("office_incident_id"),
      sortable(str("code", 50)),
      sortable(required(str("name", 255))),
      sortable(required(typed("date_incident", Type::date))),
      sortable(enumeration("category", {"NON_COMPLIANCE", "ACCIDENTS", "ACCIDENTS_AND_MISSED_INJURIES",
                                        "REPORT_MALFUNCTION", "REPORT_FAILURE", "REQUEST_INSPECTION",
                                        "REQUEST_MAINTENANCE", "REQUEST_REPLACEMENT", "REQUEST_INTERVENTION"})),
      str("description"),
      str("actions_taken"),
      str("reported_by", 255),
      typed("manager", Type::json),
      typed("assignee", Type::json),
      typed("watcher", Type::json),
      typed("notify", Type::json),
      typed("data", Type::object),
      sortable(defaults_to(enumeration("status", {"new", "open", "closed"}), "\"new\"")),
      str("external_reference", 255),
      sortable(typed("date_closed", Type::date)),
      read_only(str("created_by")),
      sortable(read_only(typed("created_at", Type::timestamp))),
      required(uuid("tenant_id", "project")),
      required(uuid("subtenant_id", "office")),
      sortable(read_only(str("office_name"))),
      sortable(read_only(str("project_name"))),
      read_only(typed("people_count", Type::integer)),
      read_only(typed("sickness_days", Type::integer)),
  };
  add_validity(e.fields);
  return e;
}

// An id the server assigns: text in the replica (a local UUID until the create is
// pushed, then the server's integer as decimal text), never written by the app.
Field server_id(std::string name) { return no_filter(read_only(str(std::move(name)))); }

// The status-page Incident API (docs/api/004): integer ids chosen by the server,
// dates as YYYY-MM-DDTHH:MM. Lengths the document does not give are chosen here.
Entity statuspage_incident() {
  Entity e;
  e.name = "statuspage_incident";
  e.key = "id";
  e.remote = "statuspage";
  e.server_assigned_ids = true;
  e.recovery_field = "external_reference";
  e.fields = {
      server_id("id"),
      required(typed("scope", Type::integer)),
      required(typed("service", Type::integer)),
      sortable(required(str("name", 255))),
      no_filter(str("description")),
      exact(str("external_reference", 255)),
      [] { Field f = no_filter(typed("external_link", Type::url)); f.max_length = 2048; return f; }(),
      sortable(required(enumeration("severity", {"critical", "high", "moderate", "low", "minor"}))),
      // The create takes no status: a new incident is active, and an update moves it on.
      update_only(sortable(defaults_to(enumeration("status", {"active", "investigating", "stable", "resolved"}), "\"active\""))),
      sortable(required(typed("start_impact_date", Type::datetime))),
      update_only(no_filter(typed("investigation_date", Type::datetime))),
      update_only(no_filter(typed("stable_date", Type::datetime))),
      update_only(no_filter(typed("resolve_date", Type::datetime))),
  };
  return e;
}

Entity statuspage_comment() {
  Entity e;
  e.name = "statuspage_comment";
  e.key = "id";
  e.parent = "statuspage_incident";
  e.parent_field = "incident";
  e.remote = "statuspage";
  e.server_assigned_ids = true;
  e.append_only = true;
  e.fields = {
      server_id("id"),
      exact(immutable(required([] { Field f = str("incident"); f.references = "statuspage_incident"; return f; }()))),
      no_filter(required(str("comment", 65535))),
      defaults_to(typed("internal", Type::boolean), "false"),
      sortable(read_only(typed("created_at", Type::datetime))),
  };
  return e;
}

}  // namespace

const char* Field::sql_type() const {
  switch (type) {
    case Type::integer:
    case Type::boolean:
    case Type::timestamp:
      return "INTEGER";
    default:
      return "TEXT";
  }
}

const Field* Entity::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

bool Entity::has_validity() const { return field("owned_active") != nullptr; }

const std::vector<Entity>& entities() {
  static const std::vector<Entity> all = {project(), office(), action(), incident(), statuspage_incident(),
                                          statuspage_comment()};
  return all;
}

const Entity* find_entity(std::string_view name) {
  for (const auto& e : entities())
    if (e.name == name) return &e;
  return nullptr;
}

const Entity& entity(std::string_view name) {
  if (const Entity* e = find_entity(name)) return *e;
  throw Error(Code::invalid, "unknown entity '" + std::string(name) + "'", {{"entity", "unknown entity"}});
}

std::string recovery_value(const std::string& local_id) { return "hsesync:" + local_id; }

}  // namespace hse::schema
