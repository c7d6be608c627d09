#include "engine/sync/event_dispatcher.hpp"

namespace hse::engine::sync {

EventDispatcher::~EventDispatcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventDispatcher::set_sink(EventSink sink) {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return !delivering_; });
  sink_ = std::move(sink);
}

void EventDispatcher::post(json event) {
  {
    std::lock_guard lock(mu_);
    if (!sink_) return;
    queue_.push_back(std::move(event));
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  wake_.notify_one();
}

void EventDispatcher::drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && !delivering_; });
}

void EventDispatcher::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    json event = std::move(queue_.front());
    queue_.pop_front();
    EventSink sink = sink_;
    delivering_ = true;
    lock.unlock();
    try {
      if (sink) sink(event);
    } catch (...) {
      // A sink that throws must not stop the events after it.
    }
    lock.lock();
    delivering_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace hse::engine::sync
