// Local writes: validated against the catalog as the server would, then the row,
// its journal entry and its history version commit in one transaction.
// Callers hold sync::ReplicaState::mu and an open WriteTransaction: a refused write
// throws, and the caller's rollback undoes what it wrote (a create whose id proves taken
// at its insert has appended its journal entry).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/store/replica_lookup.hpp"
#include "engine/sync/replica_state.hpp"
#include "schema/catalog.hpp"

namespace hse::engine {

using json = nlohmann::json;

// What the creates of one batch of `e` share (create_many: one transaction of creates
// of one entity, which add no history version and no delete entry): the rules' view
// of other rows (store::ReplicaLookup's batch form), and, read once, whether any row
// of `e` has a history version or a pending delete. Without either, a create's id can
// only be taken by a live row, which the row's insert finds itself.
struct CreateBatch {
  CreateBatch(sync::ReplicaState& s, const schema::Entity& e);
  store::ReplicaLookup lookup;
  bool history_or_deletes;
};

// Throws hse::ValidationError naming every field at fault, Code::conflict when the id
// exists (or its deletion is not pushed yet); a taken id is reported before the
// fields. `batch`: what the creates of a batch share; none: this create alone.
json local_create(sync::ReplicaState& s, const schema::Entity& e, const json& body, CreateBatch* batch = nullptr);
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
