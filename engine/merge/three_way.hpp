// Field-by-field three-way merge of a row: base (the last server version both
// sides started from), local (the replica's row) and remote (the server's row now).
// Pure: no I/O, so the property tests can drive it directly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "schema/catalog.hpp"

namespace hse::engine::merge {

using json = nlohmann::json;

struct FieldConflict {
  std::string field;
  json base, local, remote;
};

struct MergeResult {
  json row;                              // local where only local changed, remote where only remote changed
  std::vector<FieldConflict> conflicts;  // changed on both sides to different values (row holds the local value)
};

// Read-only fields always take the remote value. `base` may be null (no common
// ancestor): then every differing writable field is a conflict.
MergeResult three_way(const schema::Entity& e, const json& base, const json& local, const json& remote);

// The writable fields of `row` that differ from `server`: what a push must send.
json diff_writable(const schema::Entity& e, const json& row, const json& server);

}  // namespace hse::engine::merge
