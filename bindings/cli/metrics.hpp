// What `hse-sync run --metrics` exposes: counters fed by the engine's events, and
// the replica's status read at scrape time, in the Prometheus text format (0.0.4).
// Thread-safe: events arrive on the engine's event thread, scrapes on the server's.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace hse::cli {

class Metrics {
 public:
  // Upper bounds (seconds) of the round-duration histogram's buckets (+Inf implied).
  static constexpr std::array<double, 9> kBuckets = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60};

  // Feeds an engine event ({"type": "round_finished", "report": {...}} counts).
  void on_event(const nlohmann::json& event);
  // Where the status gauges come from (the engine's status()); nullptr: none (while
  // the engine is reopened). Waits for a scrape that is reading the old one.
  void set_status_source(std::function<nlohmann::json()> source);
  // The replica's status now, with the daemon's round counts; null when no source.
  nlohmann::json status();
  // The exposition text.
  std::string prometheus_text();

 private:
  std::mutex mu_;
  std::function<nlohmann::json()> source_;
  uint64_t rounds_ok_ = 0, rounds_failed_ = 0, rounds_stopped_ = 0;
  uint64_t pulled_ = 0, pushed_ = 0;
  double last_success_s_ = 0;  // Unix time of the end of the last round that ended well
  std::array<uint64_t, kBuckets.size() + 1> buckets_{};  // per bucket, not cumulative; last: +Inf
  double duration_sum_s_ = 0;
};

}  // namespace hse::cli
