#include "engine/store/sync_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/error.hpp"

namespace hse::engine::store {

SyncLock::SyncLock(const std::string& replica_path) {
  if (replica_path.empty() || replica_path == ":memory:") return;
  path_ = replica_path + ".sync-lock";
}

SyncLock::~SyncLock() {
  if (fd_ >= 0) ::close(fd_);
}

SyncLock::Held::~Held() {
  if (lock_ && lock_->fd_ >= 0) ::flock(lock_->fd_, LOCK_UN);
}

SyncLock::Held SyncLock::acquire(std::chrono::milliseconds wait, const std::atomic<bool>* cancel) {
  if (path_.empty()) return Held(nullptr);
  if (fd_ < 0) {
    // Opened on first use, not with the replica: a replica only read never creates it.
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw Error(Code::storage, "cannot open sync lock '" + path_ + "': " + std::strerror(errno));
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return Held(this);
    if (errno != EWOULDBLOCK && errno != EINTR)
      throw Error(Code::storage, "cannot lock '" + path_ + "': " + std::strerror(errno));
    if (cancel && cancel->load()) throw Error(Code::cancelled, "the round was stopped");
    if (std::chrono::steady_clock::now() >= deadline)
      throw Error(Code::busy, "another process is syncing this replica");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace hse::engine::store
