// The rc::state model and commands of the sync property tests. The model is what
// the generator needs to draw meaningful commands: the rows that exist or existed
// (ids and parents, so children are made under real parents and edits hit real
// rows), the number of clients and each client's conflict policies. The outcome of
// each command is checked by the final properties (sim.cpp settle_and_check), with
// the acknowledged writes the commands record in the Sut's ledger.
#pragma once

#include <rapidcheck/state.h>

#include <filesystem>
#include <ostream>

#include "tests/property/sim.hpp"
#include "tests/support/faulty_vfs.hpp"

namespace hse::prop {

struct MRow {
  std::string entity;
  std::string id;
  std::string project;  // office, action, incident: its project
  std::string office;   // action, incident: its office
};

struct Model {
  int clients = 2;
  Mode mode = Mode::in_process;  // over HTTP the faults add no latency (the network has its own)
  std::vector<MRow> rows;
  std::vector<json> policies;
  std::optional<MRow> last_server_edit;  // the row another API user last updated
  std::vector<const MRow*> of(const std::string& entity) const {
    std::vector<const MRow*> out;
    for (const auto& r : rows)
      if (r.entity == entity) out.push_back(&r);
    return out;
  }
};

using Cmd = rc::state::Command<Model, Sut>;

inline std::string gen_uuid() {
  auto hex = [](uint64_t v, int n) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i) s += d[(v >> (4 * i)) & 15];
    return s;
  };
  uint64_t a = *rc::gen::arbitrary<uint64_t>().as("id");
  uint64_t b = *rc::gen::arbitrary<uint64_t>().as("id");
  return hex(a, 8) + "-" + hex(a >> 32, 4) + "-4" + hex(b, 3) + "-a" + hex(b >> 12, 3) + "-" + hex(b >> 24, 12);
}
// A name no other write uses: a server row with it twice is one create applied twice.
inline std::string gen_name() { return "n-" + gen_uuid().substr(0, 13); }
inline std::string gen_text() { return "t" + std::to_string(*rc::gen::inRange(0, 1'000'000).as("text")); }

inline const MRow& pick(const std::vector<const MRow*>& v) {
  return *v[*rc::gen::inRange<size_t>(0, v.size()).as("row")];
}

// A create body for `entity` (valid unless `valid` is false).
inline json gen_create(const Model& m, const std::string& entity, bool valid, MRow& out) {
  out.entity = entity;
  out.id = gen_uuid();
  json b;
  if (entity == "project") {
    b = {{"project_id", out.id}, {"name", gen_name()}, {"country", valid ? "IT" : "ITA"}};
    out.project = out.id;
  } else if (entity == "office") {
    const MRow& p = pick(m.of("project"));
    bool clash = *rc::gen::inRange(0, 8).as("office name clash") == 0;  // names are unique per project
    b = {{"office_id", out.id}, {"project_id", p.id}, {"name", clash ? std::string("Main") : gen_name()},
         {"street", gen_text()}};
    if (!valid) b["region"] = "far too long a region";
    out.project = p.id;
  } else {
    const MRow& o = pick(m.of("office"));
    out.office = o.id;
    out.project = o.project;
    b = {{entity == "action" ? "action_id" : "office_incident_id", out.id}, {"name", gen_name()},
         {"subtenant_id", o.id}, {"tenant_id", o.project}};
    if (entity == "action") {
      b["action_type"] = *rc::gen::element<std::string>("TRAINING", "CHECK", "PER").as("action_type");
      if (!valid) b["tenant_id"] = gen_uuid();  // not the office's project
    } else {
      b["date_incident"] = "2026-03-01";
      b["category"] = "ACCIDENTS";
      if (!valid) b["status"] = "closed";  // without date_closed
    }
  }
  return b;
}

