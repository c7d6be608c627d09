// Delivers events to the app's sink on a thread of its own, in order, so that a
// sink never runs while the engine holds a lock (it may call back into the engine)
// and a slow sink never slows a round. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/sync/sync_context.hpp"

namespace hse::engine::sync {

class EventDispatcher {
 public:
  EventDispatcher() = default;
  ~EventDispatcher();  // delivers what is queued, then joins
  EventDispatcher(const EventDispatcher&) = delete;
  EventDispatcher& operator=(const EventDispatcher&) = delete;

  // Replaces the sink (nullptr: events are dropped). Waits for a delivery in progress.
  void set_sink(EventSink sink);
  // Queues `event`; returns at once.
  void post(json event);
  // Blocks until every event posted before the call was delivered.
  void drain();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::deque<json> queue_;
  EventSink sink_;
  bool delivering_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hse::engine::sync
