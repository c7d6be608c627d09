#include "tests/property/statuspage_sim.hpp"

#include <cstdlib>
#include <set>

namespace hse::prop {

namespace {

const char* kIncident = "statuspage_incident";
const char* kComment = "statuspage_comment";

// An incident's status and its state dates: a transition sets its date and clears the
// later ones, so the server refuses them together and a decision on one decides all.
bool state_field(const std::string& f) {
  return f == "status" || f == "investigation_date" || f == "stable_date" || f == "resolve_date";
}

std::string who(int writer) { return writer < 0 ? "server user" : "client " + std::to_string(writer); }

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') out += static_cast<char>(c);
    else out += std::string("%") + hex[c >> 4] + hex[c & 15];
  }
  return out;
}

bool is_server_id(const json& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

json id_text(const json& v) { return v.is_number_integer() ? json(std::to_string(v.get<int64_t>())) : v; }

// With HSE_SP_DEBUG=1: every client's history of incident `id` and its journal.
std::string debug_rows(Sut& sut, const std::string& id) {
  std::string dbg;
  if (!std::getenv("HSE_SP_DEBUG")) return dbg;
  for (size_t i = 0; i < sut.clients.size(); ++i) {
    try {
      for (const auto& v : sut.clients[i].engine->history(kIncident, id)) dbg += "\n c" + std::to_string(i) + " " + v.to_json().dump();
    } catch (const std::exception& e) {
      dbg += "\n c" + std::to_string(i) + " history: " + e.what();
    }
    for (const auto& j : sut.clients[i].engine->journal()) dbg += "\n j" + std::to_string(i) + " " + j.to_json().dump();
  }
  return dbg;
}

}  // namespace

json SpWorld::incident_row(const json& wire) {
  json row = json::object();
  for (const auto& f : schema::entity(kIncident).fields) row[f.name] = wire.value(f.name, json());
  row["id"] = id_text(row["id"]);
  return row;
}

json SpWorld::comment_row(const json& wire) {
  json row = json::object();
  for (const auto& f : schema::entity(kComment).fields) row[f.name] = wire.value(f.name, json());
  row["id"] = id_text(row["id"]);
  row["incident"] = id_text(row["incident"]);
  if (row["internal"].is_number_integer()) row["internal"] = row["internal"].get<int>() == 1;
  return row;
}

std::map<std::string, json> SpWorld::server_incidents() {
  std::map<std::string, json> out;
  for (int page = 1;; ++page) {
    auto r = sut.server("GET", "/incident?per_page=100&page=" + std::to_string(page));
    if (r.status != 200) throw std::runtime_error("incident list: " + std::to_string(r.status) + " " + r.body);
    json items = json::parse(r.body);
    if (items.empty()) break;
    for (const auto& wire : items) {
      json row = incident_row(wire);
      out[row["id"].get<std::string>()] = row;
    }
  }
  return out;
}

std::map<std::string, json> SpWorld::server_comments() {
  std::map<std::string, json> out;
  for (const auto& [id, incident] : server_incidents()) {
    auto r = sut.server("GET", "/incident/" + id);
    if (r.status != 200) throw std::runtime_error("incident view " + id + ": " + std::to_string(r.status) + " " + r.body);
    const json view = json::parse(r.body);
    for (const auto& wire : view.at("comments")) {
      json row = comment_row(wire);
      out[row["id"].get<std::string>()] = row;
    }
  }
  return out;
}

std::optional<std::string> SpWorld::server_incident_id(const std::string& tag) {
  auto it = incidents.find(tag);
  if (it == incidents.end()) return std::nullopt;
  auto r = sut.server("GET", "/incident?per_page=100&external_reference=" + url_encode(it->second.external_reference));
  if (r.status != 200) throw std::runtime_error("incident list: " + std::to_string(r.status) + " " + r.body);
  json items = json::parse(r.body);
  if (!items.empty()) return std::to_string(items[0].at("id").get<int64_t>());
  if (!it->second.server_id.empty()) return it->second.server_id;  // deleted: its id all the same
  return std::nullopt;
}

