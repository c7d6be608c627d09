#include "schema/validate.hpp"

#include <algorithm>
#include <cctype>

#include "core/ids.hpp"
#include "core/json_input.hpp"

namespace hse::schema {

namespace {

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// A record's JSON fields nest a few levels; the bound keeps every later copy, dump
// and comparison (all recursive in nlohmann) far from the stack's end.
constexpr int kMaxValueDepth = 32;
std::string too_deep() { return "nests arrays and objects deeper than " + std::to_string(kMaxValueDepth) + " levels"; }

bool blank(const json& v) { return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()); }

// The type, length and enum rules of one value; nullopt when it is fine.
std::optional<std::string> check_value(const Field& f, const json& v) {
  if (v.is_null()) return std::nullopt;  // "required" is checked apart
  switch (f.type) {
    case Type::string:
    case Type::uuid:
    case Type::enumeration:
    case Type::date:
    case Type::datetime:
    case Type::url: {
      if (!v.is_string()) return "must be a string";
      const auto& s = v.get_ref<const std::string&>();
      if (f.max_length > 0 && utf8_length(s) > size_t(f.max_length))
        return "must be at most " + std::to_string(f.max_length) + " characters";
      if (f.type == Type::uuid && !is_uuid(s)) return "must be a UUID";
      if (f.type == Type::date && !is_date(s)) return "must be a date (YYYY-MM-DD)";
      if (f.type == Type::datetime && !is_datetime(s)) return "must be a date and time (YYYY-MM-DDTHH:MM)";
      if (f.type == Type::url && !s.empty() && !is_url(s)) return "must be a valid http(s) URL";
      if (f.type == Type::enumeration) {
        for (const auto& allowed : f.values)
          if (allowed == s) return std::nullopt;
        std::string list;
        for (const auto& allowed : f.values) list += (list.empty() ? "" : ", ") + allowed;
        return "must be one of: " + list;
      }
      return std::nullopt;
    }
    case Type::integer:
      if (!v.is_number_integer()) return "must be an integer";
      // An unsigned value above int64's range reads as negative through get<int64_t>.
      if ((v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(f.max_value)) ||
          (!v.is_number_unsigned() && (v.get<int64_t>() < f.min_value || v.get<int64_t>() > f.max_value)))
        return "must be an integer from " + std::to_string(f.min_value) + " to " + std::to_string(f.max_value);
      return std::nullopt;
    case Type::timestamp:
      if (!v.is_number_integer()) return "must be an integer";
      if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)) return "must be a 64-bit integer";
      return std::nullopt;
    case Type::boolean:
      // 0 and 1 as the APIs take them (in_replica_form stores them as false/true).
      if (!v.is_boolean() && !(v.is_number_integer() && (v.get<int64_t>() == 0 || v.get<int64_t>() == 1)))
        return "must be a boolean (true/false or 1/0)";
      return std::nullopt;
    case Type::object:
      if (!v.is_object()) return "must be a JSON object";
      if (json_value_depth(v, kMaxValueDepth) > kMaxValueDepth) return too_deep();
      return std::nullopt;
    case Type::json:
      if (v.is_string()) {
        const auto& text = v.get_ref<const std::string&>();
        if (json_text_depth(text, kMaxValueDepth) > kMaxValueDepth) return too_deep();
        if (!json::accept(text)) return "must be JSON text";
      } else if (json_value_depth(v, kMaxValueDepth) > kMaxValueDepth) {
        return too_deep();
      }
      return std::nullopt;
  }
  return std::nullopt;
}

void check_body_fields(const Entity& e, const json& body, ReadOnlyFields ro, std::vector<FieldError>& out) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    const Field* f = e.field(it.key());
    if (!f) {
      out.push_back({it.key(), "is not a field of " + e.name});
      continue;
    }
    if (f->read_only) {
      if (ro == ReadOnlyFields::refuse)
        out.push_back({f->name, f->name == e.key && e.server_assigned_ids ? "is assigned by the server" : "is read-only"});
      continue;
    }
    if (auto msg = check_value(*f, it.value())) out.push_back({f->name, *msg});
  }
}

// The status-page states that carry a date of their own: each date is required in
// its state and refused in any other (docs/api/004, update).
struct StateDate {
  const char* status;
  const char* field;
};
constexpr StateDate kStateDates[] = {
    {"investigating", "investigation_date"}, {"stable", "stable_date"}, {"resolved", "resolve_date"}};

void check_state_dates(const json& row, std::vector<FieldError>& out) {
  auto status = row.find("status");
  std::string s = status != row.end() && status->is_string() ? status->get<std::string>() : "active";
  for (const auto& sd : kStateDates) {
    auto date = row.find(sd.field);
    bool set = date != row.end() && !blank(*date);
    if (s == sd.status && !set) out.push_back({sd.field, std::string("is required when status is ") + sd.status});
    if (s != sd.status && set)
      out.push_back({sd.field, std::string("is only allowed when status is ") + sd.status + " (it is " + s + ")"});
  }
}