inline json gen_patch(const std::string& entity, bool valid) {
  int k = *rc::gen::inRange(0, 3).as("patch kind");
  if (entity == "project") {
    if (!valid) return {{"country", "ITA"}};
    if (k == 0) return {{"description", gen_text()}};
    if (k == 1) return {{"name", gen_name()}, {"npeople", *rc::gen::inRange(0, 100)}};
    return {{"npeople", *rc::gen::inRange(0, 100)}};
  }
  if (entity == "office") {
    if (!valid) return {{"region", "far too long a region"}};
    if (k == 0) return {{"street", gen_text()}};
    if (k == 1) return {{"description", gen_text()}, {"street", gen_text()}};
    return {{"name", gen_name()}};
  }
  if (entity == "action") {
    if (!valid) return {{"action_type", "HEALTH"}};  // immutable
    if (k == 0) return {{"description", gen_text()}};
    if (k == 1) return {{"name", gen_name()}, {"validity", *rc::gen::inRange(1, 12)}};
    return {{"validity", *rc::gen::inRange(1, 12)}};
  }
  if (!valid) return {{"category", "NOT_A_CATEGORY"}};
  if (k == 0) return {{"description", gen_text()}};
  if (k == 1) return {{"status", "closed"}, {"date_closed", "2026-03-02"}};
  return {{"actions_taken", gen_text()}, {"description", gen_text()}};
}

inline std::string gen_entity() {
  return *rc::gen::element<std::string>("project", "office", "office", "action", "incident", "incident").as("entity");
}

inline json gen_faults(Mode mode) {
  if (*rc::gen::inRange(0, 4).as("clean network") == 0) return json::object();
  json f = {{"seed", *rc::gen::inRange(0, 1'000'000).as("fault seed")}};
  f["drop_rate"] = *rc::gen::element(0.0, 0.1, 0.3).as("drop rate");
  f["error_rate"] = *rc::gen::element(0.0, 0.1, 0.3).as("error rate");
  f["error_status"] = *rc::gen::element(500, 503, 429).as("error status");
  f["retry_after_s"] = *rc::gen::element(0, 1).as("retry after");
  f["lost_response_rate"] = *rc::gen::element(0.0, 0.1, 0.3).as("lost response rate");
  f["latency_ms"] = mode == Mode::http ? 0 : *rc::gen::element(0, 5).as("latency");
  return f;
}

inline int gen_client(const Model& m) { return *rc::gen::inRange(0, m.clients).as("client"); }

// --------------------------------------------------------------------------------

struct LocalCreate : Cmd {
  int client;
  bool valid;
  MRow row;
  json body;
  explicit LocalCreate(const Model& m) {
    client = gen_client(m);
    valid = *rc::gen::inRange(0, 6).as("valid?") != 0;
    std::string entity = gen_entity();
    if (entity != "project" && m.of(entity == "office" ? "project" : "office").empty()) entity = "project";
    body = gen_create(m, entity, valid, row);
  }
  void apply(Model& m) const override {
    if (valid) m.rows.push_back(row);
  }
  void run(const Model&, Sut& s) const override {
    auto& e = *s.clients[client].engine;
    std::optional<json> before = e.get(row.entity, row.id);  // set when a shrunk id repeats
    try {
      e.create(row.entity, body);
      s.ack(client, "create", row.entity, row.id, body);
    } catch (const Error&) {
      RC_ASSERT(e.get(row.entity, row.id) == before);  // a refused write changes nothing
    }
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " creates " << row.entity << " " << body.dump();
  }
};

// A local update by client `client`; acknowledged (ledger) only for what it changed.
inline void local_update(Sut& s, int client, const MRow& row, const json& patch) {
  auto& e = *s.clients[client].engine;
  std::optional<json> before = e.get(row.entity, row.id);
  try {
    e.update(row.entity, row.id, patch);
    // Only what changed is a write (setting a field to its value changes nothing).
    json changed = json::object();
    for (auto it = patch.begin(); it != patch.end(); ++it)
      if (!before || before->value(it.key(), json()) != it.value()) changed[it.key()] = it.value();
    if (!changed.empty()) s.ack(client, "update", row.entity, row.id, changed);
  } catch (const Error&) {
    RC_ASSERT(e.get(row.entity, row.id) == before);  // a refused write changes nothing
  }
}

