// An index answer read into a page: the rows of the JSON array body and the four
// X-Pagination-* headers, each checked against sane bounds.
// Thread-safe: a pure function.
#pragma once

#include "adapters/fourhse/answers.hpp"
#include "engine/sync/remote.hpp"

namespace hse::adapters::fourhse {

// Bounds on what a server may claim, so one bad header cannot make the engine plan
// billions of page requests.
inline constexpr int kMaxPageCount = 1'000'000;
inline constexpr int kMaxTotalCount = 1'000'000'000;

// Header `name` of `answer` as a number within [lo, hi]: `fallback` when it is absent;
// when it is present but not such a number, `fallback` too, and `error` (if still
// empty) says why. Shared with the status-page adapter, whose headers differ.
int header_int(const http::Response& answer, const char* name, int lo, int hi, int fallback, std::string& error);

// `request_body` supplies page and per-page when a header is absent. Throws
// RemoteError(Code::server) for a body that is not an array of objects, a header that
// is not a number within bounds, or more rows than `max_rows` or than per-page.
engine::RemotePage read_page(const http::Response& answer, const json& request_body, int max_rows,
                             const AnswerContext& ctx);

}  // namespace hse::adapters::fourhse