void SpWorld::promote_seen_ids() {
  for (const auto& [tag, seen] : seen_ids) {
    const SpIncident& inc = incidents.at(tag);
    std::optional<json> row;
    try {
      row = sut.clients[inc.creator].engine->get(kIncident, inc.local_id);
    } catch (const std::exception&) {
    }
    if (row && row->value("id", json()) == seen.second) create_known.emplace(tag, seen);
  }
  seen_ids.clear();
}

std::optional<std::string> SpWorld::incident_id_for(int client, const std::string& tag) {
  auto it = incidents.find(tag);
  if (it == incidents.end()) return std::nullopt;
  if (it->second.creator == client) return it->second.local_id;
  return server_incident_id(tag);
}

SpWorld::SpWorld(int clients, uint64_t seed) : sut(Mode::in_process, clients, seed, RemoteKind::statuspage) {
  for (size_t k = 0; k < sut.clients.size(); ++k)
    sut.clients[k].transport->observe = [this, k = static_cast<int>(k)](const http::Request& r,
                                                                           const http::Response& resp, bool delivered) {
      if (delivered && resp.status / 100 == 2 && r.target.find("/incident") == 0) {
        // The server's id of a client's incident reaching its client.
        json answer = json::parse(resp.body, nullptr, false);
        std::vector<json> rows;
        if (r.method == "POST" && r.target == "/incident/create" && answer.is_object()) rows.push_back(answer);
        if (r.method == "GET" && r.target.find("external_reference=") != std::string::npos && answer.is_array())
          rows.assign(answer.begin(), answer.end());
        for (const auto& row : rows)
          for (const auto& [tag, inc] : incidents)
            if (inc.creator == k && row.value("external_reference", json()) == inc.external_reference &&
                row.value("id", json()).is_number_integer())
              seen_ids.emplace(tag, std::make_pair(ack_seq, std::to_string(row["id"].get<int64_t>())));
      }
      if (resp.status != 404 || r.method != "POST" || r.target.find("/comment") == std::string::npos) return;
      json body = json::parse(r.body, nullptr, false);
      if (!body.is_object() || !body.value("comment", json()).is_string()) return;
      for (const auto& [tag, c] : comments) {
        if (c.text != body["comment"].get<std::string>()) continue;
        refused.insert(tag);
        auto it = incidents.find(c.incident);
        if (it == incidents.end()) continue;
        auto list = sut.server("GET", "/incident?per_page=100&external_reference=" + url_encode(it->second.external_reference));
        if (list.status == 200 && !json::parse(list.body).empty()) refused_while_present.insert(tag);
      }
    };
}

void SpWorld::snapshot(int by) {
  std::map<std::string, std::string> tag_of_ref;
  for (const auto& [tag, inc] : incidents) tag_of_ref[inc.external_reference] = tag;
  SpSnapshot snap;
  snap.seq = ++ack_seq;
  snap.by = by;
  for (auto& [id, row] : server_incidents()) {
    auto t = tag_of_ref.find(row.value("external_reference", json()).is_string() ? row["external_reference"].get<std::string>() : "");
    if (t != tag_of_ref.end()) snap.incidents[t->second] = std::move(row);
  }
  snapshots.push_back(std::move(snap));
}

