// The validation rules' view of other rows (schema::RowLookup), answered from the
// replica: parents, and unique names, including local creates not pushed yet.
// Not thread-safe: the Engine serialises access.
#pragma once

#include "engine/store/database.hpp"
#include "schema/validate.hpp"

namespace hse::engine::store {

using json = nlohmann::json;

class ReplicaLookup final : public schema::RowLookup {
 public:
  explicit ReplicaLookup(Database& db) : db_(db) {}
  std::optional<json> find(const schema::Entity& e, const std::string& id) override;
  bool name_taken(const schema::Entity& e, const std::string& parent_id, const std::string& name,
                  const std::string& except_id) override;

 private:
  Database& db_;
};

}  // namespace hse::engine::store
