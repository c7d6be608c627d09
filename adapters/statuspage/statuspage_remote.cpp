#include "adapters/statuspage/statuspage_remote.hpp"

#include <algorithm>
#include <charconv>

#include "adapters/http/answers.hpp"
#include "adapters/http/url.hpp"
#include "schema/catalog.hpp"

namespace hse::adapters::statuspage {

using http::AnswerContext;
using http::Operation;
using http::header_int;

struct StatusPageRemote::Call {
  http::Request request;
  AnswerContext ctx;
};

// One incident page to ask for, or (comments by incident) one incident's comments.
struct StatusPageRemote::PageQuery {
  std::string filters;  // "status=active&scope=3&", percent-encoded, each ending in '&'
  int page = 1;
  int per_page = schema::kStatusPagePaging.default_per_page;
  std::string incident;  // comments: the incident named by filter.incident, "" for none
};

namespace {

const char* const kIncident = "statuspage_incident";
const char* const kComment = "statuspage_comment";

// The API's list filters (docs/api/004), in the order they are sent.
const char* const kFilters[] = {"status",          "severity",      "scope",       "service",
                                "external_reference", "impact_before", "impact_after"};
// What POST /incident/create accepts; status and the state dates are the server's.
const char* const kCreateFields[] = {"scope",    "service",           "name",     "description", "external_reference",
                                     "external_link", "severity", "start_impact_date"};
// What POST /incident/<id>/update takes besides the state dates.
const char* const kUpdateFields[] = {"scope",         "service",  "name",   "description",      "external_reference",
                                     "external_link", "severity", "status", "start_impact_date"};
// Each state date belongs to one status: the update requires it there and refuses it elsewhere.
const std::pair<const char*, const char*> kStateDates[] = {
    {"investigating", "investigation_date"}, {"stable", "stable_date"}, {"resolved", "resolve_date"}};

// Ids are int64 on any sane server; 18 digits always fit.
constexpr size_t kMaxIdDigits = 18;

enum class Kind { incident, comment };

Kind kind_of(const std::string& entity) {
  if (entity == kIncident) return Kind::incident;
  if (entity == kComment) return Kind::comment;
  throw Error(Code::invalid, "'" + entity.substr(0, 64) + "' is not an entity of the status-page API",
              {{"entity", "must be statuspage_incident or statuspage_comment"}});
}

const schema::Entity& catalog(Kind k) { return schema::entity(k == Kind::incident ? kIncident : kComment); }

bool canonical_id(const std::string& s) {
  return !s.empty() && s.size() <= kMaxIdDigits && s[0] != '0' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The id as it goes into a path. Anything else (a local UUID of a row never pushed)
// must never reach the server.
std::string wire_id(const std::string& id, const std::string& field) {
  if (!canonical_id(id))
    throw Error(Code::invalid,
                field + " '" + id.substr(0, 64) + "' is not a status-page id (a positive decimal integer)",
                {{field, "must be a positive decimal integer"}});
  return id;
}

// An id the caller gave as a JSON value (a comment's `incident`): a decimal string or a number.
std::string wire_id(const json& value, const std::string& field) {
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() > 0))
    return wire_id(std::to_string(value.get<uint64_t>()), field);
  if (value.is_string()) return wire_id(value.get<std::string>(), field);
  throw Error(Code::invalid, field + " is not a status-page id", {{field, "must be a positive decimal integer"}});
}

// A server id as the engine keeps it, or "" when the value is not one.
std::string server_id(const json& value) {
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() > 0)) {
    std::string s = std::to_string(value.get<uint64_t>());
    return canonical_id(s) ? s : "";
  }
  if (value.is_string() && canonical_id(value.get<std::string>())) return value.get<std::string>();
  return "";
}

// scope and service are integers on the wire; the engine may hold them as text.
json wire_integer(const json& value, const std::string& field) {
  if (value.is_number_integer()) return value;
  if (value.is_string()) {
    const std::string& s = value.get<std::string>();
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) return n;
  }
  throw Error(Code::invalid, field + " must be an integer", {{field, "must be an integer"}});
}

std::string dump(const json& body) {
  try {
    return body.dump();
  } catch (const json::exception& e) {
    throw Error(Code::invalid, std::string("request body cannot be serialised: ") + e.what());
  }
}

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

