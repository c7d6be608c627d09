#include "adapters/fourhse/pagination.hpp"

#include <optional>
#include <string_view>

#include "core/json_input.hpp"

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

// The page's numbers from its X-Pagination-* headers (the request's where one is
// absent), for a body of `rows` rows; throws RemoteError as read_page says.
template <typename Page>
void read_numbers(Page& page, size_t rows, const http::Response& answer, const json& request_body, int max_rows,
                  const AnswerContext& ctx) {
  if (rows > static_cast<size_t>(max_rows))
    bad(std::to_string(rows) + " rows in one page, more than the limit of " + std::to_string(max_rows), answer, ctx);
  std::string error;
  page.page = header_int(answer, "x-pagination-current-page", 1, kMaxPageCount, body_int(request_body, "page", 1), error);
  page.page_count = header_int(answer, "x-pagination-page-count", 0, kMaxPageCount, 1, error);
  page.per_page = header_int(answer, "x-pagination-per-page", 1, max_rows,
                             std::max(1, body_int(request_body, "per-page", 100)), error);
  page.total_count = header_int(answer, "x-pagination-total-count", 0, kMaxTotalCount, static_cast<int>(rows), error);
  if (!error.empty()) bad(error, answer, ctx);
  if (rows > static_cast<size_t>(page.per_page))
    bad(std::to_string(rows) + " rows in a page of " + std::to_string(page.per_page), answer, ctx);
}

// The objects of a body that is a JSON array of objects and nothing else, found by
// their quotes and brackets (what they hold is read later); nullopt for any other
// body, or more than `max_rows` of them.
std::optional<std::vector<std::string_view>> split_rows(std::string_view body, int max_rows) {
  auto space = [&body](size_t& p) {
    while (p < body.size() && (body[p] == ' ' || body[p] == '\t' || body[p] == '\n' || body[p] == '\r')) ++p;
  };
  std::vector<std::string_view> rows;
  size_t p = 0;
  space(p);
  if (p == body.size() || body[p++] != '[') return std::nullopt;
  space(p);
  if (p < body.size() && body[p] == ']') {
    ++p;
  } else {
    for (;;) {
      if (p == body.size() || body[p] != '{' || rows.size() == static_cast<size_t>(max_rows)) return std::nullopt;
      // The page is level 1.
      const size_t end = json_span_end(body, p, JsonLimits{}.max_depth - 1);
      if (end == std::string_view::npos) return std::nullopt;
      rows.push_back(body.substr(p, end - p));
      p = end;
      space(p);
      if (p == body.size()) return std::nullopt;
      const char c = body[p++];
      if (c == ']') break;
      if (c != ',') return std::nullopt;
      space(p);
    }
  }
  space(p);
  if (p != body.size()) return std::nullopt;
  return rows;
}

// A page read from its text: nullopt when read_page would refuse it, or when the text
// holds what this reader leaves to read_page.
std::optional<engine::sync::PulledPage> read_text(const schema::Entity& e, const http::Response& answer,
                                                  const json& request_body, int max_rows, const AnswerContext& ctx) {
  auto rows = split_rows(answer.body, max_rows);
  if (!rows) return std::nullopt;
  const schema::Field* key_field = ctx.key_field.empty() ? nullptr : e.field(ctx.key_field);
  if (!ctx.key_field.empty() && !key_field) return std::nullopt;
  const size_t key = key_field ? size_t(key_field - e.fields.data()) : e.fields.size();
  engine::sync::PulledPage page;
  try {
    read_numbers(page, rows->size(), answer, request_body, max_rows, ctx);
    page.rows.reserve(rows->size());
    for (std::string_view text : *rows) {
      engine::store::CanonicalRow& row = page.rows.emplace_back();
      // Inside the page (level 1): a row may nest one level less.
      engine::store::canonical_row_from_text(e, text, row, "row", Code::server,
                                             {.max_depth = JsonLimits{}.max_depth - 1, .max_bytes = text.size()});
      // check_row_fields' and read_page's checks of a row: left to them to say.
      if (key < e.fields.size() &&
          (row.values[key].kind != engine::store::CanonicalRow::Kind::string || row.string(key).empty()))
        return std::nullopt;
      for (size_t i = 0; i < e.fields.size(); ++i) {
        const auto& v = row.values[i];
        if (v.kind == engine::store::CanonicalRow::Kind::other && v.parsed->is_structured() &&
            e.fields[i].type != schema::Type::json && e.fields[i].type != schema::Type::object)
          return std::nullopt;
      }
    }
  } catch (const Error&) {
    return std::nullopt;
  }
  return page;
}

}  // namespace

engine::sync::RemotePage read_page(const http::Response& answer, const json& request_body, int max_rows,
                             const AnswerContext& ctx) {
  json body = parse_body(answer, ctx);
  if (!body.is_array()) bad("the body is not a JSON array", answer, ctx);
  engine::sync::RemotePage page;
  read_numbers(page, body.size(), answer, request_body, max_rows, ctx);

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

engine::sync::PulledPage read_pulled_page(const schema::Entity& e, const http::Response& answer,
                                          const json& request_body, int max_rows, const AnswerContext& ctx) {
  if (auto page = read_text(e, answer, request_body, max_rows, ctx)) return std::move(*page);
  // Whatever the text reader left: read_page and check_row_fields say what is wrong
  // with the page, as they do for list(), or read it.
  engine::sync::RemotePage listed = read_page(answer, request_body, max_rows, ctx);
  check_row_fields(e, listed, answer, ctx);
  engine::sync::PulledPage page;
  page.page = listed.page, page.page_count = listed.page_count, page.per_page = listed.per_page;
  page.total_count = listed.total_count;
  page.rows.reserve(listed.rows.size());
  for (auto& row : listed.rows) engine::store::canonical_row(e, std::move(row), page.rows.emplace_back());
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
