// Reading a REST API's answers: JSON bodies, numeric headers, and non-2xx statuses
// turned into the typed errors the engine acts on (hse::RemoteError). Shared by both
// client adapters (4HSE and status-page) and the token endpoint.
// Thread-safe: free functions over values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/http/message.hpp"
#include "core/error.hpp"

namespace hse::adapters::http {

using json = nlohmann::json;

enum class Operation { list, view, create, update, remove, token };

// Where an answer came from, for error messages and for the statuses whose meaning
// depends on the call.
struct AnswerContext {
  Operation op = Operation::list;
  std::string what;       // "POST /v2/office/create": method and path, never a query
  std::string key_field;  // the entity's key, for the duplicate-id rule of create
  int64_t now_ms = 0;     // for Retry-After dates
  std::vector<std::string> secrets;  // replaced by "***" in every message
};

bool is_success(int status);

// The body parsed as JSON. Throws RemoteError(Code::server) when it is not JSON.
json parse_body(const Response& answer, const AnswerContext& ctx);

// An error answer's body as JSON when it is JSON within the bounds of
// core/json_input.hpp, else null: its details are a courtesy, and a malformed one
// must not hide the status.
json error_body(const Response& answer);

// Throws the RemoteError for a non-2xx answer:
//   400 → invalid; 401/403 → auth; 404 → not_found; 409 → conflict;
//   422 → invalid with the server's [{field, message}] list, except a create whose list
//         says the key field "has already been taken": a duplicate id → conflict;
//   429, 503 → rate_limited with retry_after_s from Retry-After;
//   other 5xx and unexpected statuses → server; other 4xx → invalid.
[[noreturn]] void throw_for_status(const Response& answer, const AnswerContext& ctx);

// Bounds on what a server may claim, so one bad header cannot make the engine plan
// billions of page requests.
inline constexpr int kMaxPageCount = 1'000'000;
inline constexpr int kMaxTotalCount = 1'000'000'000;

// Header `name` of `answer` as a number within [lo, hi]: `fallback` when it is absent;
// when it is present but not such a number, `fallback` too, and `error` (if still
// empty) says why.
int header_int(const Response& answer, const char* name, int lo, int hi, int fallback, std::string& error);

// `text` with every secret of at least 3 characters replaced by "***".
std::string scrub(std::string text, const std::vector<std::string>& secrets);

}  // namespace hse::adapters::http