int positive(const json& body, const char* key, int fallback) {
  const json* v = member(body, key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_number_integer() || v->get<int64_t>() < 1 || v->get<int64_t>() > http::kMaxPageCount)
    throw Error(Code::invalid, std::string(key) + " must be a positive integer", {{key, "must be a positive integer"}});
  return v->get<int>();
}

// A filter value as query text. Null means no filter.
std::optional<std::string> filter_text(const std::string& key, const json& value) {
  const std::string field = "filter." + key;
  if (value.is_null()) return std::nullopt;
  if (key == "scope" || key == "service") {
    if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
    if (value.is_string()) return value.get<std::string>();
  } else if (value.is_string()) {
    return value.get<std::string>();
  }
  throw Error(Code::invalid, field + " has a value the API cannot filter by", {{field, "has the wrong type"}});
}


}  // namespace

StatusPageRemote::StatusPageRemote(StatusPageOptions options, std::shared_ptr<http::Transport> transport)
    : options_(std::move(options)), transport_(std::move(transport)) {
  if (!transport_) throw Error(Code::invalid, "status-page remote: no transport");
  if (!options_.clock) options_.clock = system_clock();
  if (options_.max_rows_per_page < 1 || options_.max_rows_per_page > schema::kStatusPagePaging.max_per_page)
    throw Error(Code::invalid, "status-page remote: max_rows_per_page must be from 1 to " +
                                    std::to_string(schema::kStatusPagePaging.max_per_page));
  if (options_.max_comments_per_incident < 1)
    throw Error(Code::invalid, "status-page remote: max_comments_per_incident must be positive");
  if (options_.max_body_bytes < 1) throw Error(Code::invalid, "status-page remote: max_body_bytes must be positive");
  for (unsigned char c : options_.access_token)
    if (c < 0x20 || c == 0x7f)
      throw Error(Code::invalid, "status-page remote: the access token holds a control character",
                  {{"access_token", "holds a control character"}});
}

StatusPageRemote::Call StatusPageRemote::call(Operation op, std::string method, std::string target,
                                              std::string body) const {
  Call c;
  c.request.method = std::move(method);
  c.request.target = std::move(target);
  c.request.headers["Accept"] = "application/json";
  if (!options_.access_token.empty()) c.request.headers["Authorization"] = "Bearer " + options_.access_token;
  if (c.request.method == "POST") c.request.headers["Content-Type"] = "application/json";
  c.request.body = std::move(body);
  // Reads may be resent on a dead kept-alive connection; a POST creates or changes.
  c.request.idempotent = c.request.method == "GET";
  c.ctx.op = op;
  c.ctx.what = c.request.method + " " + c.request.target.substr(0, c.request.target.find('?'));
  c.ctx.secrets = {options_.access_token};
  return c;
}

void StatusPageRemote::malformed(const std::string& why, const http::Response& answer, const Call& c) const {
  throw RemoteError(Code::server, http::scrub(c.ctx.what + ": malformed answer: " + why, c.ctx.secrets),
                    answer.status);
}

http::Response StatusPageRemote::exchange(const Call& c) const {
  http::Response answer = transport_->send(c.request);
  if (answer.body.size() > options_.max_body_bytes)
    malformed("a body of " + std::to_string(answer.body.size()) + " bytes, over the limit of " +
                  std::to_string(options_.max_body_bytes),
              answer, c);
  return answer;
}

std::vector<http::Response> StatusPageRemote::exchange_all(const std::vector<Call>& calls) const {
  if (calls.empty()) return {};
  std::vector<http::Request> requests;
  requests.reserve(calls.size());
  for (const auto& c : calls) requests.push_back(c.request);
  std::vector<http::Response> answers = transport_->send_all(requests);
  if (answers.size() != calls.size())
    throw Error(Code::internal, "the transport answered " + std::to_string(answers.size()) + " of " +
                                    std::to_string(calls.size()) + " requests");
  for (size_t i = 0; i < answers.size(); ++i)
    if (answers[i].body.size() > options_.max_body_bytes)
      malformed("a body of " + std::to_string(answers[i].body.size()) + " bytes, over the limit of " +
                    std::to_string(options_.max_body_bytes),
                answers[i], calls[i]);
  return answers;
}

void StatusPageRemote::fail(const http::Response& answer, const Call& c) const {
  AnswerContext ctx = c.ctx;
  ctx.now_ms = options_.clock->now_ms();
  http::throw_for_status(answer, ctx);
}

