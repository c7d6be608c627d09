// Deterministic fault injection for the emulator. A fault is decided per request
// from (seed, sequence number) alone, so the same seed and the same request order
// always give the same faults, whichever transport applies them.
// Thread-safe: FaultInjector guards its state with a mutex.
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>

#include "adapters/http/message.hpp"

namespace hse::adapters::emulator {

using json = nlohmann::json;

// The body of POST /_admin/faults and of --faults. Rates are probabilities per request.
struct FaultConfig {
  uint64_t seed = 0;
  int latency_ms = 0;              // added to every faultable request
  double drop_rate = 0;            // connection closed before the request is handled
  double error_rate = 0;           // answered with error_status, the database untouched
  int error_status = 503;
  int retry_after_s = 0;           // > 0: error answers carry Retry-After
  double lost_response_rate = 0;   // handled (a write commits), then closed unanswered

  // Throws hse::ValidationError naming the offending key. `{}` is "no faults".
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
  bool operator==(const FaultDecision&) const = default;
};

// The fault for the `sequence`-th faultable request (0-based) under `config`.
FaultDecision decide_fault(const FaultConfig& config, uint64_t sequence);

// The answer an injected error gives.
http::Response fault_response(const FaultDecision& decision);

// Only the API paths are faulted (/v2/..., and the status-page /incident...):
// never /_admin nor the token endpoint, so tests can always steer the emulator.
bool is_faultable(const std::string& target);

class FaultInjector {
 public:
  // Replaces the configuration and restarts the sequence at 0.
  void configure(const FaultConfig& config);
  FaultConfig config() const;
  // The decision for the next faultable request; advances the sequence.
  FaultDecision next();

 private:
  mutable std::mutex mu_;
  FaultConfig config_;
  uint64_t sequence_ = 0;
};

}  // namespace hse::adapters::emulator