// Rules that look at the whole row a write leaves.
void check_row_rules(const Entity& e, const json& row, std::vector<FieldError>& out) {
  auto has_error = [&](const std::string& field) {
    for (const auto& fe : out)
      if (fe.field == field) return true;
    return false;
  };
  if (e.name == "project" && row.contains("country") && row["country"].is_string() && !has_error("country")) {
    const auto& c = row["country"].get_ref<const std::string&>();
    bool letters = c.size() == 2 && std::isalpha(static_cast<unsigned char>(c[0])) &&
                   std::isalpha(static_cast<unsigned char>(c[1]));
    if (!letters) out.push_back({"country", "must be a two-letter ISO 3166-1 code"});
  }
  if (e.name == "incident") {
    auto status = row.find("status");
    if (status != row.end() && *status == "closed" && !has_error("date_closed")) {
      auto closed = row.find("date_closed");
      if (closed == row.end() || blank(*closed)) out.push_back({"date_closed", "is required when status is closed"});
    }
  }
  if (e.name == "statuspage_incident" && !has_error("status")) check_state_dates(row, out);
}

}  // namespace

void sort_by_catalog(const Entity& e, std::vector<FieldError>& errors) {
  auto rank = [&](const std::string& name) {
    for (size_t i = 0; i < e.fields.size(); ++i)
      if (e.fields[i].name == name) return i;
    return e.fields.size();
  };
  std::stable_sort(errors.begin(), errors.end(),
                   [&](const FieldError& a, const FieldError& b) { return rank(a.field) < rank(b.field); });
}

namespace {

std::vector<FieldError> not_an_object() { return {{"body", "must be a JSON object"}}; }

}  // namespace

std::vector<FieldError> check_create(const Entity& e, const json& body, ReadOnlyFields ro) {
  if (!body.is_object()) return not_an_object();
  std::vector<FieldError> errors;
  check_body_fields(e, body, ro, errors);
  for (const auto& f : e.fields) {
    if (!f.required || f.read_only) continue;
    auto it = body.find(f.name);
    if (it == body.end() || blank(*it)) errors.push_back({f.name, "is required"});
  }
  // The status-page create takes no status: an incident starts active.
  if (e.name == "statuspage_incident") {
    auto status = body.find("status");
    if (status != body.end() && !blank(*status) && *status != "active")
      errors.push_back({"status", "must be active on create (the API creates active incidents; change it with an update)"});
  }
  // The row rules read the row the create leaves, defaults applied: a copy of the
  // body only when a default applies (a copy per create was a tenth of its cost).
  bool defaulted = false;
  for (const auto& f : e.fields)
    if (f.default_value) {
      auto it = body.find(f.name);
      defaulted = defaulted || it == body.end() || it->is_null();
    }
  if (defaulted) check_row_rules(e, with_defaults(e, body), errors);
  else check_row_rules(e, body, errors);
  sort_by_catalog(e, errors);
  return errors;
}

std::vector<FieldError> check_update(const Entity& e, const json& patch, const json& existing, ReadOnlyFields ro) {
  if (!patch.is_object()) return not_an_object();
  std::vector<FieldError> errors;
  check_body_fields(e, patch, ro, errors);
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const Field* f = e.field(it.key());
    if (!f || f->read_only) continue;
    if (f->required && blank(it.value())) errors.push_back({f->name, "cannot be blank"});
    bool locked = f->immutable || f->name == e.key;
    auto old = existing.find(f->name);
    if (locked && (old == existing.end() || *old != it.value()))
      errors.push_back({f->name, "cannot be changed after creation"});
  }
  json merged = existing;
  for (auto it = patch.begin(); it != patch.end(); ++it) merged[it.key()] = it.value();
  check_row_rules(e, merged, errors);
  sort_by_catalog(e, errors);
  return errors;
}

std::vector<FieldError> check_relations(const Entity& e, const json& row, RowLookup& lookup) {
  std::vector<FieldError> errors;
  std::optional<json> office;
  for (const auto& f : e.fields) {
    if (f.references.empty() || f.read_only) continue;
    auto it = row.find(f.name);
    if (it == row.end() || !it->is_string()) continue;
    const Entity& target = entity(f.references);
    auto parent = lookup.find(target, it->get<std::string>());
    if (!parent) {
      errors.push_back({f.name, "refers to a " + target.name + " that does not exist"});
      continue;
    }
    if (target.name == "office") office = std::move(parent);
  }
  // An action's or incident's project is its office's project.
  if (office && e.field("tenant_id")) {
    auto tenant = row.find("tenant_id");
    auto office_project = office->find("project_id");
    if (tenant != row.end() && office_project != office->end() && *tenant != *office_project)
      errors.push_back({"tenant_id", "must be the project of the office named by subtenant_id"});
  }
  if (!e.unique_name_field.empty() && !e.parent_field.empty()) {
    auto name = row.find(e.unique_name_field);
    auto parent = row.find(e.parent_field);
    auto key = row.find(e.key);
    if (name != row.end() && name->is_string() && parent != row.end() && parent->is_string()) {
      std::string except = key != row.end() && key->is_string() ? key->get<std::string>() : "";
      if (lookup.name_taken(e, parent->get<std::string>(), name->get<std::string>(), except))
        errors.push_back({e.unique_name_field, "must be unique within its " + e.parent});
    }
  }
  return errors;
}