struct LocalUpdate : Cmd {
  int client;
  MRow row;
  json patch;
  explicit LocalUpdate(const Model& m) {
    RC_PRE(!m.rows.empty());
    client = gen_client(m);
    row = *rc::gen::elementOf(m.rows).as("row");
    patch = gen_patch(row.entity, *rc::gen::inRange(0, 6).as("valid?") != 0);
  }
  void run(const Model&, Sut& s) const override { local_update(s, client, row, patch); }
  void show(std::ostream& os) const override {
    os << "client " << client << " updates " << row.entity << " " << row.id << " " << patch.dump();
  }
};

struct LocalDelete : Cmd {
  int client;
  MRow row;
  bool cascade;
  explicit LocalDelete(const Model& m) {
    RC_PRE(!m.rows.empty());
    client = gen_client(m);
    row = *rc::gen::elementOf(m.rows).as("row");
    cascade = *rc::gen::arbitrary<bool>().as("cascade");
  }
  void run(const Model&, Sut& s) const override {
    auto& e = *s.clients[client].engine;
    try {
      e.remove(row.entity, row.id, cascade);
      s.ack(client, "delete", row.entity, row.id, nullptr);
    } catch (const Error&) {
    }
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " deletes " << row.entity << " " << row.id << (cascade ? " (cascade)" : "");
  }
};

// Another API user's write, straight to the server.
struct ServerWrite {
  std::string method, target;
  json body;
  std::string op, entity, id;
  std::optional<MRow> created;
  // An update the request makes that its body does not say: a project's delete only
  // schedules it (status pending_delete; the API keeps the row and its children).
  json effect;

  // `mid_round`: landing inside a client's scan, where deletes and creates move rows
  // between pages (so they are drawn more often).
  static ServerWrite gen(const Model& m, bool mid_round = false) {
    ServerWrite w;
    int kind = mid_round ? *rc::gen::element(1, 3, 4, 4).as("server write kind")
                         : *rc::gen::inRange(0, 5).as("server write kind");
    if (kind == 4 && !m.of("office").empty()) {  // delete a project, office, action or incident, with its children
      auto candidates =
          m.of(*rc::gen::element<std::string>("office", "office", "action", "incident", "incident", "project").as("entity"));
      if (candidates.empty()) candidates = m.of("office");
      const MRow& r = pick(candidates);
      w = {"DELETE", "/v2/" + r.entity + "/delete/" + r.id + "?force=true", nullptr, "delete", r.entity, r.id, {}, {}};
      if (r.entity == "project") {
        w.op = "update";
        w.effect = {{"status", "pending_delete"}};
      }
    } else if (kind == 3) {
      MRow row;
      std::string entity = *rc::gen::element<std::string>("office", "action", "incident").as("entity");
      if (m.of(entity == "office" ? "project" : "office").empty()) entity = "office";
      json body = gen_create(m, entity, true, row);
      w = {"POST", "/v2/" + entity + "/create", body, "create", entity, row.id, row, {}};
    } else {
      const MRow& r = *rc::gen::elementOf(m.rows).as("row");
      json patch = gen_patch(r.entity, true);
      w = {"PUT", "/v2/" + r.entity + "/update/" + r.id, patch, "update", r.entity, r.id, {}, {}};
    }
    return w;
  }
  void run(Sut& s) const {
    const json& writes = effect.is_object() ? effect : body;
    json changed = writes;
    if (op == "update") {
      // Only what changes is a write: rewriting a field's value is invisible to
      // everyone (the API has no versions), so it cannot be "lost".
      auto before = s.server("GET", "/v2/" + entity + "/view/" + id);
      if (before.status == 200) {
        json row = json::parse(before.body);
        changed = json::object();
        for (auto it = writes.begin(); it != writes.end(); ++it)
          if (row.value(it.key(), json()) != it.value()) changed[it.key()] = it.value();
      }
    }
    auto resp = s.server(method, target, body);
    if (resp.status / 100 == 2 && !(op == "update" && changed.empty()))
      s.ack(-1, op, entity, id, op == "delete" ? json() : changed);
  }
  std::string show() const { return method + " " + target + " " + (body.is_null() ? "" : body.dump()); }
};

