#include "engine/engine.hpp"

#include <algorithm>
#include <thread>

#include "engine/config/config.hpp"
#include "engine/engine_impl.hpp"
#include "engine/local_writes.hpp"
#include "engine/query/local_query.hpp"
#include "engine/store/migrations.hpp"
#include "engine/sync/resolve.hpp"
#include "engine/sync/round.hpp"
#include "engine/sync/stuck_entries.hpp"
#include "schema/validate.hpp"

namespace hse::engine {

namespace {

sync::ScheduleOptions schedule_options(const config::SyncSettings& s) {
  sync::ScheduleOptions o;
  o.interval = s.interval;
  o.pull_interval = s.pull_interval;
  o.debounce = s.debounce;
  o.backoff_min = s.backoff_min;
  o.backoff_max = s.backoff_max;
  return o;
}

}  // namespace

std::unique_ptr<Engine> Engine::open(const std::string& path, const json& config, EngineOptions options) {
  if (!config.is_object()) throw Error(Code::invalid, "config must be a JSON object", {{"config", "must be a JSON object"}});
  config::parse(config);  // a bad key is refused before the file is created
  if (!options.clock) options.clock = system_clock();
  if (!options.random) options.random = system_random();
  auto state = std::make_unique<sync::ReplicaState>(path, options.clock, options.random);
  store::migrate(state->db);
  json merged = state->meta.config();
  merged.merge_patch(config);
  auto parsed = config::parse(merged);  // what is stored may not fit the overrides
  if (!config.empty()) state->meta.set_config(merged);
  state->db.set_synchronous_full(parsed.durability == config::Durability::full);
  json remote_config = config::with_defaults(merged).value("remote", json());
  // Unless the app sizes the pool, it holds a connection for every request a round
  // sends at once (the push's entries, the pull's pages): fewer would make the extra
  // sends connect afresh each time.
  if (!merged.contains(json::json_pointer("/remote/pool_size")))
    remote_config["pool_size"] = std::min(64, std::max(parsed.sync.push_concurrency, 2 * parsed.sync.concurrency));
  return std::unique_ptr<Engine>(new Engine(
      std::make_unique<Impl>(std::move(state), std::move(options), std::move(remote_config), std::move(parsed))));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() { stop(); }

json Engine::create(const std::string& entity, const json& body) {
  const auto& e = schema::entity(entity);
  return impl_->write([&] { return local_create(*impl_->state, e, body); });
}

std::vector<json> Engine::create_many(const std::string& entity, const std::vector<json>& bodies) {
  const auto& e = schema::entity(entity);
  return impl_->write([&] {
    std::vector<json> rows;
    rows.reserve(bodies.size());
    CreateBatch batch(*impl_->state, e);  // each parent read once for the batch
    for (size_t i = 0; i < bodies.size(); ++i) {
      try {
        rows.push_back(local_create(*impl_->state, e, bodies[i], &batch));
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
  return impl_->write([&] { return local_update(*impl_->state, e, impl_->state->ids.resolve(e, id), patch); });
}

void Engine::remove(const std::string& entity, const std::string& id, bool cascade) {
  const auto& e = schema::entity(entity);
  impl_->write([&] { local_delete(*impl_->state, e, impl_->state->ids.resolve(e, id), cascade); });
}

std::optional<json> Engine::get(const std::string& entity, const std::string& id_in) {
  const auto& e = schema::entity(entity);
  std::lock_guard lock(impl_->state->mu);
  const std::string id = impl_->state->ids.resolve(e, id_in);
  auto row = impl_->state->replica.get(e, id);
  if (row && e.has_validity()) (*row)["parent_active"] = query::parent_active(impl_->state->db, e, id);
  return row;
}

json Engine::query(const std::string& entity, const json& body) {
  const auto& e = schema::entity(entity);
  std::lock_guard lock(impl_->state->mu);
  return query::run_index(impl_->state->db, e, body);
}

std::optional<json> Engine::get_as_of(const std::string& entity, const std::string& id, int64_t at_ms) {
  const auto& e = schema::entity(entity);
  std::lock_guard lock(impl_->state->mu);
  return impl_->state->replica.as_of(e, impl_->state->ids.resolve(e, id), at_ms);
}

std::vector<store::Version> Engine::history(const std::string& entity, const std::string& id) {
  const auto& e = schema::entity(entity);
  std::lock_guard lock(impl_->state->mu);
  return impl_->state->replica.history(e, impl_->state->ids.resolve(e, id));
}

std::vector<journal::Entry> Engine::journal(const json& filter) {
  if (!filter.is_object()) schema::raise_if_any({{"filter", "must be a JSON object"}});
  journal::Filter f;
  std::vector<FieldError> errors;
  for (auto it = filter.begin(); it != filter.end(); ++it) {
    const std::string& key = it.key();
    if (key == "state") {
      auto state = it->is_string() ? journal::state_from(it->get<std::string>()) : std::nullopt;
      if (state) f.state = state;
      else errors.push_back({"state", "must be pending, in_flight, rejected, blocked or held"});
    } else if (key == "entity") {
      if (it->is_string() && schema::find_entity(it->get<std::string>())) f.entity = it->get<std::string>();
      else errors.push_back({"entity", "must name an entity of the catalog"});
    } else if (key == "id") {
      if (it->is_string() && !it->get_ref<const std::string&>().empty()) f.id = it->get<std::string>();
      else errors.push_back({"id", "must be a non-empty string"});
    } else {
      errors.push_back({key, "is not a journal filter (state, entity, id)"});
    }
  }
  schema::raise_if_any(errors);
  std::lock_guard lock(impl_->state->mu);
  // A row created here is named by its local id as well as its server id.
  if (f.id && f.entity) f.id = impl_->state->ids.resolve(schema::entity(*f.entity), *f.id);
  return impl_->state->journal.list(f);
}

int Engine::retry(int64_t seq) {
  if (seq < 0) schema::raise_if_any({{"seq", "must be a journal entry's seq, or 0 for all"}});
  return impl_->write([&] { return sync::retry_entries(*impl_->state, seq); });
}

void Engine::drop(int64_t seq) {
  if (seq <= 0) schema::raise_if_any({{"seq", "must be a journal entry's seq"}});
  impl_->write([&] { sync::drop_entry(*impl_->state, seq, [this](const json& ev) { impl_->emit(ev); }); });
}

json Engine::status() {
  auto& s = *impl_->state;
  std::lock_guard lock(s.mu);
  using journal::State;
  auto last = s.meta.last_sync();
  return json{{"pending", s.journal.count(State::pending)},
              {"in_flight", s.journal.count(State::in_flight)},
              {"rejected", s.journal.count(State::rejected)},
              {"blocked", s.journal.count(State::blocked)},
              {"held", s.journal.count(State::held)},
              {"conflicts", s.conflicts.count_open()},
              {"last_sync", last ? json(*last) : json()},
              {"schema_version", store::schema_version(s.db)}};
}

std::shared_ptr<sync::Remote> Engine::Impl::remote_for() {
  std::lock_guard lock(hooks_mu);
  if (options.remote) return options.remote;
  if (config.remote.url.empty())
    throw Error(Code::no_remote, "no remote is configured for this replica (hse-sync init --remote URL ...)");
  if (remote) return remote;
  if (!options.remote_factory) throw Error(Code::no_remote, "this build has no adapter for remotes");
  remote = options.remote_factory(remote_config);
  return remote;
}

json Engine::sync() { return impl_->round(true); }

json Engine::Impl::round(bool scan) {
  auto& m = *this;
  auto remote = m.remote_for();
  std::lock_guard one_round(m.round_mu);
  sync::Resolver resolver;
  {
    std::lock_guard lock(m.hooks_mu);
    resolver = m.resolver;
  }
  sync::SyncContext ctx{*m.state, *remote, m.config.policies, resolver,
                        [&m](const json& ev) { m.emit(ev); }, m.config, {}, &m.cancel, m.options.sync_lock_wait};
  ctx.scan = scan;
  ctx.push.concurrency = m.config.sync.push_concurrency;
  ctx.push.max_attempts = m.config.sync.max_attempts;
  if (int forced = m.push_concurrency.load(); forced > 0) ctx.push.concurrency = forced;
  if (m.options.push_seed) ctx.push.seed = *m.options.push_seed * 1'000'003 + m.rounds;
  ++m.rounds;
  json report = sync::run_round(ctx);
  m.events.drain();
  return report;
}

void Engine::start() {
  auto& m = *impl_;
  m.remote_for();  // fails now, not in the background, when there is none
  std::lock_guard lock(m.scheduler_mu);
  if (m.scheduler && m.scheduler->running()) return;
  m.cancel = false;
  m.scheduler = std::make_unique<sync::Scheduler>([this](bool scan) { return impl_->round(scan); },
                                                  schedule_options(m.config.sync),
                                                  m.state->random);
  m.scheduler->start();
}

void Engine::stop() {
  auto& m = *impl_;
  std::unique_ptr<sync::Scheduler> scheduler;
  {
    std::lock_guard lock(m.scheduler_mu);
    scheduler = std::move(m.scheduler);
  }
  if (!scheduler) return;
  m.cancel = true;
  scheduler->stop();
  m.cancel = false;
  m.events.drain();
}

void Engine::poke() {
  std::lock_guard lock(impl_->scheduler_mu);
  if (impl_->scheduler) impl_->scheduler->poke();
}

int64_t Engine::data_version() {
  std::lock_guard lock(impl_->state->mu);
  return impl_->state->db.data_version();
}

SyncWait Engine::wait_synced(int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto settled = [this](const json& report) -> std::optional<SyncWait> {
    json st = status();
    if (st["pending"] != 0 || st["in_flight"] != 0 || st["blocked"] != 0) return std::nullopt;
    if (st["rejected"] != 0 || st["held"] != 0 || st["conflicts"] != 0) return SyncWait::unsettled;
    if (report.is_object() && report.value("ok", false)) return SyncWait::synced;
    return std::nullopt;
  };
  for (;;) {
    sync::Scheduler* scheduler;
    {
      std::lock_guard lock(impl_->scheduler_mu);
      scheduler = impl_->scheduler.get();
    }
    json report;
    if (scheduler) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !scheduler->run_now_and_wait(left)) return SyncWait::timeout;
      report = scheduler->last_report();
    } else {
      report = sync();
    }
    if (auto outcome = settled(report)) return *outcome;
    if (std::chrono::steady_clock::now() >= deadline) return SyncWait::timeout;
    if (!scheduler) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::vector<store::Conflict> Engine::conflicts() {
  std::lock_guard lock(impl_->state->mu);
  return impl_->state->conflicts.open();
}

void Engine::resolve(const std::string& conflict_id, const json& resolution) {
  std::lock_guard lock(impl_->state->mu);
  store::WriteTransaction tx(impl_->state->db);
  // Resolving needs no remote: it decides what the next push sends.
  struct NoRemote final : sync::Remote {
    sync::RemotePage list(const std::string&, const json&) override { throw Error(Code::no_remote, "offline"); }
    std::optional<json> view(const std::string&, const std::string&) override { throw Error(Code::no_remote, "offline"); }
    json create(const std::string&, const json&) override { throw Error(Code::no_remote, "offline"); }
    json update(const std::string&, const std::string&, const json&) override { throw Error(Code::no_remote, "offline"); }
    bool remove(const std::string&, const std::string&, bool) override { throw Error(Code::no_remote, "offline"); }
  } none;
  sync::SyncContext ctx{*impl_->state, none, impl_->config.policies, nullptr, nullptr, impl_->config, {}};
  sync::resolve_conflict(ctx, conflict_id, resolution);
  tx.commit();
}

void Engine::set_event_sink(EventSink sink) { impl_->events.set_sink(std::move(sink)); }

void Engine::set_resolver(Resolver resolver) {
  std::lock_guard lock(impl_->hooks_mu);
  impl_->resolver = std::move(resolver);
}

json Engine::config() {
  std::lock_guard lock(impl_->state->mu);
  return impl_->state->meta.config();
}

}  // namespace hse::engine
