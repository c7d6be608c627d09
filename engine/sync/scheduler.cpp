#include "engine/sync/scheduler.hpp"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace hse::engine::sync {

namespace asio = boost::asio;
using std::chrono::milliseconds;

ScheduleOptions ScheduleOptions::from_config(const json& config) {
  ScheduleOptions o;
  auto s = config.find("sync");
  if (s == config.end() || !s->is_object()) return o;
  if (s->contains("interval_s") && (*s)["interval_s"].is_number())
    o.interval = milliseconds(int64_t(std::max(0.05, (*s)["interval_s"].get<double>()) * 1000));
  if (s->contains("pull_interval_s") && (*s)["pull_interval_s"].is_number())
    o.pull_interval = milliseconds(int64_t(std::max(0.05, (*s)["pull_interval_s"].get<double>()) * 1000));
  if (s->contains("debounce_ms") && (*s)["debounce_ms"].is_number_integer())
    o.debounce = milliseconds(std::max<int64_t>(0, (*s)["debounce_ms"].get<int64_t>()));
  if (s->contains("backoff_max_s") && (*s)["backoff_max_s"].is_number())
    o.backoff_max = milliseconds(int64_t(std::max(0.05, (*s)["backoff_max_s"].get<double>()) * 1000));
  if (s->contains("backoff_min_ms") && (*s)["backoff_min_ms"].is_number_integer())
    o.backoff_min = milliseconds(std::max<int64_t>(1, (*s)["backoff_min_ms"].get<int64_t>()));
  return o;
}

milliseconds next_delay(const ScheduleOptions& o, int failures, double jitter, std::optional<int> retry_after_s) {
  if (failures <= 0) return o.interval;
  double base = double(o.backoff_min.count()) * double(1ull << std::min(failures - 1, 30));
  base = std::min(base, double(o.backoff_max.count()));
  // Full jitter between half and all of the backoff, so clients that failed together spread out.
  auto delay = milliseconds(int64_t(base * (0.5 + 0.5 * jitter)));
  if (retry_after_s) delay = std::max(delay, milliseconds(int64_t(*retry_after_s) * 1000));
  return delay;
}

struct Scheduler::Impl {
  using Clock = std::chrono::steady_clock;
  std::function<json(bool)> round;
  ScheduleOptions options;
  std::shared_ptr<Random> random;

  asio::io_context io;
  std::unique_ptr<asio::steady_timer> timer;
  std::thread thread;

  mutable std::mutex mu;
  std::condition_variable round_done;
  bool is_running = false;
  bool in_round = false;
  bool backing_off = false;
  int failures = 0;
  uint64_t finished = 0;
  json last;
  // Touched on the io thread only: when the next scan is due, and whether one was asked for.
  Clock::time_point scan_due{};
  bool scan_asked = false;

  void arm(milliseconds delay) {
    timer->expires_after(delay);
    timer->async_wait([this](const boost::system::error_code& ec) {
      if (!ec) run_round();
    });
  }

  void run_round() {
    {
      std::lock_guard lock(mu);
      in_round = true;
    }
    const Clock::time_point started = Clock::now();
    const bool scan = scan_asked || started >= scan_due;
    scan_asked = false;
    json report;
    try {
      report = round(scan);
    } catch (const std::exception& e) {
      report = {{"ok", false}, {"error", {{"code", "internal"}, {"message", e.what()}, {"transient", true}}}};
    }
    milliseconds delay;
    {
      std::lock_guard lock(mu);
      in_round = false;
      ++finished;
      last = report;
      bool ok = report.value("ok", false);
      failures = ok ? 0 : failures + 1;
      backing_off = !ok;
      std::optional<int> retry_after;
      if (!ok && report.contains("error") && report["error"].contains("retry_after_s"))
        retry_after = report["error"]["retry_after_s"].get<int>();
      delay = next_delay(options, failures, random->unit(), retry_after);
      // The cadence counts from the start of the last scan that succeeded; a failed
      // one stays due, and the retry scans.
      if (scan && ok) scan_due = started + options.pull_interval;
      if (scan && !ok) scan_asked = true;
      // Rounded up: a timer that fired a fraction of a millisecond before the scan is
      // due would run a push-only round and then the scan right after it.
      if (ok) delay = std::min(delay, std::chrono::ceil<milliseconds>(
                                          std::max(Clock::duration::zero(), scan_due - Clock::now())));
    }
    round_done.notify_all();
    arm(delay);
  }
};

Scheduler::Scheduler(std::function<json(bool)> round, ScheduleOptions options, std::shared_ptr<Random> random)
    : impl_(std::make_unique<Impl>()) {
  impl_->round = std::move(round);
  impl_->options = options;
  impl_->random = std::move(random);
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->is_running) return;
  impl_->is_running = true;
  impl_->io.restart();
  impl_->timer = std::make_unique<asio::steady_timer>(impl_->io);
  impl_->scan_due = Impl::Clock::time_point{};  // the first round scans
  impl_->arm(milliseconds(0));
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->is_running) return;
    impl_->is_running = false;
  }
  // The io thread finishes the round it is in, then sees the stop.
  asio::post(impl_->io, [this] {
    impl_->timer->cancel();
    impl_->io.stop();
  });
  impl_->thread.join();
  impl_->timer.reset();
}

bool Scheduler::running() const {
  std::lock_guard lock(impl_->mu);
  return impl_->is_running;
}

void Scheduler::poke() {
  if (!running()) return;
  asio::post(impl_->io, [this] {
    {
      std::lock_guard lock(impl_->mu);
      if (impl_->backing_off) return;  // a write does not cut a backoff short
    }
    auto soon = std::chrono::steady_clock::now() + impl_->options.debounce;
    if (impl_->timer->expiry() > soon) impl_->arm(impl_->options.debounce);
  });
}

void Scheduler::request_now() {
  if (!running()) return;
  asio::post(impl_->io, [this] {
    impl_->scan_asked = true;
    impl_->arm(milliseconds(0));
  });
}

json Scheduler::last_report() const {
  std::lock_guard lock(impl_->mu);
  return impl_->last;
}

bool Scheduler::run_now_and_wait(milliseconds timeout) {
  uint64_t target;
  {
    std::lock_guard lock(impl_->mu);
    // A round already running may have read the replica before this call.
    target = impl_->finished + (impl_->in_round ? 2 : 1);
  }
  request_now();
  std::unique_lock lock(impl_->mu);
  return impl_->round_done.wait_for(lock, timeout, [&] { return impl_->finished >= target || !impl_->is_running; }) &&
         impl_->finished >= target;
}

}  // namespace hse::engine::sync
