// What one sync round works with. Internal to hse_engine.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "engine/sync/replica_state.hpp"
#include "engine/merge/policy.hpp"
#include "engine/sync/remote.hpp"

namespace hse::engine::sync {

using json = nlohmann::json;

// Receives events as JSON objects ({"type": ...}); called on the syncing thread.
using EventSink = std::function<void(const json& event)>;
// Decides a conflict (its JSON as hse_conflicts lists it): answers
// {"take": "local"} | {"take": "remote"} | {"row": {...}}, or nullopt to leave it
// to the app (manual). Runs on the syncing thread with the replica locked: it must
// not call back into the engine.
using Resolver = std::function<std::optional<json>(const json& conflict)>;

struct RoundStats {
  int pushed = 0;
  int mapped = 0;     // rows created here that got the server's id
  int rejected = 0;
  int blocked = 0;
  int conflicts = 0;
  int pulled = 0;     // rows written by the pull
  int unchanged = 0;  // rows the pull saw unchanged (not written)
  int deleted = 0;    // rows removed after a confirmed 404
  int pages = 0;
  json to_json() const;
};

struct SyncContext {
  ReplicaState& s;
  Remote& remote;
  merge::PolicyTable policies;
  Resolver resolver;
  EventSink events;
  json config;  // the replica's configuration
  RoundStats stats;
  const std::atomic<bool>* cancel = nullptr;  // set: stop after the current page or entry
  // How long the round waits for another process's round on the same replica.
  std::chrono::milliseconds lock_wait{30000};

  // Throws Code::cancelled when a stop was asked for.
  void check_cancel() const {
    if (cancel && cancel->load()) throw Error(Code::cancelled, "the round was stopped");
  }

  void emit(json event) const {
    if (events) events(event);
  }
};

}  // namespace hse::engine::sync
