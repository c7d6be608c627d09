// One syncing process per replica file. A round pushes entries it marks in flight;
// another process running a round at the same time (the CLI's `sync` beside the
// daemon) would see those entries as left by a crash and send them again. The lock
// is an flock on "<replica>.sync-lock": the kernel drops it when its process dies,
// so a crashed round never leaves the replica locked. Internal to hse_engine.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace hse::engine::store {

class SyncLock {
 public:
  // ":memory:" replicas are private to their connection and need no lock.
  explicit SyncLock(const std::string& replica_path);
  ~SyncLock();
  SyncLock(const SyncLock&) = delete;
  SyncLock& operator=(const SyncLock&) = delete;

  class Held {
   public:
    explicit Held(SyncLock* lock) : lock_(lock) {}
    ~Held();
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

   private:
    SyncLock* lock_;
  };

  // Waits up to `wait` for another process's round to end. Throws Code::busy when it
  // does not, Code::cancelled when `cancel` is set meanwhile, Code::storage when the
  // lock file cannot be opened.
  Held acquire(std::chrono::milliseconds wait, const std::atomic<bool>* cancel);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace hse::engine::store
