// The background scheduler: rounds on an interval, soon after a local write
// (debounced), and on demand; exponential backoff with jitter after a failed
// round (at least the server's Retry-After); one round at a time; clean stop.
// A failed push is retried by the scheduler on its own, never only when the next
// local write happens. Thread-safe. Rounds run on the scheduler's own thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"

namespace hse::engine::sync {

using json = nlohmann::json;

struct ScheduleOptions {
  std::chrono::milliseconds interval{60'000};
  std::chrono::milliseconds debounce{500};
  std::chrono::milliseconds backoff_min{1'000};
  std::chrono::milliseconds backoff_max{300'000};

  // From the replica's configuration: "sync": {"interval_s", "debounce_ms", "backoff_max_s"}.
  static ScheduleOptions from_config(const json& config);
};

// The delay before the next round after `failures` failed rounds in a row
// (0: the interval), jittered by `jitter` in [0, 1), and never under retry_after_s.
std::chrono::milliseconds next_delay(const ScheduleOptions& o, int failures, double jitter,
                                     std::optional<int> retry_after_s);

class Scheduler {
 public:
  // `round` runs one round and returns its report ({"ok", "error": {"retry_after_s"}}).
  Scheduler(std::function<json()> round, ScheduleOptions options, std::shared_ptr<Random> random);
  ~Scheduler();  // stops
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();  // the first round runs at once; no-op when running
  // Waits for the current round to end, then stops; no-op when stopped.
  void stop();
  bool running() const;
  // A local write happened: a round soon, unless one is due sooner or a backoff runs.
  void poke();
  // A round as soon as the current one (if any) ends.
  void request_now();
  // The report of the last round finished.
  json last_report() const;
  // Asks for a round now (request_now) and blocks until a round that started after
  // this call ends, or the timeout passes. The round to wait for is fixed before the
  // request: a fast round cannot end unseen between the two.
  bool run_now_and_wait(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hse::engine::sync
