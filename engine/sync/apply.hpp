// Applying what the server said to the replica: a pulled row (written only when
// its content hash changed, merged three ways when it has local changes), a
// pushed entry's answer, and conflicts settled by policy. Callers hold
// ReplicaState::mu inside a WriteTransaction.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/journal/journal.hpp"
#include "engine/merge/three_way.hpp"
#include "engine/store/row_codec.hpp"
#include "engine/sync/sync_context.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::sync {

using store::ConflictKind;

enum class Applied { inserted, updated, merged, conflict, unchanged, skipped };

// A row the server sent: written only when its content hash changed.
Applied apply_server_row(SyncContext& ctx, const schema::Entity& e, const json& server_row);
// The same, for a row of a pulled page.
Applied apply_server_row(SyncContext& ctx, const schema::Entity& e, const store::CanonicalRow& server_row);
// The same for a row the caller expects to be new to the replica (a bootstrap's),
// when the caller has found that `e` has no history and no delete entry in the
// journal in this transaction (Replica::has_history, Journal::has_delete): then
// apply_server_row's probes for a tombstone and a pending delete find nothing, and the
// row is one INSERT. A row whose key exists goes to apply_server_row.
Applied apply_new_server_row(SyncContext& ctx, const schema::Entity& e, const store::CanonicalRow& server_row);

// The server's answer to a pushed create or update becomes the row and its base;
// local edits made while the entry was in flight (newer entries) stay on top.
// `kept_by_server`: fields of the entry the policy settled for the server's value.
void accept_pushed(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const json& server_row,
                   const std::vector<std::string>& kept_by_server = {});
// A pushed delete is done (or the row was gone already).
void accept_deleted(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry);
// The row went on the server: remove it locally (history keeps it).
void remove_locally(SyncContext& ctx, const schema::Entity& e, const std::string& id, store::Origin origin,
                    const json& detail);

// How field conflicts were settled: the row to keep, and the fields left to the app.
struct Settlement {
  json row;
  std::vector<std::string> manual;
  json decisions;  // {field: "local"|"remote"|"resolver"}
};
Settlement settle(SyncContext& ctx, const schema::Entity& e, const std::string& id, const json& base, const json& local,
                  const json& remote, const merge::MergeResult& merged, ConflictKind kind);

// Records a conflict left to the app and marks the row (when it exists) as in conflict.
void record_conflict(SyncContext& ctx, const schema::Entity& e, const std::string& id, ConflictKind kind,
                     const json& base, const json& local, const json& remote, const std::vector<std::string>& fields,
                     std::optional<int64_t> journal_seq);

// The policy's answer for a whole-row conflict: keep the local side, take the
// remote one, or leave it to the app.
enum class Decision { local, remote, manual };
const char* to_string(Decision d);
Decision decide_row(SyncContext& ctx, const schema::Entity& e, const std::string& id, ConflictKind kind,
                    const json& base, const json& local, const json& remote);

}  // namespace hse::engine::sync