struct ServerEdit : Cmd {
  ServerWrite w;
  explicit ServerEdit(const Model& m) {
    RC_PRE(!m.rows.empty());
    w = ServerWrite::gen(m);
  }
  void apply(Model& m) const override {
    if (w.created) m.rows.push_back(*w.created);
    if (w.op == "update")
      for (const auto& r : m.rows)
        if (r.id == w.id) m.last_server_edit = r;
  }
  void run(const Model&, Sut& s) const override { w.run(s); }
  void show(std::ostream& os) const override { os << "another API user: " << w.show(); }
};

// The row a create, update or delete request writes: /v2/<entity>/create (the id in
// the body), /v2/<entity>/update/<id>, /v2/<entity>/delete/<id>.
inline std::optional<MRow> written_row(const http::Request& r) {
  const std::string prefix = "/v2/";
  if (r.target.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string path = r.target.substr(prefix.size(), r.target.find('?') - prefix.size());
  const auto slash = path.find('/');
  if (slash == std::string::npos) return std::nullopt;
  MRow row;
  row.entity = path.substr(0, slash);
  const std::string rest = path.substr(slash + 1);
  const schema::Entity* e = schema::find_entity(row.entity);
  if (!e) return std::nullopt;
  if (rest == "create") {
    json body = json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.value(e->key, json()).is_string()) return std::nullopt;
    row.id = body[e->key].get<std::string>();
  } else if (rest.rfind("update/", 0) == 0 || rest.rfind("delete/", 0) == 0) {
    row.id = rest.substr(7);
  } else {
    return std::nullopt;
  }
  return row;
}

// `push`: the round's push concurrency (1..8): whatever it is, the outcome must be
// one a serial push could give.
inline void run_round(Sut& s, int client, const json& faults, int push) {
  engine::internals(*s.clients[client].engine).push_concurrency = push;
  if (!faults.empty()) s.set_faults(faults);
  try {
    s.sync(client);
  } catch (...) {
    s.set_faults(json::object());
    throw;
  }
  s.set_faults(json::object());
}

