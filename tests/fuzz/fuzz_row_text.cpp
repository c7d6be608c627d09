// The pull's reader of a row's text (canonical_row_from_text) against nlohmann's
// parser: it must refuse exactly the text the parser refuses (or that is not one
// object), and read the rest into the same canonical bytes, the same values to bind
// and the same normalized row. Input: byte 0 picks the entity, the rest is the text.
#include <cstdlib>

#include "core/json_input.hpp"
#include "engine/store/canonical_row.hpp"
#include "schema/catalog.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using hse::engine::store::CanonicalRow;
using json = nlohmann::json;

bool same_values(const hse::schema::Entity& e, const CanonicalRow& a, const CanonicalRow& b) {
  for (size_t i = 0; i < e.fields.size(); ++i) {
    const auto &x = a.values[i], &y = b.values[i];
    if (x.kind != y.kind || x.in_text != y.in_text || x.from != y.from || x.size != y.size) return false;
    if (x.kind == CanonicalRow::Kind::boolean && x.boolean != y.boolean) return false;
    if (x.kind == CanonicalRow::Kind::integer && x.integer != y.integer) return false;
    if (x.kind == CanonicalRow::Kind::string && a.string(i) != b.string(i)) return false;
    if (x.kind == CanonicalRow::Kind::other && *x.parsed != *y.parsed) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hse::fuzz::Bytes in(data, size);
  const auto& entities = hse::schema::entities();
  const hse::schema::Entity& e = entities[in.byte() % entities.size()];
  const std::string_view text = in.rest();
  const hse::JsonLimits limits{.max_depth = 16, .max_bytes = 1 << 20};
  hse::fuzz::expect_only_hse_errors("row_text", [&] {
    json parsed;
    bool parses = false;
    try {
      parsed = hse::parse_json(text, "row", hse::Code::server, limits);
      parses = parsed.is_object();
    } catch (const hse::Error&) {
    }
    CanonicalRow read;
    bool reads = true;
    try {
      hse::engine::store::canonical_row_from_text(e, text, read, "row", hse::Code::server, limits);
    } catch (const hse::Error&) {
      reads = false;
    }
    if (reads != parses) std::abort();
    if (!reads) return;
    CanonicalRow built;
    hse::engine::store::canonical_row(e, parsed, built);
    if (read.text != built.text || !same_values(e, read, built)) std::abort();
    if (read.normalized(e) != hse::engine::store::normalize(e, parsed)) std::abort();
  });
  return 0;
}
