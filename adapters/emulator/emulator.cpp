#include "adapters/emulator/emulator.hpp"

#include <SQLiteCpp/Exception.h>

#include "adapters/emulator/v2_api.hpp"
#include "adapters/emulator/auth.hpp"
#include "adapters/emulator/demo.hpp"
#include "adapters/emulator/responses.hpp"
#include "adapters/emulator/v2_store.hpp"
#include "adapters/emulator/statuspage_api.hpp"
#include "adapters/emulator/statuspage_store.hpp"

namespace hse::adapters::emulator {

namespace {

constexpr std::string_view kTokenPath = "/realms/4hse/protocol/openid-connect/token";

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

// An empty body is an empty request (index defaults); anything else must be JSON.
json parse_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json();
  return json::parse(body);  // throws json::parse_error: the caller answers 400
}

json fresh_stats() {
  return {{"total", 0}, {"by_method", json::object()}, {"faults", {{"dropped", 0}, {"errors", 0}, {"lost", 0}}},
          {"bytes_out", 0}};
}

http::Response method_not_allowed(const std::string& allowed) {
  http::Response r = error_response(405, "Method Not Allowed", "Method Not Allowed. This URL can only handle: " + allowed);
  r.headers["allow"] = allowed;
  return r;
}

}  // namespace

Emulator::Emulator(EmulatorOptions options) : options_(std::move(options)) {
  if (!options_.clock) options_.clock = system_clock();
  // A stream of its own, so generated ids and tokens never repeat the demo's ids.
  if (!options_.random) options_.random = std::make_shared<SeededRandom>(options_.seed * 0x9E3779B97F4A7C15ull + 0x5EEDull);
  if (options_.demo_size > 0) options_.demo = true;
  store_ = std::make_unique<V2Store>(options_.db_path);
  auth_ = std::make_unique<Auth>(options_.token, options_.users, options_.token_ttl_s, options_.clock, options_.random);
  statuspage_store_ = std::make_unique<StatuspageStore>(store_->db());
  statuspage_api_ = std::make_unique<StatuspageApi>(*statuspage_store_, *options_.clock);
  faults_.configure(options_.faults);
  gzip_ = options_.gzip;
  stats_ = fresh_stats();
  reseed();
}

Emulator::~Emulator() = default;

void Emulator::reseed() {
  if (!options_.demo) return;
  // Only an empty database is seeded, so a --db file keeps what earlier runs left.
  schema::IndexQuery everything;
  everything.history = true;
  if (store_->index(schema::entity("project"), everything).total > 0) return;
  seed_demo(*store_, options_.seed, options_.clock->now_ms());
  if (options_.demo_size > 0) seed_bulk(*store_, options_.seed, options_.demo_size, options_.clock->now_ms());
}

void Emulator::count(const http::Request& r) {
  std::lock_guard lock(stats_mu_);
  stats_["total"] = stats_["total"].get<int64_t>() + 1;
  auto& m = stats_["by_method"][r.method];
  m = m.is_null() ? 1 : m.get<int64_t>() + 1;
}

void Emulator::count_bytes_out(size_t bytes) {
  std::lock_guard lock(stats_mu_);
  stats_["bytes_out"] = stats_["bytes_out"].get<int64_t>() + int64_t(bytes);
}

json Emulator::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

FaultDecision Emulator::next_fault(const http::Request& r) {
  if (!is_faultable(r.target)) return {};
  // Rules match the path alone: a query string (access-token, force) never hides a request from them.
  FaultDecision d = faults_.next(r.method, r.target.substr(0, r.target.find('?')));
  if (d.kind == FaultKind::drop || d.kind == FaultKind::error || d.kind == FaultKind::lost_response) {
    // Dropped and errored requests never reach handle(); count them here so the
    // totals are every request the server received.
    if (d.kind != FaultKind::lost_response) count(r);
    std::lock_guard lock(stats_mu_);
    const char* key = d.kind == FaultKind::drop ? "dropped" : d.kind == FaultKind::error ? "errors" : "lost";
    stats_["faults"][key] = stats_["faults"][key].get<int64_t>() + 1;
  }
  return d;
}

void Emulator::set_faults(const FaultConfig& config) { faults_.configure(config); }

http::Response Emulator::handle(const http::Request& request) {
  try {
    std::lock_guard lock(mu_);
    return route(request);
  } catch (const std::exception& e) {
    return error_response(500, "Internal Server Error", e.what());
  }
}

http::Response Emulator::route(const http::Request& r) {
  const std::string path = r.target.substr(0, r.target.find('?'));
  const bool is_admin = path.rfind("/_admin/", 0) == 0;
  if (!is_admin) count(r);
  if (r.body.size() > options_.max_body_bytes)
    return error_response(413, "Payload Too Large", "The request body is larger than " +
                                                        std::to_string(options_.max_body_bytes) + " bytes");
  if (path == kTokenPath) return auth_->token_endpoint(r);
  if (is_admin) {
    if (!options_.admin) return error_response(404, "Not Found", "Page not found.");
    return admin(r, path);
  }
  if (path.rfind("/v2/", 0) == 0) return api(r, path);
  if (path == "/incident" || path.rfind("/incident/", 0) == 0) return statuspage(r);
  return error_response(404, "Not Found", "Page not found.");
}

