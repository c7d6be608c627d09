// The rc::state model and commands of the status-page property tests
// (statuspage_sim.hpp). The model holds what the generator needs: the incidents'
// tags and who created them, the comments' tags, the number of clients. Ids are the
// world's business (a client's incident has a local id until its create is pushed).
// Outcomes are checked by check_statuspage, against the world's ledger.
#pragma once

#include <rapidcheck/state.h>

#include <ostream>

#include "tests/property/commands.hpp"
#include "tests/property/statuspage_sim.hpp"

namespace hse::prop::sp {

struct MIncident {
  std::string tag;
  int creator = -1;
};

struct Model {
  int clients = 2;
  std::vector<MIncident> incidents;
  std::optional<std::string> last_server_edit;  // the incident another API user last updated
  bool has(const std::string& tag) const {
    for (const auto& i : incidents)
      if (i.tag == tag) return true;
    return false;
  }
};

using Cmd = rc::state::Command<Model, SpWorld>;

inline std::string gen_tag() { return gen_uuid().substr(0, 13); }
inline int gen_client(const Model& m) { return *rc::gen::inRange(0, m.clients).as("client"); }
inline std::string gen_incident(const Model& m) { return (*rc::gen::elementOf(m.incidents).as("incident")).tag; }
inline std::string gen_datetime() {
  return *rc::gen::element<std::string>("2026-11-28T09:30", "2026-11-28T10:15", "2026-11-29T08:00").as("date");
}

// An incident create body; `ref`: 0 no external_reference, 1 "" (the engine fills
// both with its own), 2 the app's own (unique per create).
inline json gen_incident_body(const std::string& tag, bool valid) {
  json b = {{"scope", *rc::gen::inRange(1, 4).as("scope")},
            {"service", *rc::gen::inRange(1, 4).as("service")},
            {"name", gen_name()},
            {"severity", valid ? *rc::gen::element<std::string>("critical", "high", "low").as("severity") : "bad"},
            {"start_impact_date", gen_datetime()}};
  if (*rc::gen::arbitrary<bool>().as("description?")) b["description"] = gen_text();
  int ref = *rc::gen::inRange(0, 3).as("external_reference");
  if (ref == 1) b["external_reference"] = "";
  if (ref == 2) b["external_reference"] = "app-" + tag;
  if (*rc::gen::inRange(0, 3).as("link?") == 0) b["external_link"] = "https://status.example/" + tag;
  return b;
}

// A valid incident patch: a state transition (its date set, the others cleared), or
// name/description/severity edits.
inline json gen_incident_patch() {
  int k = *rc::gen::inRange(0, 5).as("patch kind");
  if (k <= 1) {
    std::string s = *rc::gen::element<std::string>("active", "investigating", "stable", "resolved").as("status");
    auto date = [&](const char* status) { return s == status ? json(gen_datetime()) : json(); };
    return {{"status", s}, {"investigation_date", date("investigating")}, {"stable_date", date("stable")},
            {"resolve_date", date("resolved")}};
  }
  if (k == 2) return {{"description", gen_text()}};
  if (k == 3) return {{"name", gen_name()}, {"description", gen_text()}};
  return {{"severity", *rc::gen::element<std::string>("critical", "moderate", "minor").as("severity")}};
}

// ------------------------------------------------------------------------------

struct CreateIncident : Cmd {
  int client;
  bool valid;
  std::string tag;
  json body;
  explicit CreateIncident(const Model& m) {
    client = gen_client(m);
    valid = *rc::gen::inRange(0, 8).as("valid?") != 0;
    tag = gen_tag();
    body = gen_incident_body(tag, valid);
  }
  void apply(Model& m) const override {
    if (valid && !m.has(tag)) m.incidents.push_back({tag, client});
  }
  void run(const Model&, SpWorld& w) const override {
    if (w.incidents.count(tag)) return;  // a shrunk tag repeating
    auto& e = *w.sut.clients[client].engine;
    json row;
    try {
      row = e.create("statuspage_incident", body);
    } catch (const Error&) {
      RC_ASSERT(!valid);
      return;
    }
    RC_ASSERT(valid);
    json fields = json::object();
    for (auto it = body.begin(); it != body.end(); ++it) fields[it.key()] = it.value();
    fields["external_reference"] = row["external_reference"];
    w.incidents[tag] = {client, row["id"].get<std::string>(), "", row["external_reference"].get<std::string>()};
    w.ack(client, "create", "statuspage_incident", tag, fields);
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " creates incident " << tag << " " << body.dump();
  }
};

struct CreateComment : Cmd {
  int client;
  std::string incident, tag;
  bool internal;
  bool by_local_id;  // names the incident by the local id it was created under, even once mapped
  explicit CreateComment(const Model& m) {
    RC_PRE(!m.incidents.empty());
    client = gen_client(m);
    incident = gen_incident(m);
    tag = gen_tag();
    internal = *rc::gen::arbitrary<bool>().as("internal");
    by_local_id = *rc::gen::inRange(0, 4).as("by its local id?") == 0;
  }
  void run(const Model&, SpWorld& w) const override {
    if (w.comments.count(tag)) return;
    auto id = w.incident_id_for(client, incident);
    if (!id) return;  // this client cannot know the incident yet
    auto& e = *w.sut.clients[client].engine;
    if (!by_local_id)
      if (auto row = e.get("statuspage_incident", *id)) id = (*row)["id"].get<std::string>();
    const std::string text = "c-" + tag;
    json row;
    try {
      row = e.create("statuspage_comment", {{"incident", *id}, {"comment", text}, {"internal", internal}});
    } catch (const Error&) {
      return;  // the incident is not (or no longer) in this replica
    }
    w.comments[tag] = {client, incident, row["id"].get<std::string>(), text, internal};
    w.ack(client, "create", "statuspage_comment", tag, {{"comment", text}, {"internal", internal}});
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " comments on incident " << incident << (by_local_id ? " (by its local id)" : "")
       << ": c-" << tag << (internal ? " (internal)" : "");
  }
};

struct UpdateIncident : Cmd {
  int client;
  std::string incident;
  json patch;
  explicit UpdateIncident(const Model& m) {
    RC_PRE(!m.incidents.empty());
    client = gen_client(m);
    incident = m.last_server_edit && *rc::gen::inRange(0, 3).as("the incident edited on the server?") == 0
                   ? *m.last_server_edit
                   : gen_incident(m);
    patch = gen_incident_patch();
  }
  void run(const Model&, SpWorld& w) const override { local_update(w, client, incident, patch); }
  static void local_update(SpWorld& w, int client, const std::string& incident, const json& patch) {
    auto id = w.incident_id_for(client, incident);
    if (!id) return;
    auto& e = *w.sut.clients[client].engine;
    std::optional<json> before = e.get("statuspage_incident", *id);
    try {
      e.update("statuspage_incident", *id, patch);
    } catch (const Error&) {
      RC_ASSERT(e.get("statuspage_incident", *id) == before);  // a refused write changes nothing
      return;
    }
    json changed = json::object();
    for (auto it = patch.begin(); it != patch.end(); ++it)
      if (!before || before->value(it.key(), json()) != it.value()) changed[it.key()] = it.value();
    if (!changed.empty()) w.ack(client, "update", "statuspage_incident", incident, changed);
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " updates incident " << incident << " " << patch.dump();
  }
};

struct DeleteIncident : Cmd {
  int client;
  std::string incident;
  bool cascade;
  explicit DeleteIncident(const Model& m) {
    RC_PRE(!m.incidents.empty());
    client = gen_client(m);
    incident = gen_incident(m);
    cascade = *rc::gen::inRange(0, 4).as("cascade") != 0;
  }
  void run(const Model&, SpWorld& w) const override {
    auto id = w.incident_id_for(client, incident);
    if (!id) return;
    try {
      w.sut.clients[client].engine->remove("statuspage_incident", *id, cascade);
    } catch (const Error&) {
      return;
    }
    const SpIncident& inc = w.incidents.at(incident);
    w.ack(client, "delete", "statuspage_incident", incident, nullptr, inc.creator == client ? "" : *id);
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " deletes incident " << incident << (cascade ? " (cascade)" : "");
  }
};

// Another API user's write, straight to the server (unfaulted).
struct ServerWrite {
  int kind = 0;  // 0 create incident, 1 update incident, 2 comment, 3 delete incident
  std::string tag;       // the incident (1, 2, 3) or the new row (0, 2: the comment)
  std::string incident;  // 2: the incident commented on
  json body;
  bool internal = false;

