#include "tests/property/statuspage_sim.hpp"

#include <set>

namespace hse::prop {

namespace {

const char* kIncident = "statuspage_incident";
const char* kComment = "statuspage_comment";

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

std::optional<std::string> SpWorld::incident_id_for(int client, const std::string& tag) {
  auto it = incidents.find(tag);
  if (it == incidents.end()) return std::nullopt;
  if (it->second.creator == client) return it->second.local_id;
  return server_incident_id(tag);
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
  for (const auto& [id, row] : S_inc) {
    const std::string ref = row.value("external_reference", json()).is_string() ? row["external_reference"].get<std::string>() : "";
    auto t = tag_of_ref.find(ref);
    if (t == tag_of_ref.end()) RC_FAIL("incident " + id + " is on the server but nobody created it: " + row.dump());
    auto [it, fresh] = server_id_of_incident.emplace(t->second, id);
    if (!fresh)
      RC_FAIL("incident '" + ref + "' (tag " + t->second + ") exists twice on the server: " + it->second + " and " + id);
  }
  for (const auto& [id, row] : S_com) {
    auto t = tag_of_text.find(row.value("comment", ""));
    if (t == tag_of_text.end()) RC_FAIL("comment " + id + " is on the server but nobody created it: " + row.dump());
    auto [it, fresh] = server_id_of_comment.emplace(t->second, id);
    if (!fresh)
      RC_FAIL("comment '" + row["comment"].get<std::string>() + "' exists twice on the server: " + it->second + " and " + id);
    // 3. It hangs under the incident its writer created it for.
    const auto& c = w.comments.at(t->second);
    auto want = server_id_of_incident.find(c.incident);
    if (want == server_id_of_incident.end() || row["incident"] != want->second)
      RC_FAIL(who(c.creator) + "'s comment '" + c.text + "' (" + id + ") is under incident " + row["incident"].dump() +
              ", not under incident " + c.incident + " it was written for (" +
              (want == server_id_of_incident.end() ? std::string("not on the server") : want->second) + ")");
  }
  if (!final) return;

  // Journals: empty but for rejected entries (with the server's reasons) and the
  // entries blocked behind them; such rows are left out of the comparisons.
  std::vector<std::set<std::pair<std::string, std::string>>> held(n);
  for (int i = 0; i < n; ++i) {
    RC_ASSERT(sut.clients[i].engine->conflicts().empty());
    for (const auto& entry : sut.clients[i].engine->journal()) {
      std::string where = "client " + std::to_string(i) + " journal entry " + entry.to_json().dump();
      if (entry.state != engine::journal::State::rejected && entry.state != engine::journal::State::blocked)
        RC_FAIL("journal not empty after two clean rounds: " + where);
      if (entry.state == engine::journal::State::rejected && !entry.errors.is_array())
        RC_FAIL("a rejection without the server's reasons: " + where);
      // Every create the commands make is valid, and so is every patch alone: the
      // server may only refuse a row that concurrent state changes merged into an
      // invalid mix of status and dates. Anything else is a write sent wrong (to an
      // id that is not the server's, say) and then parked as "rejected".
      if (entry.state == engine::journal::State::rejected) {
        if (entry.entity != kIncident || entry.op != engine::journal::Op::update)
          RC_FAIL("a valid write was refused by the server: " + where);
        for (const auto& err : entry.errors) {
          const std::string f = err.value("field", "");
          if (f != "status" && f != "investigation_date" && f != "stable_date" && f != "resolve_date")
            RC_FAIL("an update refused for something else than its state: " + where);
        }
      }
      held[i].insert({entry.entity, entry.id});
      sut.listed.emplace_back(entry.entity, entry.id);
    }
  }
  // Blocked entries wait for a row the server refused, and that can only be an incident.
  for (int i = 0; i < n; ++i)
    for (const auto& entry : sut.clients[i].engine->journal()) {
      if (entry.state != engine::journal::State::blocked) continue;
      auto row = sut.clients[i].engine->get(entry.entity, entry.id);
      std::string parent = row && entry.entity == kComment ? row->value("incident", "") : "";
      if (parent.empty() || !held[i].count({kIncident, parent}))
        RC_FAIL("client " + std::to_string(i) + " journal entry " + entry.to_json().dump() +
                " is blocked, but not behind an incident the server refused: " + (row ? row->dump() : "no row"));
    }

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
        if (it == L.end()) RC_FAIL(at + id + ": the server has it, the replica does not: " + srow.dump());
        for (const auto& f : e.fields) {
          json lv = it->second.value(f.name, json());
          json sv = srow.value(f.name, json());
          if (lv != sv)
            RC_FAIL(at + id + "." + f.name + " = " + lv.dump() + " but the server has " + sv.dump());
        }
      }
      for (const auto& [id, lrow] : L) {
        if (held[i].count({name, id})) continue;
        if (!is_server_id(json(id))) RC_FAIL(at + id + " still has a local id after convergence: " + lrow.dump());
        if (!S.count(id)) RC_FAIL(at + id + ": the replica has it, the server does not: " + lrow.dump());
      }
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
  std::set<std::pair<std::string, std::string>> recorded;  // entity, tag
  auto note = [&](const std::string& ent, const std::string& id) {
    auto t = tag_of_id.find({ent, id});
    if (t != tag_of_id.end()) recorded.insert({ent, t->second});
  };
  for (const auto& [ent, id] : sut.listed) note(ent, id);

