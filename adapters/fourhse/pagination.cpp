#include "adapters/fourhse/pagination.hpp"

namespace hse::adapters::fourhse {

using http::AnswerContext;
using http::kMaxPageCount;
using http::kMaxTotalCount;
using http::header_int;
using http::parse_body;
using http::scrub;

namespace {

[[noreturn]] void bad(const std::string& why, const http::Response& answer, const AnswerContext& ctx) {
  throw RemoteError(Code::server, scrub(ctx.what + ": malformed index answer: " + why, ctx.secrets), answer.status);
}

int body_int(const json& body, const char* key, int fallback) {
  auto it = body.is_object() ? body.find(key) : body.end();
  return it != body.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

}  // namespace

engine::sync::RemotePage read_page(const http::Response& answer, const json& request_body, int max_rows,
                             const AnswerContext& ctx) {
  json body = parse_body(answer, ctx);
  if (!body.is_array()) bad("the body is not a JSON array", answer, ctx);
  if (body.size() > static_cast<size_t>(max_rows))
    bad(std::to_string(body.size()) + " rows in one page, more than the limit of " + std::to_string(max_rows), answer,
        ctx);

  engine::sync::RemotePage page;
  std::string error;
  page.page = header_int(answer, "x-pagination-current-page", 1, kMaxPageCount, body_int(request_body, "page", 1), error);
  page.page_count = header_int(answer, "x-pagination-page-count", 0, kMaxPageCount, 1, error);
  page.per_page = header_int(answer, "x-pagination-per-page", 1, max_rows,
                             std::max(1, body_int(request_body, "per-page", 100)), error);
  page.total_count =
      header_int(answer, "x-pagination-total-count", 0, kMaxTotalCount, static_cast<int>(body.size()), error);
  if (!error.empty()) bad(error, answer, ctx);
  if (body.size() > static_cast<size_t>(page.per_page))
    bad(std::to_string(body.size()) + " rows in a page of " + std::to_string(page.per_page), answer, ctx);

  page.rows.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    json& row = body[i];
    const std::string which = "row " + std::to_string(i + 1) + " of the page";
    if (!row.is_object()) bad(which + " is not a JSON object", answer, ctx);
    // A row without its key cannot be matched to the replica's: accepting it would make
    // the scan miss a row it holds, and the pull delete it as gone from the server.
    if (!ctx.key_field.empty()) {
      auto key = row.find(ctx.key_field);
      if (key == row.end() || key->is_null()) bad(which + " has no " + ctx.key_field, answer, ctx);
      if (!key->is_string() || key->get_ref<const std::string&>().empty())
        bad(which + ": " + ctx.key_field + " is not a non-empty string", answer, ctx);
    }
    page.rows.push_back(std::move(row));
  }
  return page;
}

void check_row_fields(const schema::Entity& e, const engine::sync::RemotePage& page, const http::Response& answer,
                      const AnswerContext& ctx) {
  for (size_t i = 0; i < page.rows.size(); ++i) {
    for (const auto& f : e.fields) {
      if (f.type == schema::Type::json || f.type == schema::Type::object) continue;
      auto v = page.rows[i].find(f.name);
      if (v == page.rows[i].end() || !v->is_structured()) continue;
      bad("row " + std::to_string(i + 1) + " of the page: " + f.name + " is " + (v->is_array() ? "an array" : "an object") +
              ", not a single value",
          answer, ctx);
    }
  }
}

}  // namespace hse::adapters::fourhse