struct SyncRound : Cmd {
  int client;
  json faults;
  int push = *rc::gen::inRange(1, 9).as("push concurrency");
  // A write lands before this request of the round: another API user's on the server,
  // or (local_edit) the syncing client's own user editing a row meanwhile.
  std::optional<int> edit_at;
  ServerWrite w;
  bool local_edit = false;
  MRow local_row;
  json local_patch;
  // Its user edits the row of the first create or update the push sends, while it is
  // in flight, and that write's answer is lost: the row then has two entries pending,
  // the one that may have applied and the edit, and the next round must send them in
  // order (a retried create meets its own row on the server, as its first body made it).
  bool edit_in_flight = false;
  json in_flight_patches;  // entity -> patch
  bool overlap = false;    // SimTransport::overlap_pages
  explicit SyncRound(const Model& m) {
    client = gen_client(m);
    faults = gen_faults(m.mode);
    overlap = *rc::gen::inRange(0, 5).as("pages overlap?") == 0;
    int concurrent = m.rows.empty() ? 0 : *rc::gen::inRange(0, 5).as("concurrent edit?");
    if (concurrent == 4) {
      edit_in_flight = true;
      for (const char* e : {"project", "office", "action", "incident"}) in_flight_patches[e] = gen_patch(e, true);
      faults = json::object();
    }
    if (concurrent == 1 || concurrent == 2) {
      edit_at = *rc::gen::inRange(0, 30).as("edit at request");
      w = ServerWrite::gen(m, true);
      if (w.op == "create" && *edit_at % 2 == 0) {
        // Lands after the scan's first page (run): an id that sorts first moves every
        // row of the scan one place down.
        w.id = "00000000" + w.id.substr(8);
        w.body[schema::entity(w.entity).key] = w.id;
        w.created->id = w.id;
      }
    } else if (concurrent == 3) {
      edit_at = *rc::gen::inRange(0, 30).as("edit at request");
      local_edit = true;
      // Often the row another API user just edited: the pull then merges three ways.
      local_row = m.last_server_edit && *rc::gen::arbitrary<bool>().as("the row edited on the server?")
                      ? *m.last_server_edit
                      : *rc::gen::elementOf(m.rows).as("row");
      local_patch = gen_patch(local_row.entity, true);
    }
  }
  void apply(Model& m) const override {
    if (edit_at && w.created) m.rows.push_back(*w.created);
  }
  void run(const Model&, Sut& s) const override {
    auto& t = *s.clients[client].transport;
    t.overlap_pages = overlap;
    if (edit_in_flight)
      t.on_first_write = [&s, c = client, patches = in_flight_patches](const http::Request& r) {
        if (auto row = written_row(r); row && patches.contains(row->entity)) {
          local_update(s, c, *row, patches[row->entity]);
          reach(Reached::edited_in_flight);
        }
        return true;
      };
    if (edit_at && local_edit) {
      t.arm(-1, false);
      t.hook_at = *edit_at;
      // Half the time exactly between the push and the pull of the row's entity.
      if (*edit_at % 2 == 0) t.hook_before = "/v2/" + local_row.entity + "/index";
      t.hook = [&s, c = client, r = local_row, p = local_patch] { local_update(s, c, r, p); };
    } else if (edit_at) {
      t.arm(-1, false);
      t.hook_at = *edit_at;
      t.hook_id = w.id;
      // Half the time a create lands right after the first page of its entity's scan:
      // the rows after it move one place down, and the next page repeats an id.
      if (w.op == "create" && *edit_at % 2 == 0) {
        t.hook_at = -1;
        t.hook_after = "/v2/" + w.entity + "/index";
      }
      t.hook = [&s, w = w] { s.unfaulted([&] { w.run(s); }); };
    }
    run_round(s, client, faults, push);
    t.disarm();
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " syncs (push concurrency " << push << "), faults " << faults.dump();
    if (overlap) os << ", its index pages overlapping";
    if (edit_in_flight)
      os << ", its user edits the row of its first write in flight (" << in_flight_patches.dump()
         << "), whose answer is lost";
    if (edit_at && local_edit)
      os << ", before " << (*edit_at % 2 == 0 ? "the pull of " + local_row.entity : "request " + std::to_string(*edit_at))
         << " its user updates " << local_row.entity << " " << local_row.id << " "
         << local_patch.dump();
    else if (edit_at && w.op == "create" && *edit_at % 2 == 0)
      os << ", after the first page of the " << w.entity << " scan another API user: " << w.show();
    else if (edit_at)
      os << ", before request " << *edit_at << " another API user: " << w.show();
  }
};

struct CrashRound : Cmd {
  int client;
  int push = *rc::gen::inRange(1, 9).as("push concurrency");
  int at;
  bool after;
  json faults;
  explicit CrashRound(const Model& m) {
    client = gen_client(m);
    at = *rc::gen::inRange(0, 40).as("crash at request");
    after = *rc::gen::arbitrary<bool>().as("after the server answered");
    faults = *rc::gen::inRange(0, 3).as("faults too?") == 0 ? gen_faults(m.mode) : json::object();
  }
  void run(const Model&, Sut& s) const override {
    s.clients[client].transport->arm(at, after);
    try {
      run_round(s, client, faults, push);
    } catch (const Crash&) {
    }
    s.crash(client);  // killed mid-round (or just after it), reopened from its file
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " crashes at request " << at << (after ? " after" : " before")
       << " the server handled it, faults " << faults.dump();
  }
};

