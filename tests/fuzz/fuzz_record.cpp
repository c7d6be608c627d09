// The validators, as every create and update of the app reaches them: JSON text
// parsed under the boundary's bounds, then checked against each entity.
// Input: byte 0 picks the entity, byte 1 the operation, the rest is the JSON text.
#include <optional>

#include "core/json_input.hpp"
#include "schema/validate.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using hse::schema::Entity;
using json = nlohmann::json;

// No other rows exist: every reference is dangling.
struct NoRows : hse::schema::RowLookup {
  std::optional<json> find(const Entity&, const std::string&) override { return std::nullopt; }
  bool name_taken(const Entity&, const std::string&, const std::string&, const std::string&) override { return false; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hse::fuzz::Bytes in(data, size);
  const auto& all = hse::schema::entities();
  const Entity& e = all[in.byte() % all.size()];
  const uint8_t op = in.byte();
  hse::fuzz::expect_only_hse_errors("record", [&] {
    json body = hse::parse_json(in.rest(), "json");
    NoRows rows;
    if (op % 2 == 0) {
      auto errors = hse::schema::check_create(e, body);
      if (errors.empty()) {
        json row = hse::schema::with_defaults(e, body);
        hse::schema::check_relations(e, row, rows);
        (void)row.dump();  // what the store does next: must be bounded too
      }
    } else {
      json existing = json::object();
      auto errors = hse::schema::check_update(e, body, existing);
      if (errors.empty()) (void)hse::schema::without_read_only(e, body).dump();
    }
  });
  return 0;
}
