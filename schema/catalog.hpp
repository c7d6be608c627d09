// The entity catalog: every entity and field of the remote APIs, each fact once.
// The replica's tables, the validation rules, the emulator and the adapters all
// read it; nothing else names a field's type, limit or flags.
// Thread-safe: the catalog is immutable after static initialisation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hse::schema {

enum class Type {
  string,     // free text
  uuid,       // canonical UUID text
  enumeration,// one of Field::values
  integer,
  boolean,
  date,       // YYYY-MM-DD
  datetime,   // YYYY-MM-DDTHH:MM (status-page dates)
  timestamp,  // integer seconds since the epoch
  url,        // http(s) URL
  json,       // any JSON value; a string must itself be JSON text ("string format: json")
  object,     // a JSON object
};

// How an index filter on this field matches.
enum class Match { exact, substring };

// The APIs' integers are 32-bit signed (Yii2 over MySQL INT); no document gives a
// narrower range for any field. A wider value would wrap in the replica or be refused
// by the server only after it was acknowledged here.
inline constexpr int64_t kMinInteger = -2147483648LL;
inline constexpr int64_t kMaxInteger = 2147483647LL;

struct Field {
  std::string name;
  Type type = Type::string;
  int max_length = 0;               // 0: no limit
  int64_t min_value = kMinInteger;  // Type::integer: the range accepted
  int64_t max_value = kMaxInteger;
  std::vector<std::string> values;  // allowed values of an enumeration
  bool required = false;            // on create
  bool read_only = false;           // computed by the server: never written, never pushed
  bool immutable = false;           // cannot change after create
  bool filter = true;               // accepted in an index filter
  bool sort = false;                // accepted as a sort field
  bool exact = false;               // a text filter matches the whole value, not a substring
  bool in_create = true;            // false: the remote's create does not take it, an update sets it
  std::string references;           // the entity this field's id points at, if any
  std::optional<std::string> default_value;  // applied on create when absent (JSON text)

  Match match() const { return type == Type::string && !exact ? Match::substring : Match::exact; }
  // The SQLite column type the replica and the emulator store it in.
  const char* sql_type() const;
};

struct Entity {
  std::string name;         // the API's path segment: project, office, action, incident
  std::string key;          // the primary key field
  std::vector<Field> fields;
  // The parent whose validity hides this row (office for action), and the field naming it.
  std::string parent;
  std::string parent_field;
  // The remote kind this entity belongs to: "fourhse" or "statuspage".
  std::string remote = "fourhse";
  // The server picks the ids (status-page integers): a row created here has a local
  // id until its create is pushed, then the engine maps it to the server's id.
  bool server_assigned_ids = false;
  // A field the engine fills with the row's local id when a create leaves it blank,
  // so that a create whose answer was lost can be found again ("" when none: the
  // orphan is then looked for among its parent's rows).
  std::string recovery_field;
  // The remote has no update and no delete for this entity (status-page comments):
  // once the server has a row it cannot change here.
  bool append_only = false;
  // The field that holds the row's unique name within its parent, if the server enforces one.
  std::string unique_name_field;

  const Field* field(std::string_view name) const;
  bool has_validity() const;  // the row carries owned_active / parent_active
};

// What a create leaves in its entity's recovery field when the app left it blank
// ("hsesync:<local id>"): unique, so a create whose answer was lost is found again.
std::string recovery_value(const std::string& local_id);

// Every entity, parents before children (the pull order).
const std::vector<Entity>& entities();
// The entity named `name`, or nullptr.
const Entity* find_entity(std::string_view name);
// The entity named `name`; throws hse::Error(invalid) naming it when unknown.
const Entity& entity(std::string_view name);

}  // namespace hse::schema
