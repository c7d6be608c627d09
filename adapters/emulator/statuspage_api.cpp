#include "adapters/emulator/statuspage_api.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "adapters/emulator/responses.hpp"
#include "adapters/http/url.hpp"
#include "schema/catalog.hpp"
#include "schema/paging.hpp"
#include "schema/validate.hpp"

namespace hse::adapters::emulator {

namespace {

// Larger numbers saturate here: a page that far is past the end anyway.
constexpr int64_t kSaturate = 1'000'000'000'000'000;


http::Response wire_response(int status, const wire_json& body) {
  http::Response r;
  r.status = status;
  r.headers["content-type"] = "application/json; charset=UTF-8";
  r.body = body.dump();
  return r;
}

// Every refusal that is not a validation failure: {"message": "..."}.
http::Response message(int status, const std::string& text) { return wire_response(status, {{"message", text}}); }

http::Response not_found(const std::string& what) { return message(404, what + " not found."); }

http::Response unauthorized() {
  http::Response r = message(401, "Authentication is required.");
  r.headers["www-authenticate"] = "Bearer realm=\"4hse\"";
  return r;
}

http::Response not_allowed(const std::string& allowed) {
  http::Response r = message(405, "Method Not Allowed. This URL can only handle: " + allowed);
  r.headers["allow"] = allowed;
  return r;
}

// Decimal digits only (an optional '-' when `negative`); saturates at kSaturate.
std::optional<int64_t> parse_integer(const std::string& s, bool negative) {
  size_t start = negative && !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() == start || s.find_first_not_of("0123456789", start) != std::string::npos) return std::nullopt;
  int64_t v = 0;
  for (size_t i = start; i < s.size(); ++i) v = std::min(kSaturate, v * 10 + (s[i] - '0'));
  return start ? -v : v;
}

// A path id: a positive integer, or nullopt (the path then names nothing: 404).
std::optional<int64_t> parse_id(const std::string& s) {
  if (s.empty() || s.size() > 18 || s[0] == '0') return std::nullopt;
  return parse_integer(s, false);
}

std::string one_of(const schema::Field& f) {
  std::string list;
  for (const auto& v : f.values) list += (list.empty() ? "" : ", ") + v;
  return "must be one of: " + list;
}

bool names(const std::vector<FieldError>& errors, const std::string& field) {
  return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.field == field; });
}

// The incident's stored fields from a checked body: every field but the key, absent ones null.
json incident_fields(const json& body) {
  json out = json::object();
  const auto& e = incident_entity();
  for (const auto& f : e.fields)
    if (f.name != e.key) out[f.name] = body.value(f.name, json());
  return out;
}

}  // namespace

std::string format_datetime(int64_t ms) {
  using namespace std::chrono;
  sys_time<milliseconds> t{milliseconds(ms)};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{floor<minutes>(t - day)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()));
  return buf;
}