// The server refuses every write of one row with 500, again and again (a poison
// entry), through `rounds` rounds of one client with no other fault: the entry is
// sent each round until sync.max_attempts holds it (settle() has the app retry it
// once the server takes it again). Meanwhile nothing unrelated waits behind it: once
// a round has run, every entry older than that round is gone, or is of a row that
// holds entries back (the poisoned row, one in conflict, one with a refused or
// blocked entry) or of a row referencing or referenced by one [blocked-waits]. An
// entry left for that reason holds back the later entries related to its row in
// turn: the engine's waits chain in journal order (an incident's delete behind its
// project's delete, behind an office's delete whose conflict waits for the app).
struct PoisonRound : Cmd {
  int client;
  MRow row;
  json patch;  // the client's own write of that row, made first (the entry refused)
  int rounds;
  explicit PoisonRound(const Model& m) {
    RC_PRE(!m.rows.empty());
    client = gen_client(m);
    row = *rc::gen::elementOf(m.rows).as("poisoned row");
    patch = gen_patch(row.entity, true);
    rounds = *rc::gen::inRange(1, 7).as("rounds");
  }
  void run(const Model&, Sut& s) const override {
    auto& eng = *s.clients[client].engine;
    local_update(s, client, row, patch);
    json rules = json::array();
    for (const char* op : {"update", "delete"})
      rules.push_back({{"method", "*"}, {"path", "/v2/" + row.entity + "/" + op + "/" + row.id}, {"status", 500}});
    s.set_faults({{"rules", rules}});
    int64_t before_last = 0;
    for (int r = 0; r < rounds; ++r) {
      before_last = 0;
      for (const auto& e : eng.journal()) before_last = std::max(before_last, e.seq);
      s.sync(client);
    }
    s.set_faults(json::object());
    using engine::journal::State;
    using Row = std::pair<std::string, std::string>;
    // The rows that may hold entries back: the poisoned one, those whose conflict
    // waits for the app, and those with a refused or blocked entry.
    std::set<Row> stuck{{row.entity, row.id}};
    for (const auto& c : eng.conflicts()) stuck.insert({c.entity, c.id});
    const auto journal = eng.journal();
    for (const auto& e : journal) {
      if (e.state == State::held) reach(Reached::held);
      if (e.state == State::rejected || e.state == State::held || e.state == State::blocked) stuck.insert({e.entity, e.id});
    }
    for (const auto& e : journal) {  // in seq order
      if (std::getenv("HSE_SP_DEBUG")) std::cerr << "  poison: after the rounds " << e.to_json().dump() << "\n";
      const Row at{e.entity, e.id};
      if (e.seq > before_last || stuck.count(at)) continue;
      bool waits = false;
      for (const auto& other : stuck) waits = waits || related(eng, at, other);
      if (waits) {
        stuck.insert(at);
        continue;
      }
      HSE_PROP_FAIL(blocked_waits, "client " + std::to_string(client) + " journal entry " + e.to_json().dump() +
                                       " was not sent in a round with no fault but " + row.entity + " " + row.id +
                                       "'s refusals, and waits on no row it is related to");
    }
    if (check_blocked_waits(s, client) > 0) reach(Reached::blocked_checked);
  }
  // One row references the other, in any version this replica has (a row deleted
  // here is related by what it was).
  static bool related(engine::Engine& eng, const std::pair<std::string, std::string>& a,
                      const std::pair<std::string, std::string>& b) {
    auto refers = [&eng](const std::pair<std::string, std::string>& from, const std::pair<std::string, std::string>& to) {
      std::vector<json> versions;
      if (auto now = eng.get(from.first, from.second)) versions.push_back(*now);
      for (const auto& v : eng.history(from.first, from.second)) versions.push_back(v.row);
      for (const auto& r : versions)
        for (const auto& f : schema::entity(from.first).fields)
          if (f.references == to.first && r.is_object() && r.value(f.name, json()) == to.second) return true;
      return false;
    };
    return refers(a, b) || refers(b, a);
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " updates " << row.entity << " " << row.id << " " << patch.dump()
       << ", and the server refuses every write of that row with 500 through " << rounds << " rounds";
  }
};

