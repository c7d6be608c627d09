// The page sizes the remote APIs document for their lists (docs/api/): one place
// for each, in schema (next to the catalog of the same APIs), so that a client
// adapter, the emulator serving the same API, and the replica's local queries read
// the same numbers. The pull's own page size is a setting (sync.per_page in
// core/config_keys.cpp), not an API fact.
#pragma once

namespace hse::schema {

struct Paging {
  int default_per_page;  // when a list asks for no page size
  int max_per_page;      // the largest page the API serves
};

// 4HSE v2 `POST /v2/<entity>/index` (docs/api/000..003): "per-page" defaults to
// 100; the emulator refuses more than 1000 (422), and the replica's local queries,
// which take the same body, do too.
inline constexpr Paging kFourHsePaging{100, 1000};

// The status-page `GET /incident` (docs/api/004, "supports pagination"): per_page
// defaults to 20; a larger request than 100 is answered with 100 rows.
inline constexpr Paging kStatusPagePaging{20, 100};

}  // namespace hse::schema
