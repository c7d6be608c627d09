// The validation rules' view of other rows (schema::RowLookup), answered from the
// replica: parents, and unique names, including local creates not pushed yet.
// Not thread-safe: the Engine serialises access.
#pragma once

#include <unordered_map>

#include "engine/store/database.hpp"
#include "schema/validate.hpp"

namespace hse::engine::store {

using json = nlohmann::json;

class ReplicaLookup final : public schema::RowLookup {
 public:
  explicit ReplicaLookup(Database& db) : db_(db) {}
  // Remembers the rows it finds of entities other than `written`, for a batch of
  // writes of `written` only (create_many: one transaction whose creates change no
  // other entity's rows), so each parent is read once per batch, not once per row.
  ReplicaLookup(Database& db, const schema::Entity& written) : db_(db), written_(&written) {}
  std::optional<json> find(const schema::Entity& e, const std::string& id) override;
  bool name_taken(const schema::Entity& e, const std::string& parent_id, const std::string& name,
                  const std::string& except_id) override;

 private:
  Database& db_;
  const schema::Entity* written_ = nullptr;  // set: cache what find() answers for other entities
  std::unordered_map<std::string, std::optional<json>> found_;  // entity name + '\0' + id
};

}  // namespace hse::engine::store