  // 3. A local id still names the row: Engine::get answers it under the server's id,
  // and its history is the server id's.
  for (const auto& [tag, inc] : w.incidents) {
    if (inc.creator < 0) continue;
    auto& eng = *sut.clients[inc.creator].engine;
    for (const auto& v : eng.history(kIncident, inc.local_id))
      if (v.origin == "conflict" || v.origin == "resolution") recorded.insert({kIncident, tag});
    auto sid = server_id_of_incident.find(tag);
    if (sid == server_id_of_incident.end() || held[inc.creator].count({kIncident, sid->second})) continue;
    auto row = eng.get(kIncident, inc.local_id);
    if (!row) RC_FAIL("client " + std::to_string(inc.creator) + ": get(" + inc.local_id + ") finds nothing, but incident " +
                      tag + " is on the server as " + sid->second);
    if ((*row)["id"] != sid->second)
      RC_FAIL("client " + std::to_string(inc.creator) + ": get(" + inc.local_id + ") answers incident " +
              (*row)["id"].dump() + ", the server has it as " + sid->second);
    if (eng.history(kIncident, inc.local_id).size() != eng.history(kIncident, sid->second).size())
      RC_FAIL("client " + std::to_string(inc.creator) + ": the history of " + inc.local_id + " is not that of " + sid->second);
  }
  for (const auto& [tag, c] : w.comments) {
    if (c.creator < 0) continue;
    auto sid = server_id_of_comment.find(tag);
    if (sid == server_id_of_comment.end() || held[c.creator].count({kComment, sid->second})) continue;
    auto row = sut.clients[c.creator].engine->get(kComment, c.local_id);
    if (!row || (*row)["id"] != sid->second)
      RC_FAIL("client " + std::to_string(c.creator) + ": get(" + c.local_id + ") answers " + (row ? row->dump() : "nothing") +
              ", the server has comment '" + c.text + "' as " + sid->second);
  }
  for (int i = 0; i < n; ++i)
    for (const auto& [id, row] : local[i][kIncident])
      for (const auto& v : sut.clients[i].engine->history(kIncident, id))
        if (v.origin == "conflict" || v.origin == "resolution") note(kIncident, id);

  // 2. Every acknowledged write is on the server, or was overtaken by a later
  // acknowledged write, or removed by an acknowledged delete, or recorded as a
  // conflict or rejection the app can list.
  std::set<std::string> deleted;  // incident tags
  for (const auto& a : w.acks)
    if (a.op == "delete") deleted.insert(a.tag);
  auto incident_tag = [&](const SpAck& a) {
    return a.entity == kIncident ? a.tag : w.comments.at(a.tag).incident;
  };
  for (const auto& a : w.acks) {
    std::string what = who(a.writer) + "'s acknowledged " + a.op + " #" + std::to_string(a.seq) + " of " + a.entity +
                       " " + a.tag + " " + a.fields.dump();
    const bool rec = recorded.count({a.entity, a.tag}) || recorded.count({kIncident, incident_tag(a)});
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
      RC_FAIL(what + ": the incident is still on the server " + srow->dump());
    }
    if (!srow) {
      if (deleted.count(incident_tag(a)) || rec) continue;
      RC_FAIL(what + ": vanished (not on the server, not deleted by anyone, no conflict or rejection listed)");
    }
    for (auto it = a.fields.begin(); it != a.fields.end(); ++it) {
      if (it.key() == "id" || it.key() == "incident") continue;  // ids: property 3
      if (srow->value(it.key(), json()) == it.value()) continue;
      bool overtaken = deleted_later();
      for (const auto& b : w.acks)
        overtaken = overtaken || (b.seq > a.seq && b.entity == a.entity && b.tag == a.tag && b.fields.is_object() &&
                                  b.fields.contains(it.key()));
      if (overtaken || rec) continue;
      RC_FAIL(what + ": field " + it.key() + " is " + srow->value(it.key(), json()).dump() +
              " on the server; nothing later overwrote it and no conflict was recorded");
    }
  }
}

}  // namespace hse::prop
