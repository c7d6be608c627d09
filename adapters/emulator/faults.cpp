#include "adapters/emulator/faults.hpp"

#include <algorithm>
#include <string_view>

#include "core/error.hpp"

namespace hse::adapters::emulator {

namespace {

// splitmix64: a stateless mix, so decision n never depends on decisions before it.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A uniform draw in [0, 1) for one (seed, sequence, purpose) triple.
double draw(uint64_t seed, uint64_t sequence, uint64_t purpose) {
  uint64_t v = mix(mix(seed ^ mix(sequence)) + purpose);
  return (v >> 11) * (1.0 / 9007199254740992.0);
}

constexpr const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "*"};

// Whether a rule's path can match a faultable request at all: a rule on /_admin or
// the token endpoint would never fire, so it is refused rather than kept silently.
bool can_match_faultable(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.back() != '*') return is_faultable(path);
  std::string prefix = path.substr(0, path.size() - 1);
  for (std::string_view root : {"/v2/", "/incident"})
    if (root.substr(0, std::min(root.size(), prefix.size())) == std::string_view(prefix).substr(0, root.size()))
      return true;
  return false;
}

// Parses rules[i]; appends what is wrong with it to `errors`, fields named "rules[i].key".
FaultRule rule_from_json(const json& j, size_t i, std::vector<FieldError>& errors) {
  FaultRule rule;
  const std::string at = "rules[" + std::to_string(i) + "]";
  if (!j.is_object()) {
    errors.push_back({at, "must be an object"});
    return rule;
  }
  auto string_field = [&](const char* key, std::string& out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) {
      errors.push_back({at + "." + key, "is required and must be a string"});
      return false;
    }
    out = it->get<std::string>();
    return true;
  };
  auto integer = [&](const char* key, int& out, int min, int max, const std::string& rule_text) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return;
    if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max) {
      errors.push_back({at + "." + key, rule_text});
      return;
    }
    out = it->get<int>();
  };
  if (string_field("method", rule.method) &&
      std::find(std::begin(kMethods), std::end(kMethods), rule.method) == std::end(kMethods))
    errors.push_back({at + ".method", "must be one of GET, HEAD, POST, PUT, PATCH, DELETE or *"});
  if (string_field("path", rule.path) && !can_match_faultable(rule.path))
    errors.push_back({at + ".path", "must be an API path (/v2/... or /incident...), ending in * for a prefix"});
  if (!j.contains("status") || j["status"].is_null()) errors.push_back({at + ".status", "is required"});
  integer("status", rule.status, 200, 599, "must be an integer between 200 and 599");
  integer("times", rule.times, -1, 1'000'000'000, "must be -1 (always) or a positive count");
  if (rule.times == 0) errors.push_back({at + ".times", "must be -1 (always) or a positive count"});
  integer("retry_after_s", rule.retry_after_s, 0, 86'400, "must be an integer between 0 and 86400");
  if (auto it = j.find("body"); it != j.end() && !it->is_null()) rule.body = *it;
  if (auto it = j.find("raw_body"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) errors.push_back({at + ".raw_body", "must be a string"});
    else rule.raw_body = it->get<std::string>();
  }
  if (rule.body && rule.raw_body) errors.push_back({at + ".raw_body", "cannot be given with body"});
  for (auto it = j.begin(); it != j.end(); ++it) {
    static const char* known[] = {"method", "path", "status", "times", "retry_after_s", "body", "raw_body"};
    if (std::find_if(std::begin(known), std::end(known), [&](const char* k) { return it.key() == k; }) ==
        std::end(known))
      errors.push_back({at + "." + it.key(), "is not a rule setting"});
  }
  return rule;
}

}  // namespace

bool FaultRule::matches(const std::string& m, const std::string& p) const {
  if (method != "*" && method != m) return false;
  if (!path.empty() && path.back() == '*') return p.compare(0, path.size() - 1, path, 0, path.size() - 1) == 0;
  return p == path;
}

json FaultRule::to_json() const {
  json j = {{"method", method}, {"path", path}, {"status", status}, {"times", times}};
  if (retry_after_s > 0) j["retry_after_s"] = retry_after_s;
  if (body) j["body"] = *body;
  if (raw_body) j["raw_body"] = *raw_body;
  return j;
}