json StatusPageRemote::parse(const http::Response& answer, const Call& c) const {
  return http::parse_body(answer, c.ctx);
}

json StatusPageRemote::incident_row(const json& raw, const http::Response& answer, const Call& c) const {
  if (!raw.is_object()) malformed("an incident is not a JSON object", answer, c);
  const json* id = member(raw, "id");
  std::string key = id ? server_id(*id) : "";
  if (key.empty()) malformed("an incident without a positive integer id", answer, c);
  json row = json::object();
  for (const auto& f : catalog(Kind::incident).fields) {
    if (f.name == "id") continue;
    if (const json* v = member(raw, f.name.c_str())) row[f.name] = *v;
  }
  row["id"] = key;
  return row;
}

json StatusPageRemote::comment_row(const json& raw, const std::string& incident, const http::Response& answer,
                                   const Call& c) const {
  if (!raw.is_object()) malformed("a comment is not a JSON object", answer, c);
  const json* id = member(raw, "id");
  std::string key = id ? server_id(*id) : "";
  if (key.empty()) malformed("a comment without a positive integer id", answer, c);
  std::string parent = incident;
  if (const json* v = member(raw, "incident"); v && !v->is_null()) {
    parent = server_id(*v);
    if (parent.empty() || (!incident.empty() && parent != incident))
      malformed("comment " + key + " names another incident than " + incident, answer, c);
  }
  if (parent.empty()) malformed("comment " + key + " names no incident", answer, c);
  bool internal = false;
  if (const json* v = member(raw, "internal"); v && !v->is_null()) {
    if (v->is_boolean())
      internal = v->get<bool>();
    else if (v->is_number_integer() && (v->get<int64_t>() == 0 || v->get<int64_t>() == 1))
      internal = v->get<int64_t>() == 1;
    else
      malformed("comment " + key + " has an internal flag that is not 0 or 1", answer, c);
  }
  json row = json::object();
  for (const auto& f : catalog(Kind::comment).fields)
    if (const json* v = member(raw, f.name.c_str())) row[f.name] = *v;
  row["id"] = key;
  row["incident"] = parent;
  row["internal"] = internal;
  return row;
}

std::vector<json> StatusPageRemote::comments_of(const json& view, const std::string& incident,
                                                const http::Response& answer, const Call& c) const {
  std::vector<json> out;
  const json* list = member(view, "comments");
  if (!list || list->is_null()) return out;
  if (!list->is_array()) malformed("the incident's comments are not a JSON array", answer, c);
  if (list->size() > static_cast<size_t>(options_.max_comments_per_incident))
    malformed(std::to_string(list->size()) + " comments on one incident, more than the limit of " +
                  std::to_string(options_.max_comments_per_incident),
              answer, c);
  out.reserve(list->size());
  for (const auto& raw : *list) out.push_back(comment_row(raw, incident, answer, c));
  return out;
}

std::optional<json> StatusPageRemote::read_view(const http::Response& answer, const Call& c,
                                                const std::string& id) const {
  if (answer.status == 404) return std::nullopt;
  if (!http::is_success(answer.status)) fail(answer, c);
  json body = parse(answer, c);
  if (!body.is_object()) malformed("the incident is not a JSON object", answer, c);
  const json* got = member(body, "id");
  if (!got || server_id(*got) != id) malformed("asked for incident " + id + ", got another", answer, c);
  return body;
}

StatusPageRemote::Call StatusPageRemote::incident_page_call(const PageQuery& q) const {
  return call(Operation::list, "GET",
              "/incident?" + q.filters + "page=" + std::to_string(q.page) + "&per_page=" + std::to_string(q.per_page),
              "");
}

engine::sync::RemotePage StatusPageRemote::read_incident_page(const http::Response& answer, const Call& c,
                                                        const PageQuery& q) const {
  if (!http::is_success(answer.status)) fail(answer, c);
  json body = parse(answer, c);
  if (!body.is_array()) malformed("the incident list is not a JSON array", answer, c);
  std::string error;
  engine::sync::RemotePage page;
  page.page = header_int(answer, "x-page", 1, http::kMaxPageCount, q.page, error);
  page.per_page = header_int(answer, "x-per-page", 1, schema::kStatusPagePaging.max_per_page, q.per_page, error);
  page.total_count = header_int(answer, "x-total", 0, http::kMaxTotalCount,
                                (q.page - 1) * q.per_page + static_cast<int>(body.size()), error);
  page.page_count = header_int(answer, "x-total-pages", 0, http::kMaxPageCount, 1, error);
  if (!error.empty()) malformed(error, answer, c);
  // The page holds at most what was asked, whatever the headers claim.
  const size_t limit = static_cast<size_t>(std::min({q.per_page, page.per_page, options_.max_rows_per_page}));
  if (body.size() > limit)
    malformed(std::to_string(body.size()) + " incidents in a page of at most " + std::to_string(limit), answer, c);
  page.rows.reserve(body.size());
  for (const auto& raw : body) page.rows.push_back(incident_row(raw, answer, c));
  return page;
}

