// An index answer read into a page: the rows of the JSON array body and the four
// X-Pagination-* headers, each checked against sane bounds.
// Thread-safe: a pure function.
#pragma once

#include "adapters/http/answers.hpp"
#include "engine/sync/remote.hpp"
#include "schema/catalog.hpp"

namespace hse::adapters::fourhse {

using json = nlohmann::json;

// `request_body` supplies page and per-page when a header is absent. Throws
// RemoteError(Code::server) for a body that is not an array of objects, a header that
// is not a number within bounds, or more rows than `max_rows` or than per-page.
engine::sync::RemotePage read_page(const http::Response& answer, const json& request_body, int max_rows,
                             const http::AnswerContext& ctx);

// Throws RemoteError(Code::server) naming the row and the field when a row of `page`
// holds an array or an object in a field the catalog types as a single value (text,
// id, number, boolean, date). Lenient on purpose otherwise: a number sent as text is
// the server's way, and the replica stores what the server says.
void check_row_fields(const schema::Entity& e, const engine::sync::RemotePage& page, const http::Response& answer,
                      const http::AnswerContext& ctx);

// The page read_page and check_row_fields give (or the failure they throw), each row
// in its canonical form: read from the answer's text without building the rows
// (store::canonical_row_from_text), except a page holding what that reader leaves to
// nlohmann's parser, which goes through read_page.
engine::sync::PulledPage read_pulled_page(const schema::Entity& e, const http::Response& answer,
                                          const json& request_body, int max_rows, const http::AnswerContext& ctx);

}  // namespace hse::adapters::fourhse
