#include "engine/sync/send_runner.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

namespace hse::engine::sync {

namespace {

class ThreadedRunner final : public SendRunner {
 public:
  explicit ThreadedRunner(int threads) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~ThreadedRunner() override {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }
  void start(int64_t id, Job job) override {
    {
      std::lock_guard lock(mu_);
      jobs_.emplace_back(id, std::move(job));
    }
    wake_.notify_one();
  }
  int64_t wait_any() override {
    std::unique_lock lock(mu_);
    finished_cv_.wait(lock, [this] { return !finished_.empty(); });
    int64_t id = finished_.front();
    finished_.pop_front();
    return id;
  }

 private:
  void work() {
    for (;;) {
      std::pair<int64_t, Job> job;
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job.second();
      {
        std::lock_guard lock(mu_);
        finished_.push_back(job.first);
      }
      finished_cv_.notify_one();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, finished_cv_;
  std::deque<std::pair<int64_t, Job>> jobs_;
  std::deque<int64_t> finished_;
  bool closing_ = false;
  std::vector<std::thread> workers_;  // last: joined before the rest goes
};

class SeededRunner final : public SendRunner {
 public:
  explicit SeededRunner(uint64_t seed) : rng_(seed) {}
  void start(int64_t id, Job job) override { started_.emplace_back(id, std::move(job)); }
  int64_t wait_any() override {
    std::uniform_int_distribution<size_t> pick(0, started_.size() - 1);
    const size_t i = pick(rng_);
    auto job = std::move(started_[i]);
    started_.erase(started_.begin() + static_cast<std::ptrdiff_t>(i));
    job.second();
    return job.first;
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::pair<int64_t, Job>> started_;
};

}  // namespace

std::unique_ptr<SendRunner> threaded_runner(int threads) { return std::make_unique<ThreadedRunner>(threads); }
std::unique_ptr<SendRunner> seeded_runner(uint64_t seed) { return std::make_unique<SeededRunner>(seed); }

}  // namespace hse::engine::sync
