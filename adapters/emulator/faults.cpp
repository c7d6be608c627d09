#include "adapters/emulator/faults.hpp"

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

}  // namespace

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
  for (auto it = body.begin(); it != body.end(); ++it) {
    static const char* known[] = {"seed", "latency_ms", "drop_rate", "error_rate",
                                  "error_status", "retry_after_s", "lost_response_rate"};
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
          {"lost_response_rate", lost_response_rate}};
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
  r.body = json{{"name", "Injected fault"}, {"message", "fault injected by the emulator"}, {"status", d.status}}.dump();
  return r;
}

bool is_faultable(const std::string& target) {
  return target.rfind("/v2/", 0) == 0 || target.rfind("/incident", 0) == 0;
}

void FaultInjector::configure(const FaultConfig& config) {
  std::lock_guard lock(mu_);
  config_ = config;
  sequence_ = 0;
}

FaultConfig FaultInjector::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

FaultDecision FaultInjector::next() {
  std::lock_guard lock(mu_);
  return decide_fault(config_, sequence_++);
}

}  // namespace hse::adapters::emulator
