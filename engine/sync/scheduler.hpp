// The background scheduler: rounds on an interval, soon after a local write
// (debounced), and on demand; exponential backoff with jitter after a failed
// round (at least the server's Retry-After); one round at a time; clean stop.
// A failed push is retried by the scheduler on its own, never only when the next
// local write happens. Thread-safe. Rounds run on the scheduler's own thread.
//
// Two cadences. The API has no change feed, so a pull is a full scan of the scope
// (every row downloaded again, changed or not): a round scans only at start, on
// demand (request_now, run_now_and_wait) and once pull_interval has passed since the
// last scan that succeeded. Every other round (after a local write, on the interval,
// a retry) pushes only, and costs nothing on the wire when nothing is pending. A
// failed scan is retried as a scan.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"

namespace hse::engine::sync {

using json = nlohmann::json;

struct ScheduleOptions {
  std::chrono::milliseconds interval{60'000};        // between push rounds
  std::chrono::milliseconds pull_interval{900'000};  // between scans
  std::chrono::milliseconds debounce{500};
  std::chrono::milliseconds backoff_min{1'000};
  std::chrono::milliseconds backoff_max{300'000};

  // From the replica's configuration: "sync": {"interval_s", "pull_interval_s", "debounce_ms",
  // "backoff_max_s"}.
  static ScheduleOptions from_config(const json& config);
};

// The delay before the next round after `failures` failed rounds in a row
// (0: the interval), jittered by `jitter` in [0, 1), and never under retry_after_s.
std::chrono::milliseconds next_delay(const ScheduleOptions& o, int failures, double jitter,
                                     std::optional<int> retry_after_s);

class Scheduler {
 public:
  // `round(scan)` runs one round (scan false: the push only) and returns its report
  // ({"ok", "error": {"retry_after_s"}}).
  Scheduler(std::function<json(bool scan)> round, ScheduleOptions options, std::shared_ptr<Random> random);
  ~Scheduler();  // stops
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();  // the first round (a scan) runs at once; no-op when running
  // Waits for the current round to end, then stops; no-op when stopped.
  void stop();
  bool running() const;
  // A local write happened: a round soon (a push, or a scan when one is due), unless
  // one is due sooner or a backoff runs.
  void poke();
  // A round with a scan as soon as the current one (if any) ends.
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