// The client's token stops working in the middle of a round: from its `at`-th
// request on, the API answers every request 401. The round ends with `auth`, which
// is not transient (the app must sign in again); what it applied stays, nothing is
// lost, and once the token works again the next rounds finish the work (settle()).
struct TokenExpiry : Cmd {
  int client;
  int at;
  explicit TokenExpiry(const Model& m) {
    client = gen_client(m);
    at = *rc::gen::inRange(0, 30).as("the token expires at request");
  }
  void run(const Model&, Sut& s) const override {
    auto& t = *s.clients[client].transport;
    bool expired = false;
    t.arm(-1, false);
    t.hook_at = at;
    t.hook = [&s, &expired] {
      s.set_faults({{"rules", json::array({{{"method", "*"}, {"path", "/v2/*"}, {"status", 401}}})}});
      expired = true;
    };
    json report;
    try {
      report = s.sync(client);
    } catch (...) {
      s.set_faults(json::object());
      t.disarm();
      throw;
    }
    s.set_faults(json::object());
    t.disarm();
    if (!expired) return;  // the round made fewer requests
    if (report["ok"].get<bool>() || report["error"]["code"] != "auth" || report["error"]["transient"] != false)
      HSE_PROP_FAIL(step, "a round whose token expired at request " + std::to_string(at) +
                              " did not end with a non-transient auth error: " + report.dump());
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " syncs, and its token expires at request " << at << " (401 from then on)";
  }
};

// The client's disk fills up during a round: SQLite answers SQLITE_FULL once the
// replica would grow `room` pages past its size (the connection's max_page_count).
// The round either needs no more room or fails with `storage` (sync() throws it,
// as the replica failed); nothing acknowledged is lost, and once there is room again
// the next rounds finish the work (settle()).
// A storage fault through one round: the disk fills up (only 0 to 12 more pages,
// through max_page_count: SQLITE_FULL), or writes to the replica's files fail from
// the Nth on, once, a few times or until the round ends (the faulty VFS:
// SQLITE_IOERR_WRITE). The round must then fail with storage, or need no more
// writes than succeeded; what was acknowledged stays (the ledger checks it at the
// end), and the next rounds finish the work.
struct StorageFault : Cmd {
  enum class Kind { disk_full, io_error };
  int client;
  Kind kind = *rc::gen::element(Kind::disk_full, Kind::io_error).as("storage fault");
  int room = 0;      // disk_full: pages left
  int nth = 0;       // io_error: the first write that fails
  int count = 0;     // io_error: how many fail (-1: all)
  int push = *rc::gen::inRange(1, 9).as("push concurrency");
  json faults;
  explicit StorageFault(const Model& m) {
    client = gen_client(m);
    if (kind == Kind::disk_full) {
      room = *rc::gen::inRange(0, 12).as("pages of room");
    } else {
      nth = *rc::gen::inRange(1, 40).as("first failing write");
      count = *rc::gen::element(1, 3, -1).as("failing writes");
    }
    faults = *rc::gen::inRange(0, 3).as("faults too?") == 0 ? gen_faults(m.mode) : json::object();
  }
  void run(const Model&, Sut& s) const override {
    auto& st = *engine::internals(*s.clients[client].engine).state;
    auto set_room = [&st](const std::string& pages) {
      std::lock_guard lock(st.mu);
      st.db.exec("PRAGMA max_page_count = " + pages);
    };
    auto clear = [&] {
      if (kind == Kind::disk_full) set_room("1073741823");  // SQLite's default
      else test::disarm_io_errors();
    };
    if (kind == Kind::disk_full) {
      std::lock_guard lock(st.mu);
      auto q = st.db.prepare("PRAGMA page_count");
      RC_ASSERT(q->executeStep());
      const int64_t used = q->getColumn(0).getInt64();
      st.db.exec("PRAGMA max_page_count = " + std::to_string(used + room));
    } else {
      test::arm_io_errors(std::filesystem::weakly_canonical(s.clients[client].path).string(), nth, count);
    }
    try {
      run_round(s, client, faults, push);
    } catch (const Error& err) {
      const bool injected = kind == Kind::disk_full || test::io_errors_injected() > 0;
      clear();
      if (err.code() != Code::storage || !injected)
        HSE_PROP_FAIL(step, std::string("a round with ") + (kind == Kind::disk_full ? "a full disk" : "failing writes") +
                                " failed with " + err.what() + ", not storage");
      reach(kind == Kind::disk_full ? Reached::disk_full : Reached::io_error);
      return;
    }
    clear();
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " syncs (push concurrency " << push << ") with ";
    if (kind == Kind::disk_full) os << room << " pages of disk left";
    else os << "writes failing from the " << nth << "th, " << (count < 0 ? std::string("all") : std::to_string(count));
    os << ", faults " << faults.dump();
  }
};

