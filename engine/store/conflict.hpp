// A conflict the policies left to the app, as a plain value. Included by the public
// engine.hpp, so it includes nothing but the standard library and json.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hse::engine::store {

using json = nlohmann::json;

// update_update: both sides changed the same fields; update_delete: edited here,
// deleted on the server; delete_update: deleted here, edited on the server;
// create_collision: the id exists on the server with other content.
enum class ConflictKind { update_update, update_delete, delete_update, create_collision };
const char* to_string(ConflictKind k);
std::optional<ConflictKind> conflict_kind_from(const std::string& s);

struct Conflict {
  std::string conflict_id;
  std::string entity;
  std::string id;
  ConflictKind kind = ConflictKind::update_update;
  json base, local, remote;  // rows; null where that side has none (deleted)
  json fields;               // the fields in conflict (array of names)
  std::optional<int64_t> journal_seq;
  int64_t created_at = 0;
  std::optional<int64_t> resolved_at;
  json resolution;
  json to_json() const;
};

}  // namespace hse::engine::store