http::Response Emulator::statuspage(const http::Request& r) {
    auto caller = auth_->caller(r);
  // No credentials reads the public resources; wrong ones are refused on every path.
  if (!caller && auth_->presents_credentials(r)) {
    http::Response res = json_response(401, {{"message", "Your request was made with invalid credentials."}});
    res.headers["www-authenticate"] = "Bearer realm=\"4hse\"";
    return res;
  }
  return statuspage_api_->handle(r, caller ? Access::authorized : Access::anonymous);
}

http::Response Emulator::api(const http::Request& r, const std::string& path) {
  auto parts = split_path(path);  // v2, entity, operation[, id]
  const schema::Entity* e = parts.size() >= 3 ? schema::find_entity(parts[1]) : nullptr;
  if (!e || e->remote != "fourhse") return error_response(404, "Not Found", "Page not found.");
  const std::string& op = parts[2];
  const bool with_id = op == "view" || op == "update" || op == "delete";
  const bool without_id = op == "index" || op == "create";
  if (!((with_id && parts.size() == 4 && !parts[3].empty()) || (without_id && parts.size() == 3)))
    return error_response(404, "Not Found", "Page not found.");
  const std::string allowed = op == "view" ? "GET" : op == "update" ? "PUT, PATCH" : op == "delete" ? "DELETE" : "POST";
  auto caller = auth_->caller(r);
  if (!caller) {
    http::Response res = error_response(401, "Unauthorized", "Your request was made with invalid credentials.");
    res.headers["www-authenticate"] = "Bearer realm=\"4hse\"";
    return res;
  }
  const bool method_ok = op == "view"     ? r.method == "GET"
                         : op == "update" ? (r.method == "PUT" || r.method == "PATCH")
                         : op == "delete" ? r.method == "DELETE"
                                          : r.method == "POST";
  if (!method_ok) return method_not_allowed(allowed);

  json body;
  try {
    body = parse_body(r.body);
  } catch (const json::parse_error& ex) {
    return field_errors(400, {{"body", std::string("is not valid JSON: ") + ex.what()}});
  }
  V2Api v2(*store_, *options_.clock, *options_.random);
  try {
    if (op == "index") {
      try {
        return v2.index(*e, body);
      } catch (const ValidationError& ex) {
        return field_errors(400, ex.fields());  // a malformed query, not a refused write
      }
    }
    if (op == "create") return v2.create(*e, body.is_null() ? json::object() : body, *caller);
    if (op == "view") return v2.view(*e, parts[3]);
    if (op == "update") return v2.update(*e, parts[3], body.is_null() ? json::object() : body);
    auto force = query_param(r.target, "force").value_or("false");
    if (force != "true" && force != "false" && force != "1" && force != "0" && !force.empty())
      return field_errors(400, {{"force", "must be true or false"}});
    return v2.remove(*e, parts[3], force == "true" || force == "1");
  } catch (const ValidationError& ex) {
    return field_errors(422, ex.fields());
  }
}

http::Response Emulator::admin(const http::Request& r, const std::string& path) {
  auto expect = [&](const char* method) { return r.method == method; };
  json body;
  try {
    body = parse_body(r.body);
  } catch (const json::parse_error& ex) {
    return field_errors(400, {{"body", std::string("is not valid JSON: ") + ex.what()}});
  }
  try {
    if (path == "/_admin/stats") {
      if (!expect("GET")) return method_not_allowed("GET");
      return json_response(200, stats());
    }
    if (path == "/_admin/reset") {
      if (!expect("POST")) return method_not_allowed("POST");
      store_->clear();
      statuspage_store_->clear();
      faults_.configure({});
      {
        std::lock_guard lock(stats_mu_);
        stats_ = fresh_stats();
      }
      reseed();
      return json_response(200, {{"reset", true}});
    }
    if (path == "/_admin/faults") {
      if (r.method == "GET") return json_response(200, faults_.to_json());
      if (!expect("POST")) return method_not_allowed("GET, POST");
      try {
        faults_.configure(FaultConfig::from_json(body.is_null() ? json::object() : body));
      } catch (const ValidationError& ex) {
        return field_errors(400, ex.fields());  // a malformed setting: nothing changes
      }
      return json_response(200, faults_.to_json());
    }
    if (path == "/_admin/gzip") {
      if (r.method == "GET") return json_response(200, {{"enabled", gzip()}});
      if (!expect("POST")) return method_not_allowed("GET, POST");
      if (!body.is_object() || !body.value("enabled", json()).is_boolean())
        return field_errors(400, {{"enabled", "must be true or false"}});
      gzip_ = body["enabled"].get<bool>();
      return json_response(200, {{"enabled", gzip()}});
    }
    if (path == "/_admin/historicize" || path == "/_admin/restore") {
      if (!expect("POST")) return method_not_allowed("POST");
      if (!body.is_object() || !body.value("entity", json()).is_string() || !body.value("id", json()).is_string())
        return field_errors(422, {{"entity", "entity and id are required strings"}});
      const schema::Entity* e = schema::find_entity(body["entity"].get<std::string>());
      if (!e || e->remote != "fourhse" || !e->has_validity())
        return field_errors(422, {{"entity", "is not an entity with a validity"}});
      const std::string id = body["id"];
      if (!store_->set_owned_active(*e, id, path == "/_admin/restore"))
        return error_response(404, "Not Found", "Object not found: " + id);
      store_->refresh_activity(*e, id);
      return json_response(200, *store_->find(*e, id));
    }
  } catch (const ValidationError& ex) {
    return field_errors(422, ex.fields());
  }
  return error_response(404, "Not Found", "Page not found.");
}

}  // namespace hse::adapters::emulator
