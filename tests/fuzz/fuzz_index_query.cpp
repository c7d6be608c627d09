// The filter and query parser: an index body (filter, sort, page, per-page,
// history) as the app gives hse_query and the emulator's index reads it.
// Input: byte 0 picks the entity, the rest is the JSON text.
#include "core/json_input.hpp"
#include "schema/validate.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hse::fuzz::Bytes in(data, size);
  const auto& all = hse::schema::entities();
  const auto& e = all[in.byte() % all.size()];
  hse::fuzz::expect_only_hse_errors("index query", [&] {
    auto q = hse::schema::parse_index_body(e, hse::parse_json(in.rest(), "query_json"));
    if (q.page < 1 || q.per_page < 1 || q.per_page > hse::schema::kFourHsePaging.max_per_page) std::abort();
    for (const auto& f : q.filters)
      if (f.field == nullptr || f.value.is_structured()) std::abort();
  });
  return 0;
}