void check_statuspage(SpWorld& w, bool final) {
  Sut& sut = w.sut;
  if (final) settle(sut);
  const int n = static_cast<int>(sut.clients.size());

  const auto S_inc = w.server_incidents();
  const auto S_com = w.server_comments();

  // Tags by what finds them on the server.
  std::map<std::string, std::string> tag_of_ref, tag_of_text;
  for (const auto& [tag, inc] : w.incidents) tag_of_ref[inc.external_reference] = tag;
  for (const auto& [tag, c] : w.comments) tag_of_text[c.text] = tag;
  std::map<std::string, std::string> server_id_of_incident, server_id_of_comment;  // tag -> id

  // 1. No create twice: every incident on the server is somebody's create (its
  // external_reference names it), each at most once; every comment likewise by its text.
  // One documented exception (README.md "Server-assigned ids"): an incident created
  // with the app's own external_reference is found again after a lost answer only if
  // it still matches every field the create sent. If someone else edited one of those
  // fields on the orphan before its creator learned its id, the retried create finds
  // nothing and creates it again: both copies stay, and a write is kept if either copy
  // has it. (With the engine's "hsesync:" reference the orphan is always found.)
  std::map<std::string, std::vector<std::string>> copies;  // tag -> its ids, when it exists twice
  auto orphan_edited = [&](const std::string& tag) {
    const SpIncident& inc = w.incidents.at(tag);
    if (inc.creator < 0 || inc.external_reference.rfind("hsesync:", 0) == 0) return false;
    const SpAck* create = nullptr;
    for (const auto& a : w.acks)
      if (a.op == "create" && a.entity == kIncident && a.tag == tag) create = &a;
    if (!create) return false;
    auto known = w.create_known.find(tag);
    for (const auto& b : w.acks) {
      if (b.writer == inc.creator || b.op != "update" || b.entity != kIncident || b.tag != tag) continue;
      if (known != w.create_known.end() && b.seq > known->second.first) continue;
      for (auto f = b.fields.begin(); f != b.fields.end(); ++f)
        if (f.key() != "external_reference" && create->fields.contains(f.key())) return true;
    }
    return false;
  };
  auto is_copy = [&](const std::string& tag, const json& id) {
    auto c = copies.find(tag);
    if (c == copies.end()) return false;
    for (const auto& one : c->second)
      if (id == one) return true;
    return false;
  };
  for (const auto& [id, row] : S_inc) {
    const std::string ref = row.value("external_reference", json()).is_string() ? row["external_reference"].get<std::string>() : "";
    auto t = tag_of_ref.find(ref);
    if (t == tag_of_ref.end()) HSE_PROP_FAIL(no_duplicate, "incident " + id + " is on the server but nobody created it: " + row.dump());
    auto [it, fresh] = server_id_of_incident.emplace(t->second, id);
    if (fresh) continue;
    if (!orphan_edited(t->second))
      HSE_PROP_FAIL(no_duplicate, "incident '" + ref + "' (tag " + t->second + ") exists twice on the server: " + it->second + " and " + id);
    // The creator's copy is the later create (ids grow); the other is the orphan.
    auto& all = copies[t->second];
    if (all.empty()) all.push_back(it->second);
    all.push_back(id);
    if (std::stoll(id) > std::stoll(it->second)) it->second = id;
  }
  for (const auto& [id, row] : S_com) {
    auto t = tag_of_text.find(row.value("comment", ""));
    if (t == tag_of_text.end()) HSE_PROP_FAIL(no_duplicate, "comment " + id + " is on the server but nobody created it: " + row.dump());
    auto [it, fresh] = server_id_of_comment.emplace(t->second, id);
    if (!fresh)
      HSE_PROP_FAIL(no_duplicate, "comment '" + row["comment"].get<std::string>() + "' exists twice on the server: " + it->second + " and " + id);
    // 3. It hangs under the incident its writer created it for.
    const auto& c = w.comments.at(t->second);
    auto want = server_id_of_incident.find(c.incident);
    if (want == server_id_of_incident.end() || (row["incident"] != want->second && !is_copy(c.incident, row["incident"])))
      HSE_PROP_FAIL(mapping, who(c.creator) + "'s comment '" + c.text + "' (" + id + ") is under incident " + row["incident"].dump() +
              ", not under incident " + c.incident + " it was written for (" +
              (want == server_id_of_incident.end() ? std::string("not on the server") : want->second) + ")");
  }
  if (!final) return;

  // Journals: empty but for rejected entries (with the server's reasons) and the
  // entries blocked behind them; such rows are left out of the comparisons.
  std::vector<std::set<std::pair<std::string, std::string>>> held(n);
  for (int i = 0; i < n; ++i) {
    HSE_PROP_ASSERT(drained, sut.clients[i].engine->conflicts().empty());
    for (const auto& entry : sut.clients[i].engine->journal()) {
      std::string where = "client " + std::to_string(i) + " journal entry " + entry.to_json().dump();
      if (entry.state != engine::journal::State::rejected && entry.state != engine::journal::State::blocked)
        HSE_PROP_FAIL(drained, "journal not empty after two clean rounds: " + where);
      if (entry.state == engine::journal::State::rejected && !entry.errors.is_array())
        HSE_PROP_FAIL(rejection_earned, "a rejection without the server's reasons: " + where);
      // Every create the commands make is valid, and so is every patch alone: the
      // server may only refuse a row that concurrent state changes merged into an
      // invalid mix of status and dates. Anything else is a write sent wrong (to an
      // id that is not the server's, say) and then parked as "rejected".
      // One exception: a comment whose incident another user (or client) deleted before
      // the comment's create reached the server is refused for its `incident` (the
      // server no longer has it). Then the server must really have answered 404 to
      // the comment's POST, at a moment its incident was on the server under no id
      // (the transport looks when it sees the 404; the incident may come back later,
      // re-created by a client_wins edit), and someone else than the comment's writer
      // must have deleted the incident.
      if (entry.state == engine::journal::State::rejected && entry.entity == kComment &&
          entry.op == engine::journal::Op::create) {
        const SpComment* c = nullptr;
        std::string tag;
        for (const auto& [t, comment] : w.comments)
          if (comment.creator == i && comment.local_id == entry.id) c = &comment, tag = t;
        if (!c) HSE_PROP_FAIL(rejection_earned, "a comment create nobody made was refused: " + where);
        for (const auto& err : entry.errors)
          if (err.value("field", "") != "incident")
            HSE_PROP_FAIL(rejection_earned, "a comment create refused for something else than its incident: " + where);
        if (!w.refused.count(tag))
          HSE_PROP_FAIL(rejection_earned, "a comment create marked refused, but the server never refused it: " + where);
        if (w.refused_while_present.count(tag))
          HSE_PROP_FAIL(rejection_earned, "a comment create refused while its incident " + c->incident + " was on the server: " + where);
        bool deleted_by_other = false;
        for (const auto& a : w.acks)
          deleted_by_other = deleted_by_other ||
                             (a.op == "delete" && a.entity == kIncident && a.tag == c->incident && a.writer != i);
        if (!deleted_by_other)
          HSE_PROP_FAIL(rejection_earned, "a comment create refused, but nobody else deleted its incident " + c->incident + ": " + where);
      } else if (entry.state == engine::journal::State::rejected) {
        if (entry.entity != kIncident || entry.op != engine::journal::Op::update)
          HSE_PROP_FAIL(rejection_earned, "a valid write was refused by the server: " + where);
        for (const auto& err : entry.errors) {
          const std::string f = err.value("field", "");
          if (!state_field(f))
            HSE_PROP_FAIL(rejection_earned, "an update refused for something else than its state: " + where);
        }
      }
      held[i].insert({entry.entity, entry.id});
      sut.listed.emplace_back(entry.entity, entry.id);
    }
  }
  // Blocked entries wait for a row the server refused: a comment's incident, or the
  // row itself (a later entry of a row whose earlier entry was refused waits behind it).
  int blocked = 0;
  for (int i = 0; i < n; ++i) blocked += check_blocked_waits(sut, i);
  RC_CLASSIFY(blocked > 0, "blocked entries checked");

  // 4. Every replica equals the server, every field; 3. no replica row keeps a local id.
  std::vector<std::map<std::string, std::map<std::string, json>>> local(n);
  for (int i = 0; i < n; ++i) {
    auto& eng = *sut.clients[i].engine;
    for (const char* name : {kIncident, kComment}) {
      const schema::Entity& e = schema::entity(name);
      const auto& S = std::string(name) == kIncident ? S_inc : S_com;
      auto& L = local[i][name];
      for (auto& row : sut.local_rows(eng, name)) L[row.at("id").get<std::string>()] = row;
      const std::string at = "client " + std::to_string(i) + " " + name + " ";
      for (const auto& [id, srow] : S) {
        if (held[i].count({name, id})) continue;
        auto it = L.find(id);
        if (it == L.end())
          HSE_PROP_FAIL(convergence, at + id + ": the server has it, the replica does not: " + srow.dump() + debug_rows(sut, id));
        for (const auto& f : e.fields) {
          json lv = it->second.value(f.name, json());
          json sv = srow.value(f.name, json());
          if (lv != sv)
            HSE_PROP_FAIL(convergence, at + id + "." + f.name + " = " + lv.dump() + " but the server has " + sv.dump());
        }
      }
      for (const auto& [id, lrow] : L) {
        if (held[i].count({name, id})) continue;
        if (!is_server_id(json(id))) HSE_PROP_FAIL(mapping, at + id + " still has a local id after convergence: " + lrow.dump());
        if (!S.count(id)) HSE_PROP_FAIL(convergence, at + id + ": the replica has it, the server does not: " + lrow.dump());
      }
    }
  }

  // History: in order, the current row its open version, and each of a client's
  // acknowledged local writes a local version of the row it named, in order.
  for (int i = 0; i < n; ++i) {
    auto& eng = *sut.clients[i].engine;
    std::map<std::pair<std::string, std::string>, std::vector<LocalWrite>> writes;
    for (const auto& a : w.acks)
      if (a.writer == i && !a.id.empty()) writes[{a.entity, a.id}].push_back({a.seq, a.op, a.fields});
    for (const char* name : {kIncident, kComment})
      for (const auto& [id, row] : local[i][name]) writes.try_emplace({name, id});
    for (const auto& [key, ws] : writes) {
      const auto& [name, id] = key;
      check_row_history("client " + std::to_string(i) + " history of " + name + " " + id, schema::entity(name),
                        eng.history(name, id), eng.get(name, id), ws);
    }
  }

  // Ids (local and server) -> tags, for the conflicts and rejections the app was shown.
  std::map<std::pair<std::string, std::string>, std::string> tag_of_id;
  for (const auto& [tag, inc] : w.incidents) {
    if (!inc.local_id.empty()) tag_of_id[{kIncident, inc.local_id}] = tag;
    if (!inc.server_id.empty()) tag_of_id[{kIncident, inc.server_id}] = tag;
  }
  for (const auto& [tag, id] : server_id_of_incident) tag_of_id[{kIncident, id}] = tag;
  for (const auto& [tag, c] : w.comments)
    if (!c.local_id.empty()) tag_of_id[{kComment, c.local_id}] = tag;
  for (const auto& [tag, id] : server_id_of_comment) tag_of_id[{kComment, id}] = tag;
  // Rows with an entry the server refused or a conflict the app was shown: the whole
  // row's writes are excused (the journal and the conflict list show them).
  std::set<std::pair<std::string, std::string>> recorded;  // entity, tag
  auto note = [&](const std::string& ent, const std::string& id) {
    auto t = tag_of_id.find({ent, id});
    if (t != tag_of_id.end()) recorded.insert({ent, t->second});
  };
  for (const auto& [ent, id] : sut.listed) note(ent, id);
  // A decision recorded in a client's history (a version of origin conflict or
  // resolution) excuses less: only the fields it decided (every field when it decided
  // the row's existence), only a value one of its sides holds (the value lost is in
  // history for the app to see), and only a write of the side it decided against.
  struct Decided {
    int client;
    std::string field;  // "" the row's existence: every field, and the delete
    std::vector<json> sides;
    std::string lost;   // "local": client's own writes; "remote": everyone else's; "": either
  };
  std::map<std::string, std::vector<Decided>> decided;  // incident tag -> decisions
  auto note_decision = [&](int i, const std::string& id, const engine::store::Version& v) {
    auto t = tag_of_id.find({kIncident, id});
    const json& d = v.detail;
    if (t == tag_of_id.end() || !d.is_object() || (v.origin != "conflict" && v.origin != "resolution")) return;
    std::vector<json> sides;
    for (const char* side : {"local", "remote"})
      if (d.contains(side) && d[side].is_object()) sides.push_back(d[side]);
    auto lost = [](const json& decision) {
      return decision == "remote" ? "local" : decision == "local" ? "remote" : "";
    };
    auto& out = decided[t->second];
    if (v.origin == "conflict" && d.contains("decisions") && d["decisions"].is_object()) {
      for (auto it = d["decisions"].begin(); it != d["decisions"].end(); ++it)
        out.push_back({i, it.key(), sides, lost(it.value())});
    } else {
      out.push_back({i, "", sides, v.origin == "conflict" ? lost(d.value("decision", json())) : ""});
    }
  };
  // Whether a decision excuses `a`'s write of `field` (nullopt: the row's existence).
  auto decision_excuses = [&](const SpAck& a, const std::string& tag, const std::optional<std::string>& field) {
    auto it = decided.find(tag);
    if (it == decided.end()) return false;
    for (const auto& x : it->second) {
      if (x.lost == "local" && a.writer != x.client) continue;
      if (x.lost == "remote" && a.writer == x.client) continue;
      if (!field) {
        if (x.field.empty()) return true;
        continue;
      }
      // A decision on the status or one state date decides them all (state_field).
      if (!x.field.empty() && x.field != *field && !(state_field(x.field) && state_field(*field))) continue;
      for (const auto& side : x.sides)
        if (side.value(*field, json()) == a.fields.at(*field)) return true;
    }
    return false;
  };

  // 3. A local id still names the row: Engine::get answers it under the server's id,
  // and its history is the server id's.
  for (const auto& [tag, inc] : w.incidents) {
    if (inc.creator < 0) continue;
    auto& eng = *sut.clients[inc.creator].engine;
    for (const auto& v : eng.history(kIncident, inc.local_id))
      note_decision(inc.creator, inc.local_id, v);
    auto sid = server_id_of_incident.find(tag);
    if (sid == server_id_of_incident.end() || held[inc.creator].count({kIncident, sid->second})) continue;
    // Deleted on the server and created again under a new id (by another client's
    // client_wins edit, or by the creator's retried create, see the deletes below):
    // another row, which the creator's local id does not name.
    auto known = w.create_known.find(tag);
    if (known != w.create_known.end() && known->second.second != sid->second && w.deleted_tags().count(tag)) continue;
    // With the app's own external_reference, an orphan someone edited before its
    // creator learned its id is not the creator's any more (README.md): no id maps to it.
    if (known == w.create_known.end() && orphan_edited(tag)) continue;
    auto row = eng.get(kIncident, inc.local_id);
    if (!row) HSE_PROP_FAIL(mapping, "client " + std::to_string(inc.creator) + ": get(" + inc.local_id + ") finds nothing, but incident " +
                      tag + " is on the server as " + sid->second);
    if ((*row)["id"] != sid->second)
      HSE_PROP_FAIL(mapping, "client " + std::to_string(inc.creator) + ": get(" + inc.local_id + ") answers incident " +
              (*row)["id"].dump() + ", the server has it as " + sid->second);
    if (eng.history(kIncident, inc.local_id).size() != eng.history(kIncident, sid->second).size())
      HSE_PROP_FAIL(mapping, "client " + std::to_string(inc.creator) + ": the history of " + inc.local_id + " is not that of " + sid->second);
  }
  for (const auto& [tag, c] : w.comments) {
    if (c.creator < 0) continue;
    auto sid = server_id_of_comment.find(tag);
    if (sid == server_id_of_comment.end() || held[c.creator].count({kComment, sid->second})) continue;
    auto row = sut.clients[c.creator].engine->get(kComment, c.local_id);
    // Deleted here (with its incident) before its create was answered, and back from
    // the server since (the incident's delete lost to a server edit): the server's
    // copy is another row to this client, which its local id no longer names.
    auto hist = sut.clients[c.creator].engine->history(kComment, c.local_id);
    if (!row && !hist.empty() && hist.back().op == "delete") continue;
    if (!row || (*row)["id"] != sid->second)
      HSE_PROP_FAIL(mapping, "client " + std::to_string(c.creator) + ": get(" + c.local_id + ") answers " + (row ? row->dump() : "nothing") +
              ", the server has comment '" + c.text + "' as " + sid->second);
  }
  for (int i = 0; i < n; ++i)
    for (const auto& [id, row] : local[i][kIncident])
      for (const auto& v : sut.clients[i].engine->history(kIncident, id))
        note_decision(i, id, v);

  // 2. Every acknowledged write is on the server, or was overtaken by a later
  // acknowledged write, or removed by an acknowledged delete, or recorded as a
  // conflict or rejection the app can list.
  std::set<std::string> deleted;  // incident tags
  for (const auto& a : w.acks)
    if (a.op == "delete") deleted.insert(a.tag);
  auto incident_tag = [&](const SpAck& a) {
    return a.entity == kIncident ? a.tag : w.comments.at(a.tag).incident;
  };
  // The read-check-write limit (README.md): the push compares the server's row with
  // the base and writes only the fields changed here; without versions or ETags an edit
  // undone on the server before the push (the field back at the base's value) is
  // invisible, and the push's value wins. The same holds for a write that changed
  // nothing on the server (f was v there already). So a write `a` (by another API user,
  // or by a client) of field f to v, found overwritten with y, is excused when
  //  - a client k had written f := y before `a` (an acknowledged update; its push, later);
  //  - v is a value f had on the server before (the last snapshot with f == v before `a`:
  //    m0), i.e. `a` restored it, or f was still v there (no later snapshot: a no-op);
  //  - no round of k that pulled completely ran between m0 and `a`: k's base could
  //    still have f == v. A round of k that saw the change away would have rebased k's
  //    edit on it, and its push would then see the restore as a server change.
  // k may have moved f away from v itself, in a round whose answer was lost: its retry
  // cannot tell that its write applied and was undone since (a write of k that was
  // answered would need a later acknowledged write to bring y back).
  auto undone_before_push = [&](const SpAck& a, const std::string& f, const json& y) {
    if (a.op != "update" || a.entity != kIncident) return false;
    const json& v = a.fields.at(f);
    const SpSnapshot* m0 = nullptr;
    const SpSnapshot* m1 = nullptr;
    for (const auto& snap : w.snapshots) {
      if (snap.seq >= a.seq) break;
      auto r = snap.incidents.find(a.tag);
      if (r == snap.incidents.end()) {
        // Not created yet: the create will give the fields it does not carry their
        // defaults (status active, no state date), a value f then has unobserved.
        const bool creation_default = f == "status" ? v == "active" : (f.find("_date") != std::string::npos &&
                                                                        f != "start_impact_date" && v.is_null());
        if (creation_default) {
          m0 = &snap;
          m1 = nullptr;
        }
        continue;
      }
      if (r->second.value(f, json()) == v) {
        m0 = &snap;
        m1 = nullptr;
      } else if (m0 && !m1) {
        m1 = &snap;
      }
    }
    if (!m0) return false;
    for (const auto& b : w.acks) {
      if (b.seq >= a.seq || b.writer < 0 || b.writer == a.writer || b.op != "update" || b.entity != kIncident ||
          b.tag != a.tag || !b.fields.is_object() || !b.fields.contains(f) || b.fields[f] != y)
        continue;
      bool pulled = false;
      for (const auto& snap : w.snapshots)
        pulled = pulled || (snap.round_end_of == b.writer && snap.round_start > m0->seq && snap.seq < a.seq);
      if (!pulled) return true;
    }
    return false;
  };
  for (const auto& a : w.acks) {
    std::string what = who(a.writer) + "'s acknowledged " + a.op + " #" + std::to_string(a.seq) + " of " + a.entity +
                       " " + a.tag + " " + a.fields.dump();
    // The row's existence: a refusal or a conflict listed for it or its incident, or
    // a decision about the incident's existence.
    const bool listed = recorded.count({a.entity, a.tag}) || recorded.count({kIncident, incident_tag(a)});
    const bool rec = listed || decision_excuses(a, incident_tag(a), std::nullopt);
    const auto& ids = a.entity == kIncident ? server_id_of_incident : server_id_of_comment;
    const auto& S = a.entity == kIncident ? S_inc : S_com;
    auto sid = ids.find(a.tag);
    const json* srow = sid == ids.end() ? nullptr : &S.at(sid->second);
    auto deleted_later = [&] {
      for (const auto& b : w.acks)
        if (b.seq > a.seq && b.op == "delete" && b.tag == incident_tag(a)) return true;
      return false;
    };
    if (a.op == "delete") {
      if (!srow || rec) continue;
      bool later = false;  // written again after the delete (a client's edit kept by its policy)
      for (const auto& b : w.acks) later = later || (b.seq > a.seq && b.entity == a.entity && b.tag == a.tag);
      if (later) continue;
      // Deleted by someone else while its creator had not yet learned its id (the
      // create's answer lost): the creator's retried create finds nothing by its
      // external_reference and creates it again, under a new id. The API keeps no
      // tombstones, so no client can tell (the limit the 4HSE suite documents too).
      const SpIncident& inc = w.incidents.at(a.tag);
      auto known = w.create_known.find(a.tag);
      if (inc.creator >= 0 && inc.creator != a.writer && !a.server_id.empty() && sid->second != a.server_id &&
          (known == w.create_known.end() || known->second.first > a.seq))
        continue;
      // The creator deleted it before learning its id, and the orphan had been edited
      // meanwhile (the app's own external_reference): the delete finds no orphan.
      if (inc.creator == a.writer && orphan_edited(a.tag) &&
          (known == w.create_known.end() || known->second.first > a.seq))
        continue;
      HSE_PROP_FAIL(no_lost_write, what + ": the incident is still on the server " + srow->dump());
    }
    if (!srow) {
      if (deleted.count(incident_tag(a)) || rec) continue;
      HSE_PROP_FAIL(no_lost_write, what + ": vanished (not on the server, not deleted by anyone, no conflict or rejection listed)");
    }
    for (auto it = a.fields.begin(); it != a.fields.end(); ++it) {
      if (it.key() == "id" || it.key() == "incident") continue;  // ids: property 3
      if (srow->value(it.key(), json()) == it.value()) continue;
      bool on_a_copy = false;
      if (a.entity == kIncident && copies.count(a.tag))
        for (const auto& id : copies.at(a.tag)) on_a_copy = on_a_copy || S.at(id).value(it.key(), json()) == it.value();
      if (on_a_copy) continue;
      bool overtaken = deleted_later();
      for (const auto& b : w.acks)
        overtaken = overtaken || (b.seq > a.seq && b.entity == a.entity && b.tag == a.tag && b.fields.is_object() &&
                                  b.fields.contains(it.key()));
      const bool field_decided = a.entity == kIncident && decision_excuses(a, a.tag, it.key());
      if (overtaken || listed || field_decided || undone_before_push(a, it.key(), srow->value(it.key(), json()))) continue;
      HSE_PROP_FAIL(no_lost_write, what + ": field " + it.key() + " is " + srow->value(it.key(), json()).dump() +
              " on the server; nothing later overwrote it and no conflict was recorded" + debug_rows(sut, sid->second));
    }
  }
}

}  // namespace hse::prop
