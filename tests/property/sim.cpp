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
    c.transport = std::make_shared<SimTransport>(inner[i]);
    c.transport->observe = [this, i](const http::Request& r, const http::Response& resp, bool) {
      push_log.record(i, r, resp);
    };
    clients.push_back(std::move(c));
    reopen(i);
  }
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
  o.clock = clock;
  o.random = std::make_shared<SeededRandom>(seed * 1'000'003 + static_cast<uint64_t>(i) * 101 + c.opens);
  // Sends run in an order drawn from the seed: concurrent interleavings, replayable.
  o.push_seed = seed * 7'919 + static_cast<uint64_t>(i) * 31 + c.opens++;
  std::string kind = "fourhse";
  if (remote == RemoteKind::statuspage) {
    adapters::statuspage::StatusPageOptions so;
    so.clock = clock;
    o.remote = std::make_shared<adapters::statuspage::StatusPageRemote>(so, c.transport);
    kind = "statuspage";
  } else {
    adapters::fourhse::FourHseOptions fo;
    fo.clock = clock;
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

}  // namespace

void settle(Sut& sut) {
  sut.set_faults(json::object());
  for (auto& c : sut.clients) c.transport->disarm();
  const int n = static_cast<int>(sut.clients.size());

  auto clean_rounds = [&] {
    for (int round = 0; round < 2; ++round)
      for (int i = 0; i < n; ++i) {
        if (std::getenv("HSE_SP_DEBUG"))
          for (const auto& j : sut.clients[i].engine->journal()) std::cerr << "  journal " << i << " " << j.to_json().dump() << "\n";
        json report = sut.clients[i].engine->sync();
        if (std::getenv("HSE_SP_DEBUG")) std::cerr << "settle: client " << i << " " << report.dump() << "\n";
        if (!report["ok"].get<bool>()) RC_FAIL("a clean round failed at client " + std::to_string(i) + ": " + report.dump());
      }
  };
  clean_rounds();
  // The app is shown its conflicts and settles each for the server's version; rows
  // it was shown are "recorded" for the acknowledged-writes property.
  for (int pass = 0; pass < 3; ++pass) {
    bool any = false;
    for (int i = 0; i < n; ++i)
      for (const auto& c : sut.clients[i].engine->conflicts()) {
        sut.listed.emplace_back(c.entity, c.id);
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
    RC_ASSERT(sut.clients[i].engine->conflicts().empty());
    for (const auto& entry : sut.clients[i].engine->journal()) {
      std::string where = "client " + std::to_string(i) + " journal entry " + entry.to_json().dump();
      if (entry.state != engine::journal::State::rejected && entry.state != engine::journal::State::blocked)
        RC_FAIL("journal not empty after two clean rounds: " + where);
      if (entry.state == engine::journal::State::rejected && !entry.errors.is_array())
        RC_FAIL("a rejection without the server's reasons: " + where);
      held[i].insert({entry.entity, entry.id});
      sut.listed.emplace_back(entry.entity, entry.id);
    }
  }

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
          RC_FAIL("client " + std::to_string(i) + " lacks " + e.name + " " + id + " the server has: " + srow.dump());
        for (const auto& f : e.fields) {
          json lv = it->second.value(f.name, json());
          json sv = srow.value(f.name, json());
          if (lv != sv)
            RC_FAIL("client " + std::to_string(i) + " " + e.name + " " + id + "." + f.name + " = " + lv.dump() +
                    " but the server has " + sv.dump());
        }
      }
      for (const auto& [id, lrow] : L)
        if (!held[i].count({e.name, id}) && !S.count(id))
          RC_FAIL("client " + std::to_string(i) + " has " + e.name + " " + id + " the server does not: " + lrow.dump());
    }
  }

  // History: every version of every row a replica knows is one ordered sequence,
  // each version ending exactly when the next begins.
  std::set<std::pair<std::string, std::string>> recorded(sut.listed.begin(), sut.listed.end());
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
        if (v.origin == "conflict" || v.origin == "resolution") recorded.insert({ent, id});
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
      for (size_t v = 0; v < h.size(); ++v) {
        if (v > 0 && h[v].version <= h[v - 1].version) RC_FAIL(where + ": versions out of order");
        if (v + 1 < h.size()) {
          if (!h[v].valid_to) RC_FAIL(where + ": version " + std::to_string(h[v].version) + " overlaps the next");
          if (*h[v].valid_to != h[v + 1].valid_from)
            RC_FAIL(where + ": gap or overlap between versions " + std::to_string(h[v].version) + " and " +
                    std::to_string(h[v + 1].version));
        }
        if (h[v].valid_to && *h[v].valid_to < h[v].valid_from) RC_FAIL(where + ": a version ends before it begins");
        // A pull removes a row only when the server really deleted it.
        if (h[v].op == "delete" && h[v].origin == "pull" && !gone_by_delete(ent, id, 0))
          RC_FAIL(where + ": removed by a pull though nobody deleted it (version " + std::to_string(h[v].version) + ")");
      }
      bool exists = local[i].count(ent) && local[i][ent].count(id);
      if (exists && (h.empty() || h.back().valid_to))
        RC_FAIL(where + ": the current row has no open version");
    }

  // Every acknowledged write is on the server, or was overtaken by a later
  // acknowledged write, or removed by an acknowledged delete, or recorded as a
  // conflict or rejection the app can list. Nothing vanishes silently.
  for (const auto& a : sut.acks) {
    std::string what = client_name(a.writer) + "'s acknowledged " + a.op + " #" + std::to_string(a.seq) + " of " +
                       a.entity + " " + a.id + " " + a.fields.dump();
    const schema::Entity& e = schema::entity(a.entity);
    const bool rec = recorded.count({a.entity, a.id}) > 0;
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
    if (a.op == "delete") {
      if (!on_server || rec) continue;
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
      RC_FAIL(what + ": the row is still on the server " + srow->second.dump());
    }
    if (!on_server) {
      if (gone_by_delete(a.entity, a.id, 0) || rec) continue;
      RC_FAIL(what + ": vanished (not on the server, not deleted by anyone, no conflict or rejection listed)");
    }
    for (auto it = a.fields.begin(); it != a.fields.end(); ++it) {
      if (it.key() == e.key) continue;
      if (srow->second.value(it.key(), json()) == it.value()) continue;
      if (overtaken(it.key()) || rec) continue;
      if (a.entity == "project" && it.key() == "status" && gone_by_delete(a.entity, a.id, 0)) continue;
      RC_FAIL(what + ": field " + it.key() + " is " + srow->second.value(it.key(), json()).dump() +
              " on the server; nothing later overwrote it and no conflict was recorded");
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
      if (!created.count({ent, id})) RC_FAIL(ent + " " + id + " is on the server but nobody created it: " + row.dump());
  for (const auto& [ent, rows] : server) {
    std::map<std::string, std::string> seen;
    for (const auto& [id, row] : rows) {
      std::string name = row.value("name", "");
      if (name.rfind("n-", 0) != 0 || name_writes[name] != 1) continue;
      auto [it, fresh] = seen.emplace(name, id);
      if (!fresh) RC_FAIL(ent + " '" + name + "' exists twice on the server: " + it->second + " and " + id);
    }
  }
}

}  // namespace hse::prop
