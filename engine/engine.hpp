// hse::engine::Engine: the C++ API of a replica. The C API (bindings/c) wraps it.
//
// Thread-safe: one Engine may be used from several threads at once; calls are
// serialised on the replica connection (a sync round holds it only per page or
// per pushed entry, so local writes interleave with a round).
// Failures are thrown as hse::Error (hse::ValidationError for refused writes);
// nothing is written when a call throws.
//
// This header includes only the standard library, nlohmann/json and the plain value
// types it returns (journal entries, history versions, conflicts): no SQLite, no
// Boost. The engine's parts stay behind a pimpl.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/journal/entry.hpp"
#include "engine/store/conflict.hpp"
#include "engine/store/version.hpp"

namespace hse {
class Clock;
class Random;
}  // namespace hse
namespace hse::engine::sync {
class Remote;
}  // namespace hse::engine::sync

namespace hse::engine {

using json = nlohmann::json;

// Makes the remote a configuration names ({"kind": "fourhse", "url": ...}); the
// bindings wire in the adapters, so the engine never depends on them.
using RemoteFactory = std::function<std::shared_ptr<sync::Remote>(const json& remote_config)>;
// Receives events as JSON objects ({"type": ...}); see set_event_sink.
using EventSink = std::function<void(const json& event)>;
// Decides a conflict (its JSON as conflicts() lists it): answers {"take": "local"} |
// {"take": "remote"} | {"row": {...}}, or nullopt to leave it to the app (manual).
using Resolver = std::function<std::optional<json>(const json& conflict)>;

struct EngineOptions {
  std::shared_ptr<Clock> clock;    // default: the system clock
  std::shared_ptr<Random> random;  // default: seeded from std::random_device
  RemoteFactory remote_factory;    // default: none (sync answers Code::no_remote)
  std::shared_ptr<sync::Remote> remote;  // a remote to use whatever the configuration says (tests)
  // How long a round waits for another process's round on the same replica file to end
  // (long enough for that round to finish its page or entry); then it reports `busy`.
  std::chrono::milliseconds sync_lock_wait{30000};
  // Set: the push sends on the round's thread, in an order drawn from this seed (and
  // the round's number) instead of on threads: reproducible interleavings for tests.
  std::optional<uint64_t> push_seed;
};

// What wait_synced saw.
enum class SyncWait {
  synced,     // nothing left to push, and a round ended well
  timeout,    // time ran out with entries still going
  unsettled,  // only entries the app must settle are left: rejected, held, conflicts
};

class Engine {
 public:
  // Opens (creating if needed) the replica at `path` and migrates it to this
  // library's schema. `config` overrides and is merged into the configuration the
  // replica stored; `{}` keeps what is stored. Throws Code::schema for a file of a
  // newer schema version, Code::storage when the file cannot be opened.
  static std::unique_ptr<Engine> open(const std::string& path, const json& config = json::object(),
                                      EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Local writes, offline. Return the row as stored (every catalog field).
  json create(const std::string& entity, const json& body);
  // Creates all rows in one transaction: all or none. A refusal names the item
  // ("[3].name") in its fields.
  std::vector<json> create_many(const std::string& entity, const std::vector<json>& bodies);
  json update(const std::string& entity, const std::string& id, const json& patch);
  void remove(const std::string& entity, const std::string& id, bool cascade = false);

  // Rows of entities whose ids the server assigns (status-page) are named by their
  // server id once their create is pushed; the local id they had keeps naming them
  // in get/update/remove/get_as_of/history (the "mapped" event tells the app).
  // The row, whatever its validity; nullopt when absent.
  std::optional<json> get(const std::string& entity, const std::string& id);
  // The remote index body answered locally: {"items": [...], "_meta": {...}}.
  json query(const std::string& entity, const json& body);
  // The row as it was at `at_ms` (replica time), from its history.
  std::optional<json> get_as_of(const std::string& entity, const std::string& id, int64_t at_ms);
  // Every version the row has had here, oldest first.
  std::vector<store::Version> history(const std::string& entity, const std::string& id);
  // Journal entries in seq order: all, or those matching `filter`
  // ({"state": "held", "entity": "incident", "id": "..."}, every part optional).
  // Throws Code::invalid naming the filter's bad part.
  std::vector<journal::Entry> journal(const json& filter = json::object());
  // A held or rejected entry goes back to pending, its attempts cleared; seq 0: all
  // of them. Returns how many moved. Throws Code::not_found, Code::invalid (another state).
  int retry(int64_t seq);
  // Discards the entry with the rest of its row's entries: the row returns to the
  // server's version, or goes away (with its children) if the server never had it.
  // History keeps the dropped values (origin "dropped"); a "dropped" event follows.
  // Throws Code::not_found, Code::busy while one of the row's entries is in flight.
  void drop(int64_t seq);

  // {"pending", "in_flight", "rejected", "blocked", "held", "conflicts", "last_sync", "schema_version"}:
  // counts of journal entries by state, open conflicts, and the end of the last
  // complete round (replica time in ms, null before the first).
  json status();

  // One sync round (push, then pull), blocking; one round at a time (a second caller
  // waits). Returns the report (see engine/sync/round.hpp). Throws Code::no_remote
  // when none is configured, Code::storage when the replica fails.
  json sync();
  // Open conflicts, oldest first.
  std::vector<store::Conflict> conflicts();
  // See engine/sync/resolve.hpp.
  void resolve(const std::string& conflict_id, const json& resolution);
  // Events of rounds and of drop() ({"type": ...}; the types and their fields are
  // listed once, at hse_event_fn in bindings/c/include/hsesync.h), delivered in
  // order on the engine's event thread, never while the engine holds a lock: the
  // sink may call the engine. sync() returns after its events were delivered.
  // Replaces the previous sink (nullptr: none).
  void set_event_sink(EventSink sink);
  // Decides conflicts under the "callback" policy. It runs on a thread of the round
  // (one call at a time): it must not call the engine.
  void set_resolver(Resolver resolver);

  // The background scheduler (engine/sync/scheduler.hpp), configured by the
  // replica's "sync" settings. start() is a no-op when it runs; stop() ends the
  // current round after its current page or entry (nothing applied is lost) and
  // returns once the scheduler thread is gone. start() throws Code::no_remote.
  void start();
  void stop();
  // Runs or waits for rounds until nothing is pending, in flight or blocked and a
  // round ended well (synced); or until only entries the app must settle are left
  // (unsettled: rejected, held, open conflicts); or until `timeout_ms` passes.
  // Runs rounds itself when the scheduler is stopped.
  SyncWait wait_synced(int64_t timeout_ms);
  // A round soon (debounced), as after a local write: for a write another process
  // made to the same replica file. No-op when the scheduler is stopped.
  void poke();
  // Changes whenever another connection (another process) commits to the replica
  // file (SQLite's PRAGMA data_version); poll it to notice their writes.
  int64_t data_version();

  // The stored configuration (secrets included: never log it).
  json config();

  struct Impl;  // engine/engine_impl.hpp

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend Impl& internals(Engine& engine);
};

}  // namespace hse::engine
