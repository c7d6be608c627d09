// Where the push's sends run: on a pool of threads, or (for reproducible tests) on
// the calling thread, one at a time, in an order drawn from a seed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace hse::engine::sync {

class SendRunner {
 public:
  using Job = std::function<void()>;
  virtual ~SendRunner() = default;
  // Starts `job` (it must not throw), known by `id`.
  virtual void start(int64_t id, Job job) = 0;
  // Waits until one started job has finished, and returns its id. Only called when
  // a started job has not been returned yet.
  virtual int64_t wait_any() = 0;
};

// `threads` workers (joined when the runner goes, after their jobs end).
std::unique_ptr<SendRunner> threaded_runner(int threads);
// Runs a started job when wait_any is called, chosen by a generator seeded with `seed`.
std::unique_ptr<SendRunner> seeded_runner(uint64_t seed);

}  // namespace hse::engine::sync
