// Validation rules, the same for the replica (before a local write touches it)
// and the emulator (as the server applies them). Pure functions of the catalog;
// rules that need other rows ask a RowLookup.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "schema/catalog.hpp"
#include "schema/paging.hpp"

namespace hse::schema {

using json = nlohmann::json;

// What to do with read-only fields in a write body: the replica refuses them
// (an app that sends one has a bug), the server ignores them.
enum class ReadOnlyFields { refuse, ignore };

// Rules about one record alone: unknown fields, types, maximum lengths, enums,
// required fields, read-only fields, and the per-entity rules (a project's country
// is two letters; an incident with status closed needs date_closed).
// Returns every field at fault, in catalog order; empty when the body is valid.
std::vector<FieldError> check_create(const Entity&, const json& body, ReadOnlyFields = ReadOnlyFields::refuse);
// `patch` holds only the fields to change; `existing` is the current row. Also refuses
// a change to an immutable field (action_type, the key).
std::vector<FieldError> check_update(const Entity&, const json& patch, const json& existing,
                                     ReadOnlyFields = ReadOnlyFields::refuse);

// Other rows, as the validating side sees them.
class RowLookup {
 public:
  virtual ~RowLookup() = default;
  // The row of `e` with key `id`, or nullopt. It needs to hold only the key, the
  // parent field and the unique-name field: the rules read nothing else.
  virtual std::optional<json> find(const Entity& e, const std::string& id) = 0;
  // True when a row of `e` other than `except_id`, under `parent_id`, has `name`.
  virtual bool name_taken(const Entity& e, const std::string& parent_id, const std::string& name,
                          const std::string& except_id) = 0;
};

// Rules across rows, on the full row a write would leave: every referenced parent
// exists, an action's or incident's tenant_id is its office's project, an office's
// name is unique within its project.
std::vector<FieldError> check_relations(const Entity&, const json& row, RowLookup&);

// The body of a create with the server's defaults applied (project: status active,
// type safety; incident: status new).
json with_defaults(const Entity&, json body);
// `body` with the values the API types otherwise in the replica's form; what the
// API accepts, the replica accepts:
// - a flag given as the integer 0 or 1 (the status-page comment's `internal` is
//   typed integer in docs/api/004) becomes false/true;
// - a reference to a row whose id the server assigns, given as a positive integer
//   (the API's type: a comment's `incident`), becomes its decimal text, the form
//   the replica names such rows by (a local UUID until the row is pushed).
// Anything else is left as it is, for validation to judge.
json in_replica_form(const Entity&, json body);
// `body` without its read-only fields.
json without_read_only(const Entity&, json body);
// Orders field errors as the catalog orders the fields (unknown names last).
void sort_by_catalog(const Entity&, std::vector<FieldError>& errors);
// Throws ValidationError naming every field in `errors` when there is any.
void raise_if_any(std::vector<FieldError> errors);

// The body of an index request, parsed and checked against the catalog.
struct IndexQuery {
  struct Filter {
    const Field* field;
    json value;
  };
  std::vector<Filter> filters;
  const Field* sort = nullptr;  // nullptr: by key
  bool descending = false;
  int page = 1;
  int per_page = kFourHsePaging.default_per_page;
  bool history = false;
};

// Throws ValidationError naming the offending key ("filter.xyz", "sort", "page", ...).
IndexQuery parse_index_body(const Entity&, const json& body);

// Format checks, shared with the adapters.
bool is_date(const std::string& s);      // YYYY-MM-DD, a real calendar day
bool is_datetime(const std::string& s);  // YYYY-MM-DDTHH:MM
bool is_url(const std::string& s);

}  // namespace hse::schema