  static ServerWrite gen(const Model& m) {
    ServerWrite w;
    w.kind = m.incidents.empty() ? 0 : *rc::gen::element(0, 1, 1, 2, 2, 3).as("server write kind");
    if (w.kind == 0) {
      w.tag = gen_tag();
      w.body = gen_incident_body(w.tag, true);
      w.body["external_reference"] = "srv-" + w.tag;
    } else if (w.kind == 1) {
      w.tag = gen_incident(m);
      w.body = gen_incident_patch();
    } else if (w.kind == 2) {
      w.incident = gen_incident(m);
      w.tag = gen_tag();
      w.internal = *rc::gen::arbitrary<bool>().as("internal");
    } else {
      w.tag = gen_incident(m);
    }
    return w;
  }
  void apply(Model& m) const {
    if (kind == 0 && !m.has(tag)) m.incidents.push_back({tag, -1});
    if (kind == 1) m.last_server_edit = tag;
  }
  // Snapshots bracket the write: whatever changed the server between the last snapshot
  // and this one is the running round's client's push (if any).
  void run(SpWorld& w) const {
    w.snapshot(w.round_client);
    write(w);
    w.snapshot(-1);
  }
  void write(SpWorld& w) const {
    Sut& s = w.sut;
    if (kind == 0) {
      if (w.incidents.count(tag)) return;
      auto r = s.server("POST", "/incident/create", body);
      RC_ASSERT(r.status == 201);
      w.incidents[tag] = {-1, "", std::to_string(json::parse(r.body).at("id").get<int64_t>()), "srv-" + tag};
      w.ack(-1, "create", "statuspage_incident", tag, body);
      return;
    }
    if (kind == 2 && w.comments.count(tag)) return;
    auto id = w.server_incident_id(kind == 2 ? incident : tag);
    if (!id) return;  // not on the server yet
    if (kind == 1) {
      auto before = s.server("GET", "/incident/" + *id);
      if (before.status != 200) return;
      json row = json::parse(before.body);
      row.erase("comments");
      json changed = json::object();
      for (auto it = body.begin(); it != body.end(); ++it) {
        if (row.value(it.key(), json()) != it.value()) changed[it.key()] = it.value();
        row[it.key()] = it.value();
      }
      auto r = s.server("POST", "/incident/" + *id + "/update", row);
      if (r.status != 200) RC_FAIL("another API user's update refused: " + r.body + " for " + row.dump());
      if (!changed.empty()) w.ack(-1, "update", "statuspage_incident", tag, changed);
    } else if (kind == 2) {
      const std::string text = "c-" + tag;
      auto r = s.server("POST", "/incident/" + *id + "/comment", {{"comment", text}, {"internal", internal ? 1 : 0}});
      if (r.status != 201) return;  // the incident is gone
      w.comments[tag] = {-1, incident, "", text, internal};
      w.ack(-1, "create", "statuspage_comment", tag, {{"comment", text}, {"internal", internal}});
    } else {
      auto r = s.server("POST", "/incident/" + *id + "/delete");
      if (r.status == 200) w.ack(-1, "delete", "statuspage_incident", tag, nullptr, *id);
    }
  }
  std::string show() const {
    if (kind == 0) return "creates incident " + tag + " " + body.dump();
    if (kind == 1) return "updates incident " + tag + " " + body.dump();
    if (kind == 2) return "comments on incident " + incident + ": c-" + tag + (internal ? " (internal)" : "");
    return "deletes incident " + tag;
  }
};

struct ServerEdit : Cmd {
  ServerWrite w;
  explicit ServerEdit(const Model& m) : w(ServerWrite::gen(m)) {}
  void apply(Model& m) const override { w.apply(m); }
  void run(const Model&, SpWorld& world) const override { w.run(world); }
  void show(std::ostream& os) const override { os << "another API user " << w.show(); }
};

// One round of `client` under `faults`, bracketed by snapshots (SpWorld::round_start);
// the round counts as having pulled only if its report is ok.
inline void sp_round(SpWorld& w, int client, const json& faults, int push) {
  Sut& s = w.sut;
  engine::internals(*s.clients[client].engine).push_concurrency = push;
  w.round_start(client);
  if (!faults.empty()) s.set_faults(faults);
  bool ok = false;
  try {
    ok = s.sync(client).value("ok", false);
  } catch (...) {
    s.set_faults(json::object());
    w.round_end(false);
    throw;
  }
  s.set_faults(json::object());
  w.round_end(ok);
}

struct SyncRound : Cmd {
  int client;
  json faults;
  int push = *rc::gen::inRange(1, 9).as("push concurrency");
  // The answers of the first `lose` POSTs to `lose_of` are lost (the server applied them).
  int lose = 0;
  std::string lose_of;
  // A write lands before this request: another API user's, or (local_edit) the
  // syncing client's own user editing an incident meanwhile.
  std::optional<int> edit_at;
  bool before_create = false;  // the local edit lands just before the first POST /incident/create
  ServerWrite sw;
  bool local_edit = false;
  std::string local_incident;
  json local_patch;
  explicit SyncRound(const Model& m) {
    client = gen_client(m);
    faults = gen_faults(Mode::in_process);
    if (*rc::gen::inRange(0, 2).as("lose answers?") == 0) {
      lose = *rc::gen::inRange(1, 3).as("answers lost");
      lose_of = *rc::gen::element<std::string>("/incident/create", "/comment", "/update", "/delete").as("of");
    }
    int concurrent = m.incidents.empty() ? 0 : *rc::gen::inRange(0, 4).as("concurrent edit?");
    if (concurrent == 1) {
      edit_at = *rc::gen::inRange(0, 20).as("edit at request");
      sw = ServerWrite::gen(m);
    } else if (concurrent == 2) {
      edit_at = *rc::gen::inRange(0, 20).as("edit at request");
      before_create = *rc::gen::arbitrary<bool>().as("before the create?");
      local_edit = true;
      local_incident = m.last_server_edit && *rc::gen::arbitrary<bool>().as("the incident edited on the server?")
                           ? *m.last_server_edit
                           : gen_incident(m);
      local_patch = gen_incident_patch();
    }
  }
  void apply(Model& m) const override {
    if (edit_at && !local_edit) sw.apply(m);
  }
  void run(const Model&, SpWorld& w) const override {
    auto& t = *w.sut.clients[client].transport;
    t.arm(-1, false);
    t.lose_answers = lose;
    t.lose_answer_of = lose_of;
    if (edit_at && local_edit) {
      t.hook_at = *edit_at;
      if (before_create) t.hook_before = "/incident/create";
      t.hook = [&w, c = client, i = local_incident, p = local_patch] { UpdateIncident::local_update(w, c, i, p); };
    } else if (edit_at) {
      t.hook_at = *edit_at;
      if (sw.kind == 1 || sw.kind == 3)
        t.find_hook_id = [&w, tag = sw.tag] { return w.server_incident_id(tag).value_or(""); };
      t.hook = [&w, s = sw] { s.run(w); };
    }
    sp_round(w, client, faults, push);
    t.disarm();
    check_statuspage(w, false);
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " syncs, faults " << faults.dump();
    if (lose) os << ", the answers of " << lose << " POST " << lose_of << " lost";
    if (edit_at && local_edit)
      os << ", before " << (before_create ? "the first incident create" : "request " + std::to_string(*edit_at))
         << " its user updates incident " << local_incident << " " << local_patch.dump();
    else if (edit_at)
      os << ", before request " << *edit_at << " another API user " << sw.show();
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
    at = *rc::gen::inRange(0, 25).as("crash at request");
    after = *rc::gen::arbitrary<bool>().as("after the server handled it");
    faults = *rc::gen::inRange(0, 3).as("faults too?") == 0 ? gen_faults(Mode::in_process) : json::object();
  }
  void run(const Model&, SpWorld& w) const override {
    w.sut.clients[client].transport->arm(at, after);
    try {
      sp_round(w, client, faults, push);
    } catch (const Crash&) {
    }
    w.sut.crash(client);  // killed mid-round (or just after it), reopened from its file
    check_statuspage(w, false);
  }
  void show(std::ostream& os) const override {
    os << "client " << client << " crashes at request " << at << (after ? " after" : " before")
       << " the server handled it, faults " << faults.dump();
  }
};

struct SetPolicy : Cmd {
  int client;
  std::string policy;
  explicit SetPolicy(const Model& m) {
    client = gen_client(m);
    policy = *rc::gen::element<std::string>("merge", "server_wins", "client_wins", "manual").as("policy");
  }
  void run(const Model&, SpWorld& w) const override {
    w.sut.clients[client].policies = {{"statuspage_incident", policy}};
    w.sut.reopen(client);
  }
  void show(std::ostream& os) const override { os << "client " << client << " reopens with policy " << policy; }
};

inline auto command_generator() {
  return rc::state::gen::execOneOfWithArgs<CreateIncident, CreateIncident, CreateComment, CreateComment,
                                           UpdateIncident, UpdateIncident, DeleteIncident, ServerEdit, ServerEdit,
                                           SyncRound, SyncRound, SyncRound, SyncRound, CrashRound, CrashRound,
                                           SetPolicy>();
}

// One history: a fresh world, a drawn command sequence, then the properties.
void run_history(int clients);

}  // namespace hse::prop::sp