std::vector<engine::sync::RemotePage> StatusPageRemote::comment_pages(
    std::vector<engine::sync::RemotePage> incident_pages) const {
  std::vector<Call> views;
  std::vector<std::pair<size_t, std::string>> owner;  // per view: its page, its incident
  for (size_t p = 0; p < incident_pages.size(); ++p)
    for (const auto& row : incident_pages[p].rows) {
      std::string id = row["id"].get<std::string>();
      views.push_back(call(Operation::view, "GET", "/incident/" + id, ""));
      owner.emplace_back(p, std::move(id));
    }
  std::vector<http::Response> answers = exchange_all(views);
  std::vector<engine::sync::RemotePage> out(incident_pages.size());
  for (size_t p = 0; p < out.size(); ++p) {
    out[p].page = incident_pages[p].page;
    out[p].page_count = incident_pages[p].page_count;
    out[p].per_page = incident_pages[p].per_page;
  }
  for (size_t i = 0; i < answers.size(); ++i) {
    // An incident deleted between its list and its view has no comments left.
    std::optional<json> view = read_view(answers[i], views[i], owner[i].second);
    if (!view) continue;
    for (auto& row : comments_of(*view, owner[i].second, answers[i], views[i]))
      out[owner[i].first].rows.push_back(std::move(row));
  }
  for (auto& page : out) page.total_count = static_cast<int>(page.rows.size());
  return out;
}

namespace {

// The index body read into what the API is asked. `page` overrides the body's.
struct ListBody {
  std::string filters;
  std::string incident;
  int page = 1;
  int per_page = schema::kStatusPagePaging.default_per_page;
};

ListBody read_list_body(Kind kind, const json& body, std::optional<int> page, int max_per_page) {
  if (!body.is_null() && !body.is_object())
    throw Error(Code::invalid, "the index body is not a JSON object", {{"body", "must be a JSON object"}});
  ListBody out;
  out.page = page ? *page : positive(body, "page", 1);
  if (page && (*page < 1 || *page > http::kMaxPageCount))
    throw Error(Code::invalid, "page must be a positive integer", {{"page", "must be a positive integer"}});
  out.per_page = std::min(positive(body, "per-page", schema::kStatusPagePaging.default_per_page), max_per_page);
  const json* filter = member(body, "filter");
  if (!filter || filter->is_null()) return out;
  if (!filter->is_object())
    throw Error(Code::invalid, "filter is not a JSON object", {{"filter", "must be a JSON object"}});
  for (const auto& [key, value] : filter->items()) {
    if (kind == Kind::comment) {
      if (key != "incident")
        throw Error(Code::invalid, "comments cannot be filtered by filter." + key.substr(0, 64),
                    {{"filter." + key, "is not a filter of statuspage_comment"}});
      if (!value.is_null()) out.incident = wire_id(value, "filter.incident");
      continue;
    }
    if (std::find(std::begin(kFilters), std::end(kFilters), key) == std::end(kFilters))
      throw Error(Code::invalid, "incidents cannot be filtered by filter." + key.substr(0, 64),
                  {{"filter." + key, "is not a filter of statuspage_incident"}});
  }
  if (kind == Kind::incident)
    for (const char* key : kFilters)
      if (const json* v = member(*filter, key))
        if (auto text = filter_text(key, *v)) out.filters += std::string(key) + "=" + http::percent_encode(*text) + "&";
  return out;
}

}  // namespace

engine::sync::RemotePage StatusPageRemote::list(const std::string& entity, const json& body) {
  kind_of(entity);
  return list_pages(entity, body, {positive(body, "page", 1)}).at(0);
}