// A client's clock goes back (by a millisecond up to a day) until its next round: the
// versions of its local writes meanwhile must stay in order (the history checks).
struct ClockBack : Cmd {
  int client;
  int64_t ms;
  explicit ClockBack(const Model& m) {
    client = gen_client(m);
    ms = *rc::gen::element<int64_t>(1, 1'000, 60'000, 86'400'000).as("ms back");
  }
  void run(const Model&, Sut& s) const override {
    auto& clock = *s.clients[client].clock;
    clock.set_behind(clock.behind() + ms);
  }
  void show(std::ostream& os) const override { os << "client " << client << "'s clock goes back " << ms << " ms"; }
};

struct Historicize : Cmd {
  std::string office;
  bool restore;
  explicit Historicize(const Model& m) {
    auto offices = m.of("office");
    RC_PRE(!offices.empty());
    office = pick(offices).id;
    restore = *rc::gen::arbitrary<bool>().as("restore");
  }
  void run(const Model&, Sut& s) const override {
    s.server("POST", restore ? "/_admin/restore" : "/_admin/historicize", {{"entity", "office"}, {"id", office}});
  }
  void show(std::ostream& os) const override { os << (restore ? "restore" : "historicize") << " office " << office; }
};

struct SetPolicy : Cmd {
  int client;
  json policies;
  explicit SetPolicy(const Model& m) {
    client = gen_client(m);
    policies = json::object();
    for (const char* e : {"project", "office", "action", "incident"})
      policies[e] = *rc::gen::element<std::string>("merge", "server_wins", "client_wins", "manual").as("policy");
    if (*rc::gen::inRange(0, 3).as("per-field?") == 0)
      policies["incident"] = {{"*", policies["incident"]}, {"description", "client_wins"}};
  }
  void apply(Model& m) const override { m.policies[client] = policies; }
  void run(const Model&, Sut& s) const override {
    s.clients[client].policies = policies;
    s.reopen(client);
  }
  void show(std::ostream& os) const override { os << "client " << client << " reopens with policies " << policies.dump(); }
};

inline auto command_generator() {
  return rc::state::gen::execOneOfWithArgs<LocalCreate, LocalCreate, LocalCreate, LocalUpdate, LocalUpdate,
                                           LocalUpdate, LocalDelete, ServerEdit, ServerEdit, SyncRound, SyncRound,
                                           SyncRound, SyncRound, CrashRound, PoisonRound, TokenExpiry, StorageFault,
                                           ClockBack, Historicize, SetPolicy>();
}

// The model for a fresh Sut: the seeded project and office.
Model initial_model(const Sut& s);
// Creates the seeded rows on the server (acknowledged by "another API user").
void seed_server(Sut& s, Model& m);

// One history: a fresh world, a drawn command sequence, then the properties.
void run_history(Mode mode, int clients);

}  // namespace hse::prop