http::Response StatuspageApi::handle(const http::Request& r, Access access) {
  const std::string path = r.target.substr(0, r.target.find('?'));
  // "/incident" -> {}, "/incident/7/update" -> {"7", "update"}.
  std::vector<std::string> parts;
  for (size_t start = 10; start <= path.size() && path.size() > 9;) {
    size_t slash = std::min(path.find('/', start), path.size());
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  enum class Op { list, create, view, update, remove, comment } op;
  std::optional<int64_t> id;
  if (parts.empty()) {
    op = Op::list;
  } else if (parts.size() == 1 && parts[0] == "create") {
    op = Op::create;
  } else {
    id = parse_id(parts[0]);
    if (!id || parts.size() > 2) return message(404, "Page not found.");
    if (parts.size() == 1) op = Op::view;
    else if (parts[1] == "update") op = Op::update;
    else if (parts[1] == "delete") op = Op::remove;
    else if (parts[1] == "comment") op = Op::comment;
    else return message(404, "Page not found.");
  }
  const bool reads = op == Op::list || op == Op::view;
  if (r.method != (reads ? "GET" : "POST")) return not_allowed(reads ? "GET" : "POST");
  if (!reads && access != Access::authorized) return unauthorized();

  if (op == Op::list) return list(r);
  if (op == Op::view) return view(*id, access);
  if (op == Op::remove) return remove(*id);
  json body = json::object();
  if (r.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    try {
      body = json::parse(r.body);
    } catch (const json::parse_error& ex) {
      return field_errors(400, {{"body", std::string("is not valid JSON: ") + ex.what()}});
    }
  }
  if (op == Op::create) return create(body);
  if (op == Op::update) return update(*id, body);
  return comment(*id, body);
}

http::Response StatuspageApi::list(const http::Request& r) {
  const auto q = r.target.find('?');
  const auto params = http::parse_form(q == std::string::npos ? std::string_view() : std::string_view(r.target).substr(q + 1));
  const auto& e = incident_entity();
  std::vector<FieldError> errors;
  // An empty value filters nothing, as an absent one.
  auto param = [&](const char* name) -> std::optional<std::string> {
    auto it = params.find(name);
    if (it == params.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  IncidentFilter filter;
  for (const char* name : {"status", "severity"}) {
    auto v = param(name);
    if (!v) continue;
    const schema::Field& f = *e.field(name);
    if (std::find(f.values.begin(), f.values.end(), *v) == f.values.end()) errors.push_back({name, one_of(f)});
    else (std::string(name) == "status" ? filter.status : filter.severity) = *v;
  }
  for (const char* name : {"scope", "service"}) {
    auto v = param(name);
    if (!v) continue;
    auto n = v->size() <= 18 ? parse_integer(*v, true) : std::nullopt;
    if (!n) errors.push_back({name, "must be an integer"});
    else (std::string(name) == "scope" ? filter.scope : filter.service) = *n;
  }
  filter.external_reference = param("external_reference");
  for (const char* name : {"impact_before", "impact_after"}) {
    auto v = param(name);
    if (!v) continue;
    if (!schema::is_datetime(*v)) errors.push_back({name, "must be a date and time (YYYY-MM-DDTHH:MM)"});
    else (std::string(name) == "impact_before" ? filter.impact_before : filter.impact_after) = *v;
  }
  int64_t page = 1, per_page = schema::kStatusPagePaging.default_per_page;
  for (const char* name : {"page", "per_page"}) {
    auto v = param(name);
    if (!v) continue;
    auto n = parse_integer(*v, false);
    if (!n || *n < 1) errors.push_back({name, "must be a positive integer"});
    else (std::string(name) == "page" ? page : per_page) = *n;
  }
  if (!errors.empty()) return field_errors(422, errors);
  per_page = std::min<int64_t>(per_page, schema::kStatusPagePaging.max_per_page);

  const int64_t total = store_.count_incidents(filter);
  const int64_t pages = (total + per_page - 1) / per_page;
  wire_json rows = page <= pages ? store_.incidents(filter, (page - 1) * per_page, per_page) : wire_json::array();
  http::Response res = wire_response(200, rows);
  res.headers["x-page"] = std::to_string(page);
  res.headers["x-per-page"] = std::to_string(per_page);
  res.headers["x-total"] = std::to_string(total);
  res.headers["x-total-pages"] = std::to_string(pages);
  return res;
}

http::Response StatuspageApi::view(int64_t id, Access access) {
  auto incident = store_.incident(id);
  if (!incident) return not_found("Incident");
  (*incident)["comments"] = store_.comments(id, access == Access::authorized);
  return wire_response(200, *incident);
}

http::Response StatuspageApi::create(const json& body) {
  const auto& e = incident_entity();
  std::vector<FieldError> errors = schema::check_create(e, body);
  // The catalog lets a create say "active"; the API takes no status at all.
  if (body.is_object() && body.contains("status") && !names(errors, "status"))
    errors.push_back({"status", "is not accepted on create (an incident starts active; change it with an update)"});
  schema::sort_by_catalog(e, errors);
  if (!errors.empty()) return field_errors(422, errors);
  return wire_response(201, store_.insert_incident(incident_fields(schema::with_defaults(e, body))));
}

http::Response StatuspageApi::update(int64_t id, const json& body) {
  if (!store_.incident(id)) return not_found("Incident");
  const auto& e = incident_entity();
  if (!body.is_object()) return field_errors(422, {{"body", "must be a JSON object"}});
  // The body is the full incident. It may repeat the path's id (as the view answers
  // it); any other id is refused.
  json row = body;
  std::vector<FieldError> errors;
  if (auto it = row.find(e.key); it != row.end()) {
    if (!(it->is_number_integer() && it->get<int64_t>() == id))
      errors.push_back({e.key, "must be the id of the path (" + std::to_string(id) + ") when given"});
    row.erase(e.key);
  }
  // Checked as an update of an empty row: types, blanks and the state rules apply to
  // the body alone, so an optional field left out is cleared.
  for (auto& fe : schema::check_update(e, row, json::object())) errors.push_back(std::move(fe));
  for (const auto& f : e.fields) {
    if (f.read_only || !(f.required || f.name == "status") || names(errors, f.name)) continue;
    if (!row.contains(f.name) || row[f.name].is_null()) errors.push_back({f.name, "is required"});
  }
  schema::sort_by_catalog(e, errors);
  if (!errors.empty()) return field_errors(422, errors);
  if (!store_.replace_incident(id, incident_fields(row))) return not_found("Incident");
  return wire_response(200, *store_.incident(id));
}

http::Response StatuspageApi::remove(int64_t id) {
  if (!store_.remove_incident(id)) return not_found("Incident");
  return wire_response(200, wire_json::object());
}

http::Response StatuspageApi::comment(int64_t id, const json& body) {
  if (!store_.incident(id)) return not_found("Incident");
  const auto& e = comment_entity();
  if (!body.is_object()) return field_errors(422, {{"body", "must be a JSON object"}});
  // On the wire `internal` is 0/1 and the incident comes from the path; the catalog
  // row has a boolean and the incident's id as text.
  json row = body;
  std::vector<FieldError> errors;
  bool internal = false;
  if (auto it = row.find("internal"); it != row.end()) {
    if (it->is_number_integer() && (*it == 0 || *it == 1)) internal = *it == 1;
    else if (!it->is_null()) errors.push_back({"internal", "must be 0 or 1"});
    row.erase("internal");
  }
  if (row.contains(e.parent_field)) {
    errors.push_back({e.parent_field, "is given by the path, not the body"});
    row.erase(e.parent_field);
  }
  row[e.parent_field] = std::to_string(id);
  row["internal"] = internal;
  for (auto& fe : schema::check_create(e, row)) errors.push_back(std::move(fe));
  schema::sort_by_catalog(e, errors);
  if (!errors.empty()) return field_errors(422, errors);
  return wire_response(201, store_.insert_comment(id, row["comment"].get<std::string>(), internal,
                                                  format_datetime(clock_.now_ms())));
}

}  // namespace hse::adapters::emulator