json with_defaults(const Entity& e, json body) {
  for (const auto& f : e.fields) {
    if (!f.default_value) continue;
    auto it = body.find(f.name);
    if (it == body.end() || it->is_null()) body[f.name] = json::parse(*f.default_value);
  }
  return body;
}

json in_replica_form(const Entity& e, json body) {
  if (!body.is_object()) return body;
  for (const auto& f : e.fields) {
    auto it = body.find(f.name);
    if (it == body.end() || !it->is_number_integer()) continue;
    if (f.type == Type::boolean && (it->get<int64_t>() == 0 || it->get<int64_t>() == 1)) {
      *it = it->get<int64_t>() == 1;
    } else if (f.type == Type::string && !f.references.empty()) {
      const Entity* target = find_entity(f.references);
      const bool positive = it->is_number_unsigned() ? it->get<uint64_t>() > 0 : it->get<int64_t>() > 0;
      if (target && target->server_assigned_ids && positive) *it = it->dump();
    }
  }
  return body;
}

json without_read_only(const Entity& e, json body) {
  if (!body.is_object()) return body;
  for (const auto& f : e.fields)
    if (f.read_only) body.erase(f.name);
  return body;
}

void raise_if_any(std::vector<FieldError> errors) {
  if (!errors.empty()) throw ValidationError(std::move(errors));
}

IndexQuery parse_index_body(const Entity& e, const json& body) {
  IndexQuery q;
  if (body.is_null()) return q;
  if (!body.is_object()) raise_if_any({{"body", "must be a JSON object"}});
  std::vector<FieldError> errors;
  auto positive = [&](const char* key, int& out, int max) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return;
    long long v = 0;
    if (it->is_number_integer()) {
      v = it->get<long long>();
    } else if (it->is_string()) {
      // Yii accepts numeric strings in a body.
      const auto& s = it->get_ref<const std::string&>();
      if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) {
        errors.push_back({key, "must be a positive integer"});
        return;
      }
      v = std::stoll(s);
    } else {
      errors.push_back({key, "must be a positive integer"});
      return;
    }
    if (v < 1 || v > max) {
      errors.push_back({key, "must be between 1 and " + std::to_string(max)});
      return;
    }
    out = int(v);
  };
  positive("page", q.page, 1'000'000'000);
  positive("per-page", q.per_page, kFourHsePaging.max_per_page);
  if (auto it = body.find("history"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) errors.push_back({"history", "must be a boolean"});
    else q.history = it->get<bool>();
  }
  if (auto it = body.find("sort"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) {
      errors.push_back({"sort", "must be a string"});
    } else {
      std::string s = it->get<std::string>();
      if (!s.empty() && s[0] == '-') {
        q.descending = true;
        s.erase(0, 1);
      }
      const Field* f = e.field(s);
      if (!f || !f->sort) errors.push_back({"sort", "cannot sort " + e.name + " by '" + s + "'"});
      else q.sort = f;
    }
  }
  if (auto it = body.find("filter"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      errors.push_back({"filter", "must be a JSON object"});
    } else {
      for (auto fit = it->begin(); fit != it->end(); ++fit) {
        const Field* f = e.field(fit.key());
        std::string where = "filter." + fit.key();
        if (!f || !f->filter) {
          errors.push_back({where, "is not a filter of " + e.name});
        } else if (fit->is_null() || (fit->is_string() && fit->get_ref<const std::string&>().empty())) {
          continue;  // an empty filter value filters nothing, as in Yii
        } else if (fit->is_object() || fit->is_array()) {
          errors.push_back({where, "must be a single value"});
        } else {
          q.filters.push_back({f, *fit});
        }
      }
    }
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    static const char* known[] = {"filter", "sort", "page", "per-page", "history"};
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) errors.push_back({it.key(), "is not a parameter of an index request"});
  }
  raise_if_any(std::move(errors));
  return q;
}

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0);
  return d <= max;
}

bool is_datetime(const std::string& s) {
  if (s.size() != 16 || s[10] != 'T' || s[13] != ':') return false;
  if (!is_date(s.substr(0, 10))) return false;
  for (int i : {11, 12, 14, 15})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return std::stoi(s.substr(11, 2)) < 24 && std::stoi(s.substr(14, 2)) < 60;
}

bool is_url(const std::string& s) {
  std::string rest;
  if (s.rfind("http://", 0) == 0) rest = s.substr(7);
  else if (s.rfind("https://", 0) == 0) rest = s.substr(8);
  else return false;
  if (rest.empty() || rest[0] == '/' || rest[0] == ':') return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7F) return false;
  return true;
}

}  // namespace hse::schema
