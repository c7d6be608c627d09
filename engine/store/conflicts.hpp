// Conflicts the policies left to the app (manual, or a callback that declined):
// both versions are kept here until resolved, and stay listed after, with the
// resolution. Not thread-safe: the Engine serialises access.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/conflict.hpp"
#include "engine/store/database.hpp"

namespace hse::engine::store {

using json = nlohmann::json;

class ConflictStore {
 public:
  explicit ConflictStore(Database& db) : db_(db) {}
  void add(const Conflict& c);
  std::optional<Conflict> get(const std::string& conflict_id);
  // Open conflicts, oldest first.
  std::vector<Conflict> open();
  int64_t count_open();
  std::optional<Conflict> open_for(const std::string& entity, const std::string& id);
  void resolve(const std::string& conflict_id, const json& resolution, int64_t at);

 private:
  Database& db_;
};

}  // namespace hse::engine::store