FaultConfig FaultConfig::from_json(const json& body) {
  FaultConfig c;
  if (!body.is_object()) throw ValidationError(std::vector<FieldError>{{"body", "must be a JSON object"}});
  std::vector<FieldError> errors;
  auto integer = [&](const char* key, auto& out, long long min, long long max) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return;
    if (!it->is_number_integer() || it->template get<long long>() < min || it->template get<long long>() > max) {
      errors.push_back({key, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max)});
      return;
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(it->template get<long long>());
  };
  auto rate = [&](const char* key, double& out) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return;
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1) {
      errors.push_back({key, "must be a number between 0 and 1"});
      return;
    }
    out = it->get<double>();
  };
  if (auto it = body.find("seed"); it != body.end() && !it->is_null()) {
    if (it->is_number_unsigned()) c.seed = it->get<uint64_t>();
    else if (it->is_number_integer()) c.seed = static_cast<uint64_t>(it->get<int64_t>());
    else errors.push_back({"seed", "must be an integer"});
  }
  integer("latency_ms", c.latency_ms, 0, 600'000);
  integer("error_status", c.error_status, 400, 599);
  integer("retry_after_s", c.retry_after_s, 0, 86'400);
  rate("drop_rate", c.drop_rate);
  rate("error_rate", c.error_rate);
  rate("lost_response_rate", c.lost_response_rate);
  if (auto it = body.find("rules"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) errors.push_back({"rules", "must be an array of rules"});
    else
      for (size_t i = 0; i < it->size(); ++i) c.rules.push_back(rule_from_json((*it)[i], i, errors));
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    static const char* known[] = {"seed", "latency_ms", "drop_rate", "error_rate",
                                  "error_status", "retry_after_s", "lost_response_rate", "rules"};
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) errors.push_back({it.key(), "is not a fault setting"});
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return c;
}

json FaultConfig::to_json() const {
  return {{"seed", seed},
          {"latency_ms", latency_ms},
          {"drop_rate", drop_rate},
          {"error_rate", error_rate},
          {"error_status", error_status},
          {"retry_after_s", retry_after_s},
          {"lost_response_rate", lost_response_rate},
          {"rules", [&] {
             json rs = json::array();
             for (const auto& r : rules) rs.push_back(r.to_json());
             return rs;
           }()}};
}

FaultDecision decide_fault(const FaultConfig& c, uint64_t sequence) {
  FaultDecision d;
  d.latency_ms = c.latency_ms;
  // One independent draw per kind, so raising one rate never reshuffles another's hits.
  if (c.drop_rate > 0 && draw(c.seed, sequence, 1) < c.drop_rate) {
    d.kind = FaultKind::drop;
  } else if (c.error_rate > 0 && draw(c.seed, sequence, 2) < c.error_rate) {
    d.kind = FaultKind::error;
    d.status = c.error_status;
    d.retry_after_s = c.retry_after_s;
  } else if (c.lost_response_rate > 0 && draw(c.seed, sequence, 3) < c.lost_response_rate) {
    d.kind = FaultKind::lost_response;
  }
  return d;
}

http::Response fault_response(const FaultDecision& d) {
  http::Response r;
  r.status = d.status;
  r.headers["content-type"] = "application/json; charset=UTF-8";
  if (d.retry_after_s > 0) r.headers["retry-after"] = std::to_string(d.retry_after_s);
  if (d.body) {
    if (!d.body_is_json) r.headers["content-type"] = "text/plain; charset=UTF-8";
    r.body = *d.body;
    return r;
  }
  r.body = json{{"name", "Injected fault"}, {"message", "fault injected by the emulator"}, {"status", d.status}}.dump();
  return r;
}

bool is_faultable(const std::string& target) {
  return target.rfind("/v2/", 0) == 0 || target.rfind("/incident", 0) == 0;
}

void FaultInjector::configure(const FaultConfig& config) {
  std::lock_guard lock(mu_);
  config_ = config;
  matched_.assign(config_.rules.size(), 0);
  sequence_ = 0;
}

FaultConfig FaultInjector::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

json FaultInjector::to_json() const {
  std::lock_guard lock(mu_);
  json j = config_.to_json();
  for (size_t i = 0; i < matched_.size(); ++i) j["rules"][i]["matched"] = matched_[i];
  return j;
}

FaultDecision FaultInjector::next(const std::string& method, const std::string& path) {
  std::lock_guard lock(mu_);
  FaultDecision d = decide_fault(config_, sequence_++);
  for (size_t i = 0; i < config_.rules.size(); ++i) {
    const FaultRule& rule = config_.rules[i];
    if ((rule.times >= 0 && matched_[i] >= rule.times) || !rule.matches(method, path)) continue;
    ++matched_[i];
    FaultDecision hit;
    hit.kind = FaultKind::error;
    hit.latency_ms = config_.latency_ms;
    hit.status = rule.status;
    hit.retry_after_s = rule.retry_after_s;
    if (rule.body) hit.body = rule.body->dump();
    if (rule.raw_body) hit.body = *rule.raw_body, hit.body_is_json = false;
    return hit;
  }
  return d;
}

}  // namespace hse::adapters::emulator