std::vector<engine::sync::RemotePage> StatusPageRemote::list_pages(const std::string& entity, const json& body,
                                                             const std::vector<int>& pages) {
  const Kind kind = kind_of(entity);
  std::vector<PageQuery> queries;
  queries.reserve(pages.size());
  for (int p : pages) {
    ListBody lb = read_list_body(kind, body, p, options_.max_rows_per_page);
    queries.push_back({std::move(lb.filters), lb.page, lb.per_page, std::move(lb.incident)});
  }
  if (queries.empty()) return {};

  if (kind == Kind::comment && !queries[0].incident.empty()) {
    // One incident's comments are one page: page 1 holds them all, later pages are empty.
    const std::string& incident = queries[0].incident;
    std::vector<engine::sync::RemotePage> out(queries.size());
    std::vector<json> rows;
    if (std::any_of(queries.begin(), queries.end(), [](const PageQuery& q) { return q.page == 1; })) {
      Call c = call(Operation::view, "GET", "/incident/" + incident, "");
      http::Response answer = exchange(c);
      if (std::optional<json> view = read_view(answer, c, incident)) rows = comments_of(*view, incident, answer, c);
    }
    for (size_t i = 0; i < queries.size(); ++i) {
      out[i].page = queries[i].page;
      out[i].page_count = 1;
      out[i].rows = queries[i].page == 1 ? rows : std::vector<json>{};
      out[i].per_page = std::max<int>(1, static_cast<int>(out[i].rows.size()));
      out[i].total_count = static_cast<int>(rows.size());
    }
    return out;
  }

  std::vector<Call> calls;
  calls.reserve(queries.size());
  for (const auto& q : queries) calls.push_back(incident_page_call(q));
  std::vector<http::Response> answers = pages.size() == 1 ? std::vector<http::Response>{exchange(calls[0])}
                                                          : exchange_all(calls);
  std::vector<engine::sync::RemotePage> out;
  out.reserve(answers.size());
  for (size_t i = 0; i < answers.size(); ++i) out.push_back(read_incident_page(answers[i], calls[i], queries[i]));
  if (kind == Kind::incident) return out;
  return comment_pages(std::move(out));
}

std::optional<json> StatusPageRemote::view(const std::string& entity, const std::string& id) {
  if (kind_of(entity) == Kind::comment)
    throw Error(Code::invalid, "comments have no view of their own", {{"entity", "comments have no view"}});
  const std::string key = wire_id(id, "id");
  Call c = call(Operation::view, "GET", "/incident/" + key, "");
  http::Response answer = exchange(c);
  std::optional<json> raw = read_view(answer, c, key);
  if (!raw) return std::nullopt;
  return incident_row(*raw, answer, c);
}

json StatusPageRemote::create(const std::string& entity, const json& body) {
  const Kind kind = kind_of(entity);
  if (!body.is_object()) throw Error(Code::invalid, "the create body is not a JSON object", {{"body", "must be a JSON object"}});

  if (kind == Kind::comment) {
    const json* incident = member(body, "incident");
    if (!incident || incident->is_null())
      throw Error(Code::invalid, "a comment needs its incident", {{"incident", "is required"}});
    const std::string parent = wire_id(*incident, "incident");
    json out = json::object();
    if (const json* text = member(body, "comment"); text && !text->is_null()) out["comment"] = *text;
    int internal = 0;
    if (const json* v = member(body, "internal"); v && !v->is_null()) {
      if (v->is_boolean())
        internal = v->get<bool>() ? 1 : 0;
      else if (v->is_number_integer() && (v->get<int64_t>() == 0 || v->get<int64_t>() == 1))
        internal = static_cast<int>(v->get<int64_t>());
      else
        throw Error(Code::invalid, "internal must be a boolean", {{"internal", "must be a boolean"}});
    }
    out["internal"] = internal;
    Call c = call(Operation::create, "POST", "/incident/" + parent + "/comment", dump(out));
    http::Response answer = exchange(c);
    if (!http::is_success(answer.status)) fail(answer, c);
    return comment_row(parse(answer, c), parent, answer, c);
  }

  // The API creates every incident active, without state dates: anything else would be
  // silently lost (or refused with 422), so it is refused here, naming the field.
  if (const json* status = member(body, "status"); status && !status->is_null() && *status != "active")
    throw Error(Code::invalid, "an incident is created active; set its status with an update",
                {{"status", "must be active on create"}});
  for (const auto& [status, date] : kStateDates)
    if (const json* v = member(body, date); v && !v->is_null())
      throw Error(Code::invalid, std::string("an incident is created without ") + date,
                  {{date, std::string("is only set by an update to ") + status}});
  json out = json::object();
  for (const char* key : kCreateFields) {
    const json* v = member(body, key);
    if (!v || v->is_null()) continue;
    out[key] = (std::string(key) == "scope" || std::string(key) == "service") ? wire_integer(*v, key) : *v;
  }
  Call c = call(Operation::create, "POST", "/incident/create", dump(out));
  http::Response answer = exchange(c);
  if (!http::is_success(answer.status)) fail(answer, c);
  return incident_row(parse(answer, c), answer, c);
}

