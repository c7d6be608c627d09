// Local queries: the remote index body answered from the replica, with the
// validity rules of the server (rows not owned_active, or under an inactive
// parent, are hidden unless history is true; parent_active is computed from the
// parent row now, so historicizing an office changes no child row).
#pragma once

#include <nlohmann/json.hpp>

#include "engine/store/database.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::query {

using json = nlohmann::json;

// Answers {"items": [rows in the remote shape], "_meta": {"totalCount", "pageCount",
// "currentPage", "perPage"}} (the X-Pagination-* totals, named as Yii2's envelope).
// Throws hse::ValidationError naming the bad key of `body`.
json run_index(store::Database& db, const schema::Entity& e, const json& body);

// The SQL expression for a row's parent_active under alias `t`, and the joins it
// needs; shared by queries that must agree with run_index on validity.
struct ValiditySql {
  std::string joins;
  std::string parent_active;  // 0/1
  std::string visible;        // 0/1: owned_active and parent_active
};
ValiditySql validity_sql(const schema::Entity& e);

// The row's parent_active as a query would answer it now (true for an entity with no
// validity, or an absent row).
bool parent_active(store::Database& db, const schema::Entity& e, const std::string& id);

}  // namespace hse::engine::query
