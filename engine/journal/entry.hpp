// A journal entry: one pending local change, as a plain value. Included by the
// public engine.hpp, so it includes nothing but the standard library and json.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hse::engine::journal {

using json = nlohmann::json;

enum class Op { create, update, remove };
const char* to_string(Op op);  // create | update | delete
std::optional<Op> op_from(const std::string& s);

// pending: to be sent. in_flight: sent, answer not applied yet. rejected: the server
// refused it (422), kept with its field errors until fixed, retried or dropped.
// blocked: waits for another entry (one of its row, or its parent's create) that
// cannot go yet. held: failed sync.max_attempts times on its own (a 5xx, a malformed
// answer), kept with its last status until retried or dropped.
enum class State { pending, in_flight, rejected, blocked, held };
const char* to_string(State s);
std::optional<State> state_from(const std::string& s);

struct Entry {
  int64_t seq = 0;
  std::string entity;
  std::string id;
  Op op = Op::create;
  json patch;  // update: the changed writable fields; create and delete: null (a create pushes the row)
  State state = State::pending;
  bool cascade = false;
  int attempts = 0;    // failures of this entry alone, counted towards sync.max_attempts
  int unanswered = 0;  // sends whose answer never came: the write may have applied
  std::optional<int> last_status;  // the HTTP status of the last failure, when there was one
  std::optional<std::string> last_error;
  json errors;  // the server's field errors of a rejection
  int64_t created_at = 0;
  // What the entry's attempts sent, recorded before each send: an update's fields (all
  // attempts, newest value last), or a server-assigned create's body. It outlives
  // collapsing (a create that becomes a delete keeps it), so a retry after a lost
  // answer can tell its own applied write from another's, and find an orphan create.
  json sent;
  json to_json() const;
};

}  // namespace hse::engine::journal