std::string StatusPageRemote::checked_update_key(const std::string& entity, const std::string& id,
                                                const json& patch) const {
  if (kind_of(entity) == Kind::comment)
    throw Error(Code::invalid, "comments cannot be updated: the API has no update for them",
                {{"entity", "statuspage_comment is append-only"}});
  const std::string key = wire_id(id, "id");
  if (!patch.is_object()) throw Error(Code::invalid, "the patch is not a JSON object", {{"patch", "must be a JSON object"}});
  const schema::Entity& e = catalog(Kind::incident);
  for (const auto& [name, value] : patch.items()) {
    const schema::Field* f = e.field(name);
    if (!f) throw Error(Code::invalid, "statuspage_incident has no field " + name.substr(0, 64), {{name, "unknown field"}});
    if (name == "id" && server_id(value) != key)
      throw Error(Code::invalid, "an incident's id cannot change", {{"id", "cannot change"}});
  }
  return key;
}

json StatusPageRemote::update(const std::string& entity, const std::string& id, const json& patch) {
  const std::string key = checked_update_key(entity, id, patch);
  Call read = call(Operation::update, "GET", "/incident/" + key, "");
  http::Response current_answer = exchange(read);
  if (current_answer.status == 404) fail(current_answer, read);
  return send_update(key, incident_row(*read_view(current_answer, read, key), current_answer, read), patch);
}

json StatusPageRemote::update_from(const std::string& entity, const std::string& id, const json& patch,
                                   const json& current) {
  const std::string key = checked_update_key(entity, id, patch);
  const json* current_id = current.is_object() ? member(current, "id") : nullptr;
  if (!current_id || server_id(*current_id) != key) return update(entity, id, patch);
  return send_update(key, current, patch);
}

json StatusPageRemote::send_update(const std::string& key, json row, const json& patch) {
  for (const auto& [name, value] : patch.items())
    if (name != "id") row[name] = value;

  // The update is a full one: an optional field left out is cleared, so every current
  // value is sent. Nulls are left out, which clears them too.
  json out = json::object();
  for (const char* name : kUpdateFields) {
    const json* v = member(row, name);
    if (!v || v->is_null()) continue;
    out[name] = (std::string(name) == "scope" || std::string(name) == "service") ? wire_integer(*v, name) : *v;
  }
  // The state date of the new status goes with it; the others the server refuses, so a
  // date kept from an earlier state is left out, while one the patch sets is sent and
  // the server's 422 names it.
  const json* status = member(row, "status");
  for (const auto& [state, date] : kStateDates) {
    const json* v = member(row, date);
    if (!v || v->is_null()) continue;
    bool own = status && *status == state;
    const json* asked = member(patch, date);
    if (own || (asked && !asked->is_null())) out[date] = *v;
  }
  Call c = call(Operation::update, "POST", "/incident/" + key + "/update", dump(out));
  http::Response answer = exchange(c);
  if (!http::is_success(answer.status)) fail(answer, c);
  return incident_row(parse(answer, c), answer, c);
}

bool StatusPageRemote::remove(const std::string& entity, const std::string& id, bool /*force*/) {
  if (kind_of(entity) == Kind::comment)
    throw Error(Code::invalid, "comments cannot be deleted: the API has no delete for them",
                {{"entity", "statuspage_comment is append-only"}});
  const std::string key = wire_id(id, "id");
  Call c = call(Operation::remove, "POST", "/incident/" + key + "/delete", "");
  http::Response answer = exchange(c);
  if (answer.status == 404) return false;
  if (!http::is_success(answer.status)) fail(answer, c);
  return true;
}

}  // namespace hse::adapters::statuspage
