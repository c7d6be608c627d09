// What an Engine holds behind its pimpl. Internal to hse_engine; tests include it
// (through internals()) to reach the replica state directly.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "engine/config/config.hpp"
#include "engine/engine.hpp"
#include "engine/sync/event_dispatcher.hpp"
#include "engine/sync/replica_state.hpp"
#include "engine/sync/scheduler.hpp"
#include "engine/sync/sync_context.hpp"

namespace hse::engine {

struct Engine::Impl {
  Impl(std::unique_ptr<sync::ReplicaState> s, EngineOptions o, json remote, config::Config c)
      : state(std::move(s)), options(std::move(o)), remote_config(std::move(remote)), config(std::move(c)) {}

  // The remote the configuration names (made once).
  std::shared_ptr<sync::Remote> remote_for();
  // One round (Engine::sync); scan false: the push alone (the scheduler between scans).
  json round(bool scan);
  void emit(const json& event) { events.post(event); }
  // Runs `fn` holding the lock inside one write transaction, committed when it
  // returns; then tells the scheduler a local write happened.
  template <class Fn>
  auto write(Fn&& fn) -> decltype(fn());

  std::unique_ptr<sync::ReplicaState> state;
  EngineOptions options;
  // The configuration as merged and parsed at open: rounds, the scheduler and
  // resolve read it, never the file again. remote_config is the "remote" section
  // the factory is given (defaults filled in, the pool sized to the round).
  const json remote_config;
  const config::Config config;
  std::mutex round_mu;  // one round at a time
  std::mutex hooks_mu;  // guards the resolver and the cached remote
  sync::EventDispatcher events;
  sync::Resolver resolver;
  std::shared_ptr<sync::Remote> remote;
  std::atomic<bool> cancel{false};
  // Set (> 0) by tests: the push concurrency of the next rounds, whatever the configuration says.
  std::atomic<int> push_concurrency{0};
  uint64_t rounds = 0;  // rounds run by this engine (under round_mu): varies a push seed per round
  std::mutex scheduler_mu;
  std::unique_ptr<sync::Scheduler> scheduler;  // last: stopped before the rest goes
};

// The replica state of `engine`, for tests.
inline Engine::Impl& internals(Engine& engine) { return *engine.impl_; }

template <class Fn>
auto Engine::Impl::write(Fn&& fn) -> decltype(fn()) {
  auto poke = [this] {
    std::lock_guard lock(scheduler_mu);
    if (scheduler) scheduler->poke();
  };
  std::unique_lock lock(state->mu);
  store::WriteTransaction tx(state->db);
  if constexpr (std::is_void_v<decltype(fn())>) {
    fn();
    tx.commit();
    lock.unlock();
    poke();
  } else {
    auto result = fn();
    tx.commit();
    lock.unlock();
    poke();
    return result;
  }
}

}  // namespace hse::engine
