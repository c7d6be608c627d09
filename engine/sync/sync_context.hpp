// What one sync round works with. Internal to hse_engine.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "engine/config/config.hpp"
#include "engine/merge/policy.hpp"
#include "engine/sync/replica_state.hpp"
#include "engine/sync/remote.hpp"

namespace hse::engine::sync {

using json = nlohmann::json;

// Takes the round's events as JSON objects ({"type": ...}), from the round's
// threads. The engine's sink only queues them: the app's sink runs on the engine's
// event thread (engine/sync/event_dispatcher.hpp), never on a round's thread.
using EventSink = std::function<void(const json& event)>;
// Decides a conflict (its JSON as hse_conflicts lists it): answers
// {"take": "local"} | {"take": "remote"} | {"row": {...}}, or nullopt to leave it
// to the app (manual). Runs on a thread of the round (the push calls it from its
// send threads, one call at a time): it must not call back into the engine.
using Resolver = std::function<std::optional<json>(const json& conflict)>;

struct RoundStats {
  int pushed = 0;
  int mapped = 0;     // rows created here that got the server's id
  int rejected = 0;
  int blocked = 0;
  int held = 0;       // entries held this round (sync.max_attempts reached)
  int failed = 0;     // sends that failed on their own (a 5xx, a malformed answer)
  int conflicts = 0;
  int pulled = 0;     // rows written by the pull
  int unchanged = 0;  // rows the pull saw unchanged (not written)
  int deleted = 0;    // rows removed after a confirmed 404
  int pages = 0;
  json to_json() const;
};

// How the push sends. Up to `concurrency` entries are in flight at once; `seed`, when
// set, runs the sends on the round's thread one at a time, in an order drawn from it
// (a reproducible interleaving for the property tests) instead of on threads.
struct PushOptions {
  int concurrency = 8;
  int max_attempts = 5;
  std::optional<uint64_t> seed;
};

struct SyncContext {
  ReplicaState& s;
  Remote& remote;
  merge::PolicyTable policies;
  Resolver resolver;
  EventSink events;
  const config::Config& config;  // the replica's, parsed at open
  RoundStats stats;
  const std::atomic<bool>* cancel = nullptr;  // set: stop after the current page or entry
  // How long the round waits for another process's round on the same replica.
  std::chrono::milliseconds lock_wait{30000};
  PushOptions push{};
  std::optional<std::string> entry_failure{};  // the first failure of an entry on its own this round
  // A create of a server-assigned row failed with its answer unknown: the row may be
  // on the server under an id we do not know. A pull now would take it for someone
  // else's row; the next round's push looks for it first (find_orphan).
  bool orphan_possible = false;
  // false: a push-only round (the scheduler between scans, see scheduler.hpp).
  bool scan = true;
  // Serialises the resolver's calls: the push's send threads may reach it together.
  std::mutex resolver_mu{};

  // The resolver's answer, or nullopt (none set, or it threw: left to the app).
  std::optional<json> ask_resolver(const json& conflict) {
    if (!resolver) return std::nullopt;
    std::lock_guard lock(resolver_mu);
    try {
      return resolver(conflict);
    } catch (...) {
      return std::nullopt;
    }
  }

  bool cancelled() const { return cancel && cancel->load(); }

  // Throws Code::cancelled when a stop was asked for.
  void check_cancel() const {
    if (cancelled()) throw Error(Code::cancelled, "the round was stopped");
  }

  void emit(json event) const {
    if (events) events(event);
  }
};

}  // namespace hse::engine::sync
