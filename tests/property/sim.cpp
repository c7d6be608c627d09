#include "tests/property/sim.hpp"

#include <unistd.h>

#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace hse::prop {

namespace {

std::string client_name(int writer) { return writer < 0 ? "server user" : "client " + std::to_string(writer); }

std::filesystem::path fresh_dir() {
  static int counter = 0;
  // Replica files on tmpfs when there is one: thousands of short-lived databases per
  // run, and fsyncs on a real disk would dominate the run time.
  std::filesystem::path base = std::filesystem::temp_directory_path();
  if (const char* d = std::getenv("HSE_PROP_TMPDIR")) base = d;
  else if (std::filesystem::is_directory("/dev/shm")) base = "/dev/shm";
  auto d = base /
           ("hse-prop-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace

uint16_t shared_emulator_port() {
  static std::optional<hse::adapters::emulator::EmulatorProcess> proc;
  if (!proc) proc.emplace(hse::adapters::emulator::start_emulator({"--admin", "--seed", "7"}));
  return proc->port;
}

Sut::Sut(Mode m, int n, uint64_t s, RemoteKind k) : mode(m), seed(s), remote(k), clock(std::make_shared<ManualClock>()), dir_(fresh_dir()) {
  std::vector<std::shared_ptr<http::Transport>> inner;
  if (mode == Mode::in_process) {
    emu::EmulatorOptions eo;
    eo.admin = true;
    eo.seed = seed;
    eo.clock = clock;
    emulator_ = std::make_unique<emu::Emulator>(eo);
    admin_ = std::make_shared<DirectTransport>(*emulator_);
    for (int i = 0; i < n; ++i)
      inner.push_back(std::make_shared<emu::InProcessTransport>(*emulator_, [](std::chrono::milliseconds) {}));
  } else {
    http::ClientOptions co;
    co.base_url = "http://127.0.0.1:" + std::to_string(shared_emulator_port());
    co.read_timeout = std::chrono::milliseconds(10'000);
    admin_ = std::make_shared<http::Client>(co);
    server("POST", "/_admin/reset");
    for (int i = 0; i < n; ++i) inner.push_back(std::make_shared<http::Client>(co));
  }
  for (int i = 0; i < n; ++i) {
    Client c;
    c.path = (dir_ / ("client" + std::to_string(i) + ".db")).string();
    c.policies = json::object();
    c.clock = std::make_shared<ClientClock>(clock);
    c.transport = std::make_shared<SimTransport>(inner[i]);
    if (remote == RemoteKind::fourhse)
      c.transport->observe = [this, i](const http::Request& r, const http::Response& resp, bool delivered) {
        push_log.record(i, r, resp);
        note_scan_page(i, r, resp);
        const std::string entity = index_entity(r);
        if (recording != i || !delivered || resp.status != 200 || entity.empty()) return;
        json rows = json::parse(resp.body, nullptr, false);
        if (!rows.is_array()) return;
        const schema::Entity& e = schema::entity(entity);
        for (const auto& row : rows)
          if (row.is_object() && row.value(e.key, json()).is_string())
            deliveries.push_back({i, entity, row[e.key].get<std::string>(), row});
      };
    clients.push_back(std::move(c));
    reopen(i);
  }
}

void Sut::note_scan_page(int client, const http::Request& r, const http::Response& resp) {
  const std::string entity = index_entity(r);
  if (resp.status != 200 || entity.empty()) return;
  json query = json::parse(r.body, nullptr, false);
  json rows = json::parse(resp.body, nullptr, false);
  if (!query.is_object() || !rows.is_array()) return;
  const std::string key = schema::entity(entity).key;
  std::lock_guard lock(scans_mu_);
  // A scan starts at page 1; the pages after it may come in any order (a window of
  // them is fetched at once), and each id is counted once per scan.
  auto& seen = scans_[{client, entity + query.value("filter", json()).dump()}];
  if (query.value("page", 1) == 1) seen.clear();
  for (const auto& row : rows)
    if (row.is_object() && row.value(key, json()).is_string() && !seen.insert(row[key].get<std::string>()).second)
      reach(Reached::page_repeat);
}

Sut::~Sut() {
  clients.clear();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

http::Response Sut::server(const std::string& method, const std::string& target, const json& body) {
  http::Request r;
  r.method = method;
  r.target = target;
  if (!body.is_null()) {
    r.body = body.dump();
    r.headers["Content-Type"] = "application/json";
  }
  return admin_->send(r);
}

std::vector<json> Sut::server_rows(const std::string& entity) {
  std::vector<json> out;
  for (int page = 1;; ++page) {
    auto r = server("POST", "/v2/" + entity + "/index", {{"history", true}, {"per-page", 1000}, {"page", page}});
    if (r.status != 200) throw std::runtime_error("index " + entity + ": " + std::to_string(r.status) + " " + r.body);
    json items = json::parse(r.body);
    if (items.empty()) break;
    for (auto& row : items) out.push_back(std::move(row));
  }
  return out;
}

std::vector<json> Sut::local_rows(engine::Engine& e, const std::string& entity) {
  std::vector<json> out;
  for (int page = 1;; ++page) {
    json items = e.query(entity, {{"history", true}, {"per-page", 1000}, {"page", page}})["items"];
    if (items.empty()) break;
    for (auto& row : items) out.push_back(std::move(row));
  }
  return out;
}

void Sut::reopen(int i) {
  auto& c = clients[i];
  c.engine.reset();
  c.transport->disarm();
  engine::EngineOptions o;
  o.clock = c.clock;
  o.random = std::make_shared<SeededRandom>(seed * 1'000'003 + static_cast<uint64_t>(i) * 101 + c.opens);
  // Sends run in an order drawn from the seed: concurrent interleavings, replayable.
  o.push_seed = seed * 7'919 + static_cast<uint64_t>(i) * 31 + c.opens++;
  std::string kind = "fourhse";
  if (remote == RemoteKind::statuspage) {
    adapters::statuspage::StatusPageOptions so;
    so.clock = c.clock;
    o.remote = std::make_shared<adapters::statuspage::StatusPageRemote>(so, c.transport);
    kind = "statuspage";
  } else {
    adapters::fourhse::FourHseOptions fo;
    fo.clock = c.clock;
    o.remote = std::make_shared<adapters::fourhse::FourHseRemote>(fo, c.transport);
  }
  json config = {{"remote", {{"kind", kind}, {"url", "http://sim.invalid"}}},
                 // The widest page window: the pull fetches the next window on another
                 // thread while it applies this one, which would let a mid-round write
                 // land in a nondeterministic order; one window keeps replays exact.
                 {"sync", {{"per_page", per_page}, {"concurrency", 16}}},
                 {"policies", c.policies}};
  c.engine = engine::Engine::open(c.path, config, o);
}

// ---------------------------------------------------------------------------------
// The properties.

namespace {

using RowMap = std::map<std::string, json>;  // id -> row

RowMap by_id(const schema::Entity& e, const std::vector<json>& rows) {
  RowMap out;
  for (const auto& r : rows) out[r.at(e.key).get<std::string>()] = r;
  return out;
}

// The parent (entity, id) of a row, from its fields.
std::optional<std::pair<std::string, std::string>> parent_of(const std::string& entity, const json& row) {
  if (!row.is_object()) return std::nullopt;
  const char* field = entity == "office" ? "project_id" : (entity == "project" ? nullptr : "subtenant_id");
  if (!field || !row.contains(field) || !row[field].is_string()) return std::nullopt;
  return std::make_pair(std::string(entity == "office" ? "project" : "office"), row[field].get<std::string>());
}

// The excuses a decision a policy recorded in client i's history (origin `conflict`)
// gives: a same-field decision ("decisions": field -> local | remote | resolver)
// excuses only the fields it decided; a decision about the row's existence
// ("conflict": update_delete, delete_update, create_collision) every field and the
// delete. "remote" loses this client's side (its writes), "local" the server's side
// (everyone else's), a resolver's answer either. The values lost are in the detail.
void excuse_decision(Sut& sut, int i, const std::string& ent, const std::string& id, const engine::store::Version& v) {
  const json& d = v.detail;
  if (!d.is_object()) return;
  std::vector<json> sides;
  for (const char* side : {"local", "remote"})
    if (d.contains(side) && d[side].is_object()) sides.push_back(d[side]);
  auto who = [&](Excuse& x, const std::string& decision) {
    if (decision == "remote") x.writer = i;
    if (decision == "local") x.not_writer = i;
  };
  if (d.contains("decisions") && d["decisions"].is_object()) {
    for (auto it = d["decisions"].begin(); it != d["decisions"].end(); ++it) {
      Excuse x{ent, id, it.key(), v.valid_from, sides, -2, -2, true, false, ""};
      who(x, it.value().is_string() ? it.value().get<std::string>() : "");
      x.why = "client " + std::to_string(i) + "'s policy decided " + it.key() + " (version " + std::to_string(v.version) + ")";
      sut.excuses.push_back(std::move(x));
    }
  } else if (d.contains("conflict")) {
    Excuse x{ent, id, "", v.valid_from, sides, -2, -2, true, false, ""};
    who(x, d.value("decision", ""));
    x.deletes = true;
    x.why = "client " + std::to_string(i) + "'s policy decided a " + d.value("conflict", "") + " conflict (version " +
            std::to_string(v.version) + ")";
    sut.excuses.push_back(std::move(x));
  }
}

// With HSE_SP_DEBUG=1: every client's history of a row and the excuses recorded for it.
std::string debug_row(Sut& sut, const std::string& ent, const std::string& id) {
  std::string dbg;
  if (!std::getenv("HSE_SP_DEBUG")) return dbg;
  for (size_t i = 0; i < sut.clients.size(); ++i)
    for (const auto& v : sut.clients[i].engine->history(ent, id)) dbg += "\n c" + std::to_string(i) + " " + v.to_json().dump();
  for (const auto& x : sut.excuses)
    if (x.entity == ent && x.id == id)
      dbg += "\n excuse field '" + x.field + "' before " + std::to_string(x.before) + " writer " +
             std::to_string(x.writer) + " not_writer " + std::to_string(x.not_writer) + ": " + x.why;
  for (const auto& a : sut.acks)
    if (a.entity == ent && a.id == id)
      dbg += "\n ack #" + std::to_string(a.seq) + " at " + std::to_string(a.at) + " by " + std::to_string(a.writer) + " " + a.op + " " + a.fields.dump();
  return dbg;
}

// Whether a record excuses acknowledged write `a` of `field` (nullopt: `a` is a delete).
bool excused(const Sut& sut, const Ack& a, const std::optional<std::string>& field) {
  for (const auto& x : sut.excuses) {
    if (x.entity != a.entity || x.id != a.id || a.at >= x.before) continue;
    if ((x.writer != -2 && a.writer != x.writer) || (x.not_writer != -2 && a.writer == x.not_writer)) continue;
    if (!field) {
      if (x.deletes) return true;
      continue;
    }
    if (!x.writes || (!x.field.empty() && x.field != *field)) continue;
    if (x.sides.empty()) return true;
    const json& value = a.fields.at(*field);
    for (const auto& side : x.sides)
      if (side.is_object() && side.value(*field, json()) == value) return true;
  }
  return false;
}

}  // namespace

// With HSE_SP_DEBUG=1: the versions of one row's history.
static std::string history_dump(const std::vector<engine::store::Version>& h) {
  std::string out;
  if (!std::getenv("HSE_SP_DEBUG")) return out;
  for (const auto& v : h) out += "\n " + v.to_json().dump();
  return out;
}

void check_row_history(const std::string& where, const schema::Entity& e, const std::vector<engine::store::Version>& h,
                       const std::optional<json>& current, const std::vector<LocalWrite>& writes) {
  for (size_t v = 0; v < h.size(); ++v) {
    if (v > 0 && h[v].version <= h[v - 1].version) HSE_PROP_FAIL(history_order, where + ": versions out of order");
    if (v + 1 < h.size()) {
      if (!h[v].valid_to)
        HSE_PROP_FAIL(history_order, where + ": version " + std::to_string(h[v].version) + " overlaps the next");
      if (*h[v].valid_to != h[v + 1].valid_from)
        HSE_PROP_FAIL(history_order, where + ": gap or overlap between versions " + std::to_string(h[v].version) +
                                         " and " + std::to_string(h[v + 1].version));
    }
    if (h[v].valid_to && *h[v].valid_to < h[v].valid_from)
      HSE_PROP_FAIL(history_order, where + ": a version ends before it begins");
  }
  if (current) {
    if (h.empty() || h.back().valid_to) HSE_PROP_FAIL(history_complete, where + ": the current row has no open version");
    for (const auto& f : e.fields)
      // parent_active is no stored state: a query computes it from the parent's validity.
      if (f.name != "parent_active" && h.back().row.value(f.name, json()) != current->value(f.name, json()))
        HSE_PROP_FAIL(history_complete, where + ": the current row's " + f.name + " is " +
                                            current->value(f.name, json()).dump() + ", its open version's " +
                                            h.back().row.value(f.name, json()).dump());
  }
  size_t next = 0;
  for (const auto& w : writes) {
    bool found = false;
    for (; next < h.size() && !found; ++next) {
      const auto& v = h[next];
      if (v.origin != "local" || v.op != w.op) continue;
      bool same = true;
      if (w.fields.is_object())
        for (auto it = w.fields.begin(); it != w.fields.end(); ++it)
          same = same && v.row.is_object() && v.row.value(it.key(), json()) == it.value();
      found = same;
    }
    if (!found)
      HSE_PROP_FAIL(history_complete, where + ": the acknowledged local " + w.op + " #" + std::to_string(w.seq) + " " +
                                          w.fields.dump() + " is not in the writer's history (in the order written)" +
                                          history_dump(h));
  }
}

int check_blocked_waits(Sut& sut, int i) {
  auto& eng = *sut.clients[i].engine;
  const auto journal = eng.journal();
  using Row = std::pair<std::string, std::string>;
  // The rows a row references, by any version this replica has of it (the push plan
  // looks at the row and at its base).
  std::map<Row, std::set<Row>> refs;
  auto refs_of = [&](const Row& row) -> const std::set<Row>& {
    auto [it, fresh] = refs.try_emplace(row);
    if (!fresh) return it->second;
    const schema::Entity& e = schema::entity(row.first);
    std::vector<json> versions;
    if (auto now = eng.get(row.first, row.second)) versions.push_back(*now);
    for (const auto& v : eng.history(row.first, row.second)) versions.push_back(v.row);
    for (const auto& r : versions)
      for (const auto& f : e.fields)
        if (!f.references.empty() && !f.read_only && r.is_object() && r.value(f.name, json()).is_string())
          it->second.insert({f.references, r[f.name].get<std::string>()});
    return it->second;
  };
  using engine::journal::State;
  std::function<bool(const engine::journal::Entry&, int)> waits = [&](const engine::journal::Entry& b, int depth) {
    const Row row{b.entity, b.id};
    for (const auto& a : journal) {
      if (a.seq == b.seq) continue;
      const Row other{a.entity, a.id};
      const bool related = (other == row && a.seq < b.seq) || refs_of(row).count(other) > 0 ||
                           (b.op == engine::journal::Op::remove && a.seq < b.seq && refs_of(other).count(row) > 0);
      if (!related) continue;
      if (a.state == State::rejected || a.state == State::held) return true;
      if (a.state == State::blocked && depth < 8 && waits(a, depth + 1)) return true;
    }
    return false;
  };
  int checked = 0;
  for (const auto& b : journal) {
    if (b.state != State::blocked) continue;
    ++checked;
    if (!waits(b, 0))
      HSE_PROP_FAIL(blocked_waits, "client " + std::to_string(i) + " journal entry " + b.to_json().dump() +
                                       " is blocked, but behind no entry the server refused (rejected or held) "
                                       "of its row, of a row it references, or of a row referencing it");
  }
  return checked;
}

void tag_failures(const std::function<void()>& steps) {
  try {
    steps();
  } catch (rc::detail::CaseResult& r) {
    if (r.type == rc::detail::CaseResult::Type::Failure && property_of(r.description) == Prop::harness &&
        r.description.find(tag(Prop::harness)) == std::string::npos)
      r.description = tagged(Prop::step, r.description);
    throw;
  } catch (const rc::GenerationFailure&) {
    throw;
  } catch (const Crash&) {
    HSE_PROP_FAIL(harness, "a simulated crash escaped its step");
  } catch (const std::exception& e) {
    HSE_PROP_FAIL(harness, std::string("exception: ") + e.what());
  }
}

void settle(Sut& sut) {
  sut.set_faults(json::object());
  for (auto& c : sut.clients) {
    c.transport->disarm();
    c.clock->set_behind(0);  // put right, as before any round
  }
  const int n = static_cast<int>(sut.clients.size());

  auto clean_rounds = [&] {
    for (int round = 0; round < 2; ++round)
      for (int i = 0; i < n; ++i) {
        auto& eng = *sut.clients[i].engine;
        if (std::getenv("HSE_SP_DEBUG"))
          for (const auto& j : eng.journal()) std::cerr << "  journal " << i << " " << j.to_json().dump() << "\n";
        // Rows the pull may leave as they are: an open conflict (the app decides), an
        // entry in the journal (merged with the server's row), or one of an ancestor.
        std::set<std::pair<std::string, std::string>> pending;
        for (const auto& c : eng.conflicts()) pending.insert({c.entity, c.id});
        for (const auto& j : eng.journal()) pending.insert({j.entity, j.id});
        sut.deliveries.clear();
        sut.recording = i;
        json report = eng.sync();
        sut.recording = -1;
        if (std::getenv("HSE_SP_DEBUG")) std::cerr << "settle: client " << i << " " << report.dump() << "\n";
        if (!report["ok"].get<bool>()) HSE_PROP_FAIL(harness, "a clean round failed at client " + std::to_string(i) + ": " + report.dump());
        // Every row this clean round pulled is in the replica's history, as it came.
        for (const auto& d : sut.deliveries) {
          std::pair<std::string, std::string> at{d.entity, d.id};
          json row = d.row;
          bool skip = false;
          for (int depth = 0; depth < 4 && !skip; ++depth) {
            skip = pending.count(at) > 0;
            auto p = parent_of(at.first, row);
            if (!p) break;
            at = *p;
            row = eng.get(at.first, at.second).value_or(json());
          }
          if (skip) continue;
          const schema::Entity& e = schema::entity(d.entity);
          bool found = false;
          for (const auto& v : eng.history(d.entity, d.id)) {
            bool same = v.row.is_object();
            for (const auto& f : e.fields)
              same = same && (f.name == "parent_active" || v.row.value(f.name, json()) == d.row.value(f.name, json()));
            found = found || same;
          }
          if (!found)
            HSE_PROP_FAIL(history_complete, "client " + std::to_string(i) + " pulled " + d.entity + " " + d.id + " " +
                                                d.row.dump() + " in a clean round; its history has no such version" +
                                                debug_row(sut, d.entity, d.id));
        }
      }
  };
  // The app is shown what is held (the server kept refusing it) and sends it again.
  for (auto& c : sut.clients)
    for (const auto& entry : c.engine->journal({{"state", "held"}})) c.engine->retry(entry.seq);
  clean_rounds();
  // The app is shown its conflicts and settles each for the server's version; rows
  // it was shown are listed, and what it gave up is excused (Sut::excuses).
  for (int pass = 0; pass < 3; ++pass) {
    bool any = false;
    for (int i = 0; i < n; ++i)
      for (const auto& c : sut.clients[i].engine->conflicts()) {
        sut.listed.emplace_back(c.entity, c.id);
        // Taking the server's side loses this client's side of the conflict: its
        // writes of the conflict's fields (every field, and its delete, when the
        // conflict is about the row's existence), with the values the conflict shows.
        // The replica's row now too: an edit made while the conflict was open (after
        // the conflict's `local` was taken) is given up with it.
        const bool same_fields = c.kind == engine::store::ConflictKind::update_update;
        std::vector<json> sides{c.local};
        if (auto now = sut.clients[i].engine->get(c.entity, c.id)) sides.push_back(*now);
        Excuse x{c.entity, c.id, "", sut.clock->now_ms(), sides, i, -2, true, true, ""};
        // (deletes: an update_update whose row was deleted here meanwhile comes back)
        x.why = "the app took the server's side of conflict " + c.conflict_id;
        if (same_fields && c.fields.is_array())
          for (const auto& f : c.fields) {
            x.field = f.get<std::string>();
            sut.excuses.push_back(x);
          }
        else
          sut.excuses.push_back(x);
        sut.clients[i].engine->resolve(c.conflict_id, {{"take", "remote"}});
        any = true;
      }
    if (!any) break;
    clean_rounds();
  }
}

void settle_and_check(Sut& sut) {
  settle(sut);
  const int n = static_cast<int>(sut.clients.size());
  sut.push_log.check(sut.acks);

  // Every journal is empty but for rejected entries (the server refused them: they
  // are listed with the server's reasons, as the app sees them in journal() and
  // status()) and the entries blocked behind a rejected create.
  std::vector<std::set<std::pair<std::string, std::string>>> held(n);
  for (int i = 0; i < n; ++i) {
    HSE_PROP_ASSERT(drained, sut.clients[i].engine->conflicts().empty());
    for (const auto& entry : sut.clients[i].engine->journal()) {
      std::string where = "client " + std::to_string(i) + " journal entry " + entry.to_json().dump();
      if (entry.state != engine::journal::State::rejected && entry.state != engine::journal::State::blocked)
        HSE_PROP_FAIL(drained, "journal not empty after two clean rounds: " + where);
      if (entry.state == engine::journal::State::rejected && !entry.errors.is_array())
        HSE_PROP_FAIL(rejection_earned, "a rejection without the server's reasons: " + where);
      held[i].insert({entry.entity, entry.id});
      sut.listed.emplace_back(entry.entity, entry.id);
      // What the entry would have written is this client's, waiting: its fields (every
      // field of a create), or its delete.
      Excuse x{entry.entity, entry.id, "", sut.clock->now_ms(), {}, i, -2, true, false, ""};
      x.why = "its entry " + std::to_string(entry.seq) + " is " + engine::journal::to_string(entry.state);
      if (entry.op == engine::journal::Op::remove) {
        x.writes = false;
        x.deletes = true;
        sut.excuses.push_back(x);
      } else if (entry.op == engine::journal::Op::update && entry.patch.is_object()) {
        for (auto it = entry.patch.begin(); it != entry.patch.end(); ++it) {
          x.field = it.key();
          sut.excuses.push_back(x);
        }
      } else {
        sut.excuses.push_back(x);
      }
    }
  }

  int blocked = 0;
  for (int i = 0; i < n; ++i) blocked += check_blocked_waits(sut, i);
  RC_CLASSIFY(blocked > 0, "blocked entries checked");
  if (blocked > 0) reach(Reached::blocked_checked);

  std::map<std::string, RowMap> server;
  for (const auto& e : schema::entities())
    if (e.remote == "fourhse") server[e.name] = by_id(e, sut.server_rows(e.name));

  // Every replica equals the server: same rows (history included), every field.
  std::vector<std::map<std::string, RowMap>> local(n);
  for (int i = 0; i < n; ++i) {
    auto& eng = *sut.clients[i].engine;
    for (const auto& e : schema::entities()) {
      if (e.remote != "fourhse") continue;
      local[i][e.name] = by_id(e, sut.local_rows(eng, e.name));
      const auto& L = local[i][e.name];
      const auto& S = server[e.name];
      for (const auto& [id, srow] : S) {
        if (held[i].count({e.name, id})) continue;
        auto it = L.find(id);
        if (it == L.end())
          HSE_PROP_FAIL(convergence, "client " + std::to_string(i) + " lacks " + e.name + " " + id + " the server has: " + srow.dump());
        for (const auto& f : e.fields) {
          json lv = it->second.value(f.name, json());
          json sv = srow.value(f.name, json());
          if (lv != sv)
            HSE_PROP_FAIL(convergence, "client " + std::to_string(i) + " " + e.name + " " + id + "." + f.name + " = " + lv.dump() +
                    " but the server has " + sv.dump());
        }
      }
      for (const auto& [id, lrow] : L)
        if (!held[i].count({e.name, id}) && !S.count(id))
          HSE_PROP_FAIL(convergence, "client " + std::to_string(i) + " has " + e.name + " " + id + " the server does not: " + lrow.dump());
    }
  }

  // History: every version of every row a replica knows is one ordered sequence,
  // each version ending exactly when the next begins.
  std::set<std::pair<std::string, std::string>> known;
  for (const auto& a : sut.acks) known.insert({a.entity, a.id});
  for (const auto& [ent, rows] : server)
    for (const auto& [id, row] : rows) known.insert({ent, id});
  for (int i = 0; i < n; ++i)
    for (const auto& [ent, rows] : local[i])
      for (const auto& [id, row] : rows) known.insert({ent, id});
  // Rows a delete (or a delete of an ancestor) that someone was told of could remove.
  std::set<std::pair<std::string, std::string>> deleted;
  for (const auto& a : sut.acks)
    if (a.op == "delete") deleted.insert({a.entity, a.id});
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> parent;
  auto note_parent = [&](const std::string& ent, const std::string& id, const json& row) {
    if (auto p = parent_of(ent, row)) parent[{ent, id}] = *p;
  };
  for (const auto& a : sut.acks)
    if (a.op == "create") note_parent(a.entity, a.id, a.fields);
  std::vector<std::map<std::pair<std::string, std::string>, std::vector<engine::store::Version>>> histories(n);
  for (int i = 0; i < n; ++i)
    for (const auto& [ent, id] : known) {
      auto h = sut.clients[i].engine->history(ent, id);
      for (const auto& v : h) {
        note_parent(ent, id, v.row);
        if (v.origin == "conflict") excuse_decision(sut, i, ent, id, v);
        if (v.origin == "resolution") reach(Reached::resolved_by_app);
        if (v.origin == "conflict" && v.detail.is_object()) {
          const json& d = v.detail;
          json decisions = d.value("decisions", json::object());
          if (d.contains("decision")) decisions["row"] = d["decision"];
          for (auto it = decisions.begin(); it != decisions.end(); ++it) {
            if (it.value() == "remote") reach(Reached::decided_remote);
            if (it.value() == "local") reach(Reached::decided_local);
          }
        }
      }
      histories[i][{ent, id}] = std::move(h);
    }
  std::function<bool(const std::string&, const std::string&, int)> gone_by_delete =
      [&](const std::string& ent, const std::string& id, int depth) -> bool {
    if (deleted.count({ent, id})) return true;
    auto p = parent.find({ent, id});
    return depth < 4 && p != parent.end() && gone_by_delete(p->second.first, p->second.second, depth + 1);
  };
  for (int i = 0; i < n; ++i)
    for (const auto& [key, h] : histories[i]) {
      const auto& [ent, id] = key;
      std::string where = "client " + std::to_string(i) + " history of " + ent + " " + id;
      for (const auto& v : h)
        // A pull removes a row only when the server really deleted it.
        if (v.op == "delete" && v.origin == "pull" && !gone_by_delete(ent, id, 0))
          HSE_PROP_FAIL(delete_confirmed,
                        where + ": removed by a pull though nobody deleted it (version " + std::to_string(v.version) + ")");
      std::optional<json> current;
      if (auto it = local[i][ent].find(id); it != local[i][ent].end()) current = it->second;
      std::vector<LocalWrite> writes;
      for (const auto& a : sut.acks)
        if (a.writer == i && a.entity == ent && a.id == id) writes.push_back({a.seq, a.op, a.fields});
      check_row_history(where, schema::entity(ent), h, current, writes);
    }

  // Every acknowledged write is on the server, or was overtaken by a later
  // acknowledged write, or removed by an acknowledged delete, or recorded as a
  // conflict or rejection the app can list. Nothing vanishes silently.
  for (const auto& a : sut.acks) {
    std::string what = client_name(a.writer) + "'s acknowledged " + a.op + " #" + std::to_string(a.seq) + " of " +
                       a.entity + " " + a.id + " " + a.fields.dump();
    const schema::Entity& e = schema::entity(a.entity);
    auto srow = server[a.entity].find(a.id);
    const bool on_server = srow != server[a.entity].end();
    // A later delete of the row or of an ancestor (a cascade) supersedes the write,
    // even when that delete then lost to a server edit and the rows came back.
    auto deleted_later = [&](const std::string& ent, const std::string& id) {
      std::pair<std::string, std::string> at{ent, id};
      for (int depth = 0; depth < 4; ++depth) {
        for (const auto& b : sut.acks)
          if (b.seq > a.seq && b.op == "delete" && b.entity == at.first && b.id == at.second) return true;
        auto p = parent.find(at);
        if (p == parent.end()) break;
        at = p->second;
      }
      return false;
    };
    auto overtaken = [&](const std::string& field) {
      for (const auto& b : sut.acks)
        if (b.seq > a.seq && b.entity == a.entity && b.id == a.id &&
            (b.op == "delete" || b.op == "create" || (b.fields.is_object() && b.fields.contains(field))))
          return true;
      return deleted_later(a.entity, a.id);
    };
    // The read-check-write limit (the API has no versions or ETags; README.md): a
    // client k's push compares the server's row with k's base; a change made on the
    // server and undone before the push (the field back at the base's value) is
    // invisible, and k's older edit wins. So `a`'s write of f := v, found overwritten
    // by y, is excused when some other client k acknowledged f := y before `a`, and the
    // server's version k last held before that write (its base) had f == v: `a`
    // restored the value k's base had. Fresh values (names, texts) are never excused.
    auto undone_before_push = [&](const std::string& f, const json& y) {
      for (const auto& b : sut.acks) {
        if (b.seq >= a.seq || b.writer < 0 || b.writer == a.writer || b.entity != a.entity || b.id != a.id ||
            !b.fields.is_object() || b.fields.value(f, json()) != y || !b.fields.contains(f))
          continue;
        const auto& h = histories[b.writer][{a.entity, a.id}];
        const engine::store::Version* base = nullptr;
        for (const auto& v : h)
          if (v.valid_from < b.at && v.origin != "local") base = &v;
        if (base && base->row.is_object() && base->row.value(f, json()) == a.fields.at(f)) return true;
      }
      return false;
    };
    if (a.op == "delete") {
      if (!on_server || excused(sut, a, std::nullopt)) continue;
      if (a.entity == "project" && srow->second.value("status", "") != "active" &&
          srow->second.value("status", "") != "suspended")
        continue;  // a project is never removed: it becomes pending_delete
      // Written again after the delete (a client's edit kept by its policy); or created
      // by another client, whose retried create (answer lost before) can bring it back:
      // the API has no tombstones, so no client can tell (a documented limit).
      bool later = false;
      for (const auto& b : sut.acks)
        later = later || (b.entity == a.entity && b.id == a.id &&
                          (b.seq > a.seq || (b.op == "create" && b.writer != a.writer && b.writer >= 0)));
      if (later) continue;
      HSE_PROP_FAIL(no_lost_write, what + ": the row is still on the server " + srow->second.dump());
    }
    if (!on_server) {
      bool any_field_excused = false;
      for (auto it = a.fields.begin(); it != a.fields.end(); ++it)
        any_field_excused = any_field_excused || (it.key() != e.key && excused(sut, a, it.key()));
      if (gone_by_delete(a.entity, a.id, 0) || any_field_excused) continue;
      HSE_PROP_FAIL(no_lost_write, what + ": vanished (not on the server, not deleted by anyone, no conflict or rejection of it listed)");
    }
    for (auto it = a.fields.begin(); it != a.fields.end(); ++it) {
      if (it.key() == e.key) continue;
      if (srow->second.value(it.key(), json()) == it.value()) continue;
      if (overtaken(it.key()) || excused(sut, a, it.key()) ||
          undone_before_push(it.key(), srow->second.value(it.key(), json())))
        continue;
      if (a.entity == "project" && it.key() == "status" && gone_by_delete(a.entity, a.id, 0)) continue;
      HSE_PROP_FAIL(no_lost_write, what + ": field " + it.key() + " is " + srow->second.value(it.key(), json()).dump() +
              " on the server; nothing later overwrote it and no conflict, decision or refusal of this field "
              "recorded after it shows its value" + debug_row(sut, a.entity, a.id));
    }
  }

  // No create exists twice: every row on the server has an id somebody created (a
  // create applied again under a new id would not), and a name written only once (by
  // one acknowledged write) is on one row at most.
  std::set<std::pair<std::string, std::string>> created;
  std::map<std::string, int> name_writes;
  for (const auto& a : sut.acks) {
    if (a.op == "create") created.insert({a.entity, a.id});
    if (a.fields.is_object() && a.fields.contains("name") && a.fields["name"].is_string())
      name_writes[a.fields["name"].get<std::string>()]++;
  }
  for (const auto& [ent, rows] : server)
    for (const auto& [id, row] : rows)
      if (!created.count({ent, id})) HSE_PROP_FAIL(no_duplicate, ent + " " + id + " is on the server but nobody created it: " + row.dump());
  for (const auto& [ent, rows] : server) {
    std::map<std::string, std::string> seen;
    for (const auto& [id, row] : rows) {
      std::string name = row.value("name", "");
      if (name.rfind("n-", 0) != 0 || name_writes[name] != 1) continue;
      auto [it, fresh] = seen.emplace(name, id);
      if (!fresh) HSE_PROP_FAIL(no_duplicate, ent + " '" + name + "' exists twice on the server: " + it->second + " and " + id);
    }
  }
}

}  // namespace hse::prop
