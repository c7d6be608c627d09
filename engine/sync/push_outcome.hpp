// One entry of the push, as the steps hand it on: what prepare took from the replica
// (under the lock), and what send learned from the server (without it).
#pragma once

#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "engine/journal/entry.hpp"
#include "engine/store/conflict.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::sync {

using json = nlohmann::json;

// How an entry is sent; fixed by prepare.
enum class SendKind {
  create,
  update,
  remove,
  // The delete of a server-assigned row whose create was sent but never answered:
  // the server's row, if the create applied, is found as a retried create finds it.
  remove_unmapped,
};

struct Prepared {
  journal::Entry entry;
  const schema::Entity* entity = nullptr;
  SendKind kind = SendKind::create;
  json body;   // create: the create's body; remove_unmapped: what the create sent
  json base;   // the last server version (null when the server has not seen the row)
  json local;  // the row as it is here (null for a delete)
};

// The server holds the write: its answer (create, update). `kept_by_server`: fields of
// the update the policy left at the server's value, so the answer does not hold ours.
struct Accepted {
  json server;
  std::vector<std::string> kept_by_server;
};
// A create whose answer was lost, found on the server: `sent` is what made it.
struct Adopted {
  json server;
  json sent;
};
// The row is gone on the server. `orphan`: the row an unmapped delete found and deleted.
struct Deleted {
  json orphan;
};
struct Conflicted {
  store::ConflictKind kind = store::ConflictKind::update_update;
  json server, local, base;          // null where a side has no row
  std::vector<std::string> fields;   // update_update: the fields left to the app
};

// Who a failed send is held against.
enum class FailureKind {
  rejected,     // the server refused the write (422): kept with its field errors
  parent_gone,  // a child's create under a parent the server no longer has (404)
  entry,        // this request alone failed (a 5xx, a 4xx other than 401/404/409/422/429, a bad answer)
  remote,       // the remote as a whole (network, timeouts, 401 after a refresh, 429/503): the round ends
  fatal,        // the replica failed (storage) or an invariant broke: the round ends, rethrown
};
const char* to_string(FailureKind k);

struct Failure {
  FailureKind kind = FailureKind::entry;
  std::string message;
  std::optional<int> http_status;
  std::vector<FieldError> fields;  // rejected: the server's field errors
  bool unanswered = false;         // the request may have applied (its answer is unknown)
  std::exception_ptr error;        // remote and fatal: what ends the round
};

using Outcome = std::variant<Accepted, Adopted, Deleted, Conflicted, Failure>;

}  // namespace hse::engine::sync
