// Deterministic fault injection for the emulator. Targeted rules answer chosen
// requests (method and path) with a chosen status; the random faults are decided per
// request from (seed, sequence number) alone, so the same seed and the same request
// order always give the same faults, whichever transport applies them.
// Thread-safe: FaultInjector guards its state with a mutex.
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/http/message.hpp"

namespace hse::adapters::emulator {

using json = nlohmann::json;

// One targeted fault: requests with this method whose path (the target without its
// query string) is `path`, or starts with it when it ends in '*', are answered
// `status` with `body` and never reach the database.
struct FaultRule {
  std::string method = "*";  // GET, HEAD, POST, PUT, PATCH, DELETE, or "*" for any
  std::string path = "/";    // "/v2/incident/update/ID", or a prefix: "/v2/incident/*"
  int status = 500;
  int times = -1;        // -1: every match; N >= 1: the next N matches, then inert
  int retry_after_s = 0; // > 0: the answer carries Retry-After
  // The answer body: `body` serialized as JSON, or `raw_body` sent as it is (to
  // stand for a malformed answer); neither: the emulator's injected-fault error.
  std::optional<json> body = std::nullopt;
  std::optional<std::string> raw_body = std::nullopt;

  bool matches(const std::string& method, const std::string& path) const;
  json to_json() const;
  bool operator==(const FaultRule&) const = default;
};

// The body of POST /_admin/faults and of --faults. Rates are probabilities per request.
struct FaultConfig {
  uint64_t seed = 0;
  int latency_ms = 0;              // added to every faultable request
  double drop_rate = 0;            // connection closed before the request is handled
  double error_rate = 0;           // answered with error_status, the database untouched
  int error_status = 503;
  int retry_after_s = 0;           // > 0: error answers carry Retry-After
  double lost_response_rate = 0;   // handled (a write commits), then closed unanswered
  std::vector<FaultRule> rules = {};  // tried in order before the rates; the first live match answers

  // Throws hse::ValidationError naming the offending key ("rules[2].status").
  // `{}` is "no faults".
  static FaultConfig from_json(const json& body);
  json to_json() const;
  bool operator==(const FaultConfig&) const = default;
};

enum class FaultKind { none, drop, error, lost_response };

struct FaultDecision {
  FaultKind kind = FaultKind::none;
  int latency_ms = 0;
  int status = 0;         // for FaultKind::error
  int retry_after_s = 0;  // for FaultKind::error; 0: no Retry-After
  // For FaultKind::error from a rule: the answer's body and whether it is JSON;
  // nullopt: the emulator's injected-fault error.
  std::optional<std::string> body;
  bool body_is_json = true;
  bool operator==(const FaultDecision&) const = default;
};

// The random fault for the `sequence`-th faultable request (0-based) under `config`
// (the rates only: rules are FaultInjector's, since they count their matches).
FaultDecision decide_fault(const FaultConfig& config, uint64_t sequence);

// The answer an injected error gives.
http::Response fault_response(const FaultDecision& decision);

// Only the API paths are faulted (/v2/..., and the status-page /incident...):
// never /_admin nor the token endpoint, so tests can always steer the emulator.
bool is_faultable(const std::string& target);

class FaultInjector {
 public:
  // Replaces the configuration, restarts the sequence at 0 and the rules' counts.
  void configure(const FaultConfig& config);
  FaultConfig config() const;
  // The configuration as GET /_admin/faults shows it: each rule with "matched", the
  // requests it has answered so far.
  json to_json() const;
  // The decision for the next faultable request, `path` without its query string:
  // the first rule that matches and has answers left, else the rates. Every request
  // advances the sequence, rule-answered or not, so a rule never shifts which later
  // requests the seed faults. Latency applies either way.
  FaultDecision next(const std::string& method, const std::string& path);

 private:
  mutable std::mutex mu_;
  FaultConfig config_;
  std::vector<int64_t> matched_;  // per rule of config_
  uint64_t sequence_ = 0;
};

}  // namespace hse::adapters::emulator
