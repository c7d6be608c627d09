// Local writes: validated against the catalog as the server would, then the row,
// its journal entry and its history version commit in one transaction.
// Callers hold sync::ReplicaState::mu and an open WriteTransaction: a refused write throws
// before it writes anything, and the caller's rollback undoes any partial work.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/store/replica_lookup.hpp"
#include "engine/sync/replica_state.hpp"
#include "schema/catalog.hpp"

namespace hse::engine {

using json = nlohmann::json;

// Throws hse::ValidationError naming every field at fault (nothing written),
// Code::conflict when the id exists (or its deletion is not pushed yet).
// `lookup`: the rules' view of other rows, shared by the creates of one batch
// (store::ReplicaLookup's batch form); none: one made for this create.
json local_create(sync::ReplicaState& s, const schema::Entity& e, const json& body,
                  store::ReplicaLookup* lookup = nullptr);
// Throws Code::not_found, hse::ValidationError; Code::invalid for an append-only
// entity (status-page comments), whose rows cannot change, nor be deleted once pushed.
json local_update(sync::ReplicaState& s, const schema::Entity& e, const std::string& id, const json& patch);
// Deleting a row that has children is refused (Code::conflict naming them) unless
// `cascade`: then the children go locally and one forced delete of the row is journaled.
void local_delete(sync::ReplicaState& s, const schema::Entity& e, const std::string& id, bool cascade);

// The entities whose rows point at `e` through a parent or reference field.
struct ChildLink {
  const schema::Entity* entity;
  std::string field;
};
std::vector<ChildLink> child_links(const schema::Entity& e);

}  // namespace hse::engine
