// The property tests' world for the status-page remote (adapters/statuspage): the
// same Sut (emulator in process, two or three clients on their own replica files,
// SimTransport for crashes and mid-round writes), its clients syncing
// statuspage_incident and statuspage_comment, whose ids the server assigns.
//
// Rows are named by tags the generator draws, not by ids: a client learns its
// incident's id from Engine::create (a local UUID) and the server's id only when the
// create is pushed. The world keeps, per tag, who created the row, the local id it
// got and its external_reference (incidents) or unique text (comments), which find
// it on the server whatever its id became. The ledger records every write somebody
// was told succeeded, by tag; the properties are checked against it at the end.
#pragma once

#include <map>
#include <set>

#include "tests/property/sim.hpp"

namespace hse::prop {

// An incident somebody created: a client (its local id) or another API user (the
// server's id at once).
struct SpIncident {
  int creator = -1;               // client index; -1: another API user
  std::string local_id;           // the id Engine::create answered (a UUID); "" for the server's
  std::string server_id;          // known at once for another API user's
  std::string external_reference; // unique per create: the app's own or "hsesync:<local id>"
};

// A comment somebody created, under the incident with tag `incident`.
struct SpComment {
  int creator = -1;
  std::string incident;  // the incident's tag
  std::string local_id;
  std::string text;  // unique: counts the comment on the server exactly
  bool internal = false;
};

// Who wrote what, as far as they were told (by tag).
struct SpAck {
  int64_t seq = 0;
  int writer = -1;  // client index; -1: another API user on the server
  std::string op;   // create | update | delete
  std::string entity;  // statuspage_incident | statuspage_comment
  std::string tag;
  json fields;  // create body (as the engine stored it) / update patch (what changed)
  std::string server_id;  // a delete: the server's id it named, when known
  std::string id;         // a client's write: the id its writer named the row by then
};

// The server's incidents (by tag) at one moment of the ledger's sequence, for the
// read-check-write limit (check_statuspage, property 2). Taken before and after every
// other API user's write and at the start and end of every client round, so that
// between two snapshots only the writer `by` can have changed the server.
struct SpSnapshot {
  int64_t seq = 0;
  int by = -2;  // who may have written since the previous snapshot: a client, -1 another API user, -2 nobody
  int round_end_of = -1;     // the client whose round (ok: its pull completed) ends here
  int64_t round_start = 0;   // that round's start snapshot
  std::map<std::string, json> incidents;  // tag -> the server's row
};

struct SpWorld {
  SpWorld(int clients, uint64_t seed);

  // The id client `client` names incident `tag` by: its own local id (the engine maps
  // it), else the server's id once the incident is there; nullopt when unknown.
  std::optional<std::string> incident_id_for(int client, const std::string& tag);
  // The server's id of incident `tag` now (found by its external_reference), or nullopt.
  std::optional<std::string> server_incident_id(const std::string& tag);
  // A server row (wire shape) as the engine's row: ids as text, `internal` a boolean.
  static json incident_row(const json& wire);
  static json comment_row(const json& wire);
  // Every incident and every comment (internal ones too) on the server, by id.
  std::map<std::string, json> server_incidents();
  std::map<std::string, json> server_comments();

  void ack(int writer, std::string op, std::string entity, std::string tag, json fields, std::string server_id = "") {
    std::string id;
    if (writer >= 0 && entity == "statuspage_comment" && comments.count(tag)) id = comments.at(tag).local_id;
    if (writer >= 0 && entity == "statuspage_incident") id = incident_id_for(writer, tag).value_or("");
    acks.push_back({++ack_seq, writer, std::move(op), std::move(entity), std::move(tag), std::move(fields),
                    std::move(server_id), std::move(id)});
  }

  // Snapshots of the server's incidents (SpSnapshot); `round_start`/`round_end` bracket a
  // client's round (`ok`: its report said so, the pull completed).
  void snapshot(int by);
  void round_start(int client) {
    round_client = client;
    snapshot(-2);
    round_started = snapshots.back().seq;
  }
  void round_end(bool ok) {
    promote_seen_ids();
    snapshot(round_client);
    if (ok) {
      snapshots.back().round_end_of = round_client;
      snapshots.back().round_start = round_started;
    }
    round_client = -2;
  }

  Sut sut;
  std::vector<SpSnapshot> snapshots;
  int round_client = -2;  // the client whose round is running, -2 none
  int64_t round_started = 0;
  std::map<std::string, SpIncident> incidents;  // by tag
  std::map<std::string, SpComment> comments;    // by tag
  // Comments (tags) whose create the server refused (404 on POST /incident/<id>/comment)
  // while their incident was on the server all the same (under another id): a refusal
  // the engine earned by sending the comment to the wrong incident.
  std::set<std::string> refused_while_present;
  std::set<std::string> refused;  // every comment whose create the server refused
  // Client incidents (tags) whose creator learned the server's id (the create's answer,
  // or a lookup by external_reference, reached it): the ledger sequence number then,
  // and that id.
  std::map<std::string, std::pair<int64_t, std::string>> create_known;
  // An id seen reaching its creator's transport counts as learned (create_known, at the
  // sequence number it was seen) only once the creator's replica maps the incident to
  // it: a round can fail between the lookup's answer and the mapping.
  std::map<std::string, std::pair<int64_t, std::string>> seen_ids;
  void promote_seen_ids();
  std::set<std::string> deleted_tags() const {
    std::set<std::string> out;
    for (const auto& a : acks)
      if (a.op == "delete") out.insert(a.tag);
    return out;
  }
  std::vector<SpAck> acks;
  int64_t ack_seq = 0;
};

// settle(), then the properties: no acknowledged create twice on the server, every
// acknowledged write there (or overtaken, deleted, or recorded as a conflict or
// rejection), comments under the incident their client meant, no UUID left in a
// replica and local ids still resolving, every replica equal to the server, journals
// empty. `final`: false for the cheap checks after a step (no settling; only what
// must hold at any time: nothing duplicated, nothing under the wrong incident).
void check_statuspage(SpWorld& w, bool final = true);

}  // namespace hse::prop
