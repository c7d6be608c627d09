#include "engine/engine.hpp"

#include <thread>

#include "engine/engine_state.hpp"
#include "engine/local_writes.hpp"
#include "engine/query/local_query.hpp"
#include "engine/store/migrations.hpp"
#include "engine/sync/resolve.hpp"
#include "engine/sync/round.hpp"

namespace hse::engine {

namespace {

json read_config(store::Database& db) {
  return store::storage_call("read config", [&] {
    auto st = db.prepare("SELECT value FROM config WHERE key = 'config'");
    if (!st->executeStep()) return json::object();
    return json::parse(st->getColumn(0).getString());
  });
}

void write_config(store::Database& db, const json& config) {
  store::storage_call("write config", [&] {
    auto st = db.prepare("INSERT OR REPLACE INTO config (key, value) VALUES ('config', ?)");
    st->bind(1, config.dump());
    st->exec();
  });
}

}  // namespace

std::unique_ptr<Engine> Engine::open(const std::string& path, const json& config, EngineOptions options) {
  if (!config.is_object()) throw Error(Code::invalid, "config must be a JSON object", {{"config", "must be a JSON object"}});
  if (!options.clock) options.clock = system_clock();
  if (!options.random) options.random = system_random();
  auto state = std::make_unique<EngineState>(path, options.clock, options.random);
  store::migrate(state->db);
  if (!config.empty()) {
    json merged = read_config(state->db);
    merged.merge_patch(config);
    write_config(state->db, merged);
  }
  return std::unique_ptr<Engine>(new Engine(std::move(state), std::move(options)));
}

Engine::Engine(std::unique_ptr<EngineState> state, EngineOptions options)
    : state_(std::move(state)), options_(std::move(options)) {}
Engine::~Engine() { stop(); }

template <class Fn>
auto Engine::write(Fn&& fn) -> decltype(fn()) {
  auto poke = [this] {
    std::lock_guard lock(scheduler_mu_);
    if (scheduler_) scheduler_->poke();
  };
  std::unique_lock lock(state_->mu);
  store::WriteTransaction tx(state_->db);
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

json Engine::create(const std::string& entity, const json& body) {
  const auto& e = schema::entity(entity);
  return write([&] { return local_create(*state_, e, body); });
}

std::vector<json> Engine::create_many(const std::string& entity, const std::vector<json>& bodies) {
  const auto& e = schema::entity(entity);
  return write([&] {
    std::vector<json> rows;
    rows.reserve(bodies.size());
    for (size_t i = 0; i < bodies.size(); ++i) {
      try {
        rows.push_back(local_create(*state_, e, bodies[i]));
      } catch (const Error& err) {
        // Name the body at fault so a caller can find it in the batch.
        std::vector<FieldError> fields = err.fields();
        for (auto& f : fields) f.field = "[" + std::to_string(i) + "]." + f.field;
        if (dynamic_cast<const ValidationError*>(&err)) throw ValidationError(std::move(fields));
        throw Error(err.code(), "item " + std::to_string(i) + ": " + err.what(), std::move(fields));
      }
    }
    return rows;
  });
}

json Engine::update(const std::string& entity, const std::string& id, const json& patch) {
  const auto& e = schema::entity(entity);
  return write([&] { return local_update(*state_, e, state_->ids.resolve(e, id), patch); });
}

void Engine::remove(const std::string& entity, const std::string& id, bool cascade) {
  const auto& e = schema::entity(entity);
  write([&] { local_delete(*state_, e, state_->ids.resolve(e, id), cascade); });
}

std::optional<json> Engine::get(const std::string& entity, const std::string& id_in) {
  const auto& e = schema::entity(entity);
  std::lock_guard lock(state_->mu);
  const std::string id = state_->ids.resolve(e, id_in);
  auto row = state_->replica.get(e, id);
  if (!row || !e.has_validity()) return row;
  // parent_active as the parent row says now, as a query answers it.
  auto v = query::validity_sql(e);
  (*row)["parent_active"] = store::storage_call("read row", [&] {
    auto st = state_->db.prepare("SELECT " + v.parent_active + " FROM " + store::table_of(e) + " t" + v.joins +
                                 " WHERE t." + e.key + " = ?");
    st->bind(1, id);
    st->executeStep();
    return st->getColumn(0).getInt() != 0;
  });
  return row;
}

json Engine::query(const std::string& entity, const json& body) {
  const auto& e = schema::entity(entity);
  std::lock_guard lock(state_->mu);
  return query::run_index(state_->db, e, body);
}

std::optional<json> Engine::get_as_of(const std::string& entity, const std::string& id, int64_t at_ms) {
  const auto& e = schema::entity(entity);
  std::lock_guard lock(state_->mu);
  return state_->replica.as_of(e, state_->ids.resolve(e, id), at_ms);
}

std::vector<store::Version> Engine::history(const std::string& entity, const std::string& id) {
  const auto& e = schema::entity(entity);
  std::lock_guard lock(state_->mu);
  return state_->replica.history(e, state_->ids.resolve(e, id));
}

std::vector<journal::Entry> Engine::journal() {
  std::lock_guard lock(state_->mu);
  return state_->journal.list();
}

json Engine::status() {
  std::lock_guard lock(state_->mu);
  auto& s = *state_;
  return store::storage_call("read status", [&] {
    using journal::State;
    auto conflicts = s.db.prepare("SELECT COUNT(*) FROM conflicts WHERE resolved_at IS NULL");
    conflicts->executeStep();
    auto last = s.db.prepare("SELECT value FROM config WHERE key = 'last_sync'");
    json last_sync = last->executeStep() ? json(std::stoll(last->getColumn(0).getString())) : json();
    return json{{"pending", s.journal.count(State::pending)},
                {"in_flight", s.journal.count(State::in_flight)},
                {"rejected", s.journal.count(State::rejected)},
                {"blocked", s.journal.count(State::blocked)},
                {"conflicts", conflicts->getColumn(0).getInt64()},
                {"last_sync", last_sync},
                {"schema_version", store::schema_version(s.db)}};
  });
}

std::shared_ptr<Remote> Engine::remote_for(const json& config) {
  std::lock_guard lock(hooks_mu_);
  if (options_.remote) return options_.remote;
  json remote_config = config.value("remote", json());
  if (!remote_config.is_object() || remote_config.value("url", "").empty())
    throw Error(Code::no_remote, "no remote is configured for this replica (hse-sync init --remote URL ...)");
  if (remote_ && remote_config == remote_config_) return remote_;
  if (!options_.remote_factory) throw Error(Code::no_remote, "this build has no adapter for remotes");
  remote_ = options_.remote_factory(remote_config);
  remote_config_ = remote_config;
  return remote_;
}

void Engine::emit(const json& event) { events_.post(event); }

json Engine::sync() {
  json cfg = config();
  auto remote = remote_for(cfg);
  std::lock_guard round(round_mu_);
  sync::Resolver resolver;
  {
    std::lock_guard lock(hooks_mu_);
    resolver = resolver_;
  }
  sync::SyncContext ctx{*state_, *remote, merge::PolicyTable(cfg.value("policies", json())), resolver,
                        [this](const json& ev) { emit(ev); }, cfg, {}, &cancel_, options_.sync_lock_wait};
  json report = sync::run_round(ctx);
  events_.drain();
  return report;
}

void Engine::start() {
  json cfg = config();
  remote_for(cfg);  // fails now, not in the background, when there is none
  std::lock_guard lock(scheduler_mu_);
  if (scheduler_ && scheduler_->running()) return;
  cancel_ = false;
  scheduler_ = std::make_unique<sync::Scheduler>([this] { return sync(); }, sync::ScheduleOptions::from_config(cfg),
                                                 state_->random);
  scheduler_->start();
}

void Engine::stop() {
  std::unique_ptr<sync::Scheduler> scheduler;
  {
    std::lock_guard lock(scheduler_mu_);
    scheduler = std::move(scheduler_);
  }
  if (!scheduler) return;
  cancel_ = true;
  scheduler->stop();
  cancel_ = false;
  events_.drain();
}

void Engine::poke() {
  std::lock_guard lock(scheduler_mu_);
  if (scheduler_) scheduler_->poke();
}

int64_t Engine::data_version() {
  std::lock_guard lock(state_->mu);
  return store::storage_call("read data version",
                             [&] { return state_->db.raw().execAndGet("PRAGMA data_version").getInt64(); });
}

bool Engine::wait_synced(int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto settled = [this](const json& report) {
    json st = status();
    return st["pending"] == 0 && st["in_flight"] == 0 && st["blocked"] == 0 && st["rejected"] == 0 &&
           report.is_object() && report.value("ok", false);
  };
  for (;;) {
    sync::Scheduler* scheduler;
    {
      std::lock_guard lock(scheduler_mu_);
      scheduler = scheduler_.get();
    }
    json report;
    if (scheduler) {
      scheduler->request_now();
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !scheduler->wait_round(left)) return false;
      report = scheduler->last_report();
    } else {
      report = sync();
    }
    if (settled(report)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (!scheduler) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::vector<store::Conflict> Engine::conflicts() {
  std::lock_guard lock(state_->mu);
  return state_->conflicts.open();
}

void Engine::resolve(const std::string& conflict_id, const json& resolution) {
  json cfg = config();
  std::lock_guard lock(state_->mu);
  store::WriteTransaction tx(state_->db);
  // Resolving needs no remote: it decides what the next push sends.
  struct NoRemote final : Remote {
    RemotePage list(const std::string&, const json&) override { throw Error(Code::no_remote, "offline"); }
    std::optional<json> view(const std::string&, const std::string&) override { throw Error(Code::no_remote, "offline"); }
    json create(const std::string&, const json&) override { throw Error(Code::no_remote, "offline"); }
    json update(const std::string&, const std::string&, const json&) override { throw Error(Code::no_remote, "offline"); }
    bool remove(const std::string&, const std::string&, bool) override { throw Error(Code::no_remote, "offline"); }
  } none;
  sync::SyncContext ctx{*state_, none, merge::PolicyTable(cfg.value("policies", json())), nullptr, nullptr, cfg, {}};
  sync::resolve_conflict(ctx, conflict_id, resolution);
  tx.commit();
}

void Engine::set_event_sink(sync::EventSink sink) { events_.set_sink(std::move(sink)); }

void Engine::set_resolver(sync::Resolver resolver) {
  std::lock_guard lock(hooks_mu_);
  resolver_ = std::move(resolver);
}

json Engine::config() {
  std::lock_guard lock(state_->mu);
  return read_config(state_->db);
}

}  // namespace hse::engine
