// Conflict policies, per entity and optionally per field, read from the replica's
// configuration:  "policies": {"incident": "manual", "action": {"*": "merge", "name": "client_wins"}}
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace hse::engine::merge {

using json = nlohmann::json;

enum class Policy {
  merge,        // the default: disjoint fields merge; a field changed on both sides goes to server_wins
  server_wins,  // the server's value stands; the local one stays in history
  client_wins,  // the local value is pushed over the server's
  manual,       // the row is marked conflict, both versions kept until the app resolves it
  callback,     // the resolver registered through the API decides (manual when none is)
};

const char* to_string(Policy p);
// Throws hse::Error(invalid) naming the bad value.
Policy policy_from(const std::string& s);

class PolicyTable {
 public:
  PolicyTable() = default;
  // Throws hse::Error(invalid) naming the bad key.
  explicit PolicyTable(const json& policies);
  // The policy for a field of an entity: the field's own, else the entity's "*", else merge.
  Policy for_field(const std::string& entity, const std::string& field) const;
  // The policy for a whole-row conflict (update/delete): the entity's "*", else merge.
  Policy for_row(const std::string& entity) const;

 private:
  std::map<std::string, std::map<std::string, Policy>> table_;
};

}  // namespace hse::engine::merge
