// A version of a row in the replica's history, as a plain value. Included by the
// public engine.hpp, so it includes nothing but the standard library and json.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hse::engine::store {

using json = nlohmann::json;

// Why a version came to be.
enum class Origin { local, pull, push, merge, conflict, resolution, dropped };
const char* to_string(Origin o);

struct VersionCause {
  Origin origin = Origin::local;
  std::optional<int64_t> journal_seq;
  json detail;  // for merges and conflicts: base, local and remote sides
};

struct Version {
  int64_t version = 0;
  int64_t valid_from = 0;
  std::optional<int64_t> valid_to;
  std::string origin;
  std::string op;  // create | update | delete
  std::optional<int64_t> journal_seq;
  json row;  // null for a deletion
  json detail;
  json to_json() const;
};

}  // namespace hse::engine::store
