#include "adapters/http/answers.hpp"

#include <algorithm>
#include <charconv>

#include "adapters/http/retry_after.hpp"
#include "core/json_input.hpp"

namespace hse::adapters::http {

namespace {

constexpr size_t kMaxExcerpt = 200;

// The server's field list, from a Yii2 validation answer: [{"field", "message"}].
std::vector<FieldError> field_errors(const json& body) {
  std::vector<FieldError> out;
  if (!body.is_array()) return out;
  for (const auto& item : body) {
    if (!item.is_object()) continue;
    auto f = item.find("field");
    auto m = item.find("message");
    if (f == item.end() || !f->is_string()) continue;
    out.push_back({f->get<std::string>(), m != item.end() && m->is_string() ? m->get<std::string>() : ""});
  }
  return out;
}

// The human part of a Yii2 error answer ({"name", "message", "status"}), shortened.
std::string server_message(const Response& answer) {
  json body = error_body(answer);
  std::string text;
  if (body.is_object()) {
    for (const char* key : {"message", "error_description", "error", "name"}) {
      auto it = body.find(key);
      if (it != body.end() && it->is_string() && !it->get<std::string>().empty()) {
        text = it->get<std::string>();
        break;
      }
    }
  }
  if (text.size() > kMaxExcerpt) text = text.substr(0, kMaxExcerpt) + "...";
  return text;
}

std::string describe(const std::vector<FieldError>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : "; ") + f.field + ": " + f.message;
  return out;
}

bool duplicate_key(const std::vector<FieldError>& fields, const std::string& key) {
  return !key.empty() && std::any_of(fields.begin(), fields.end(), [&](const FieldError& f) {
           // Yii2's unique validator says `Project ID "…" has already been taken.`
           return f.field == key && f.message.find("has already been taken") != std::string::npos;
         });
}

[[noreturn]] void raise(Code code, const std::string& message, const Response& answer, const AnswerContext& ctx,
                        std::optional<int> retry_after = {}, std::vector<FieldError> fields = {}) {
  for (auto& f : fields) f.message = scrub(f.message, ctx.secrets);
  throw RemoteError(code, scrub(message, ctx.secrets), answer.status, retry_after, std::move(fields));
}

}  // namespace

bool is_success(int status) { return status >= 200 && status < 300; }

json error_body(const Response& answer) {
  try {
    return parse_json(answer.body, "the answer");
  } catch (const Error&) {
    return nullptr;
  }
}

json parse_body(const Response& answer, const AnswerContext& ctx) {
  try {
    // The body's size is bounded by the transport (max_body_bytes), not again here.
    return parse_json(answer.body, ctx.what + ": the answer (" + std::to_string(answer.status) + ")", Code::server,
                      {.max_bytes = answer.body.size()});
  } catch (const Error& e) {
    raise(Code::server, e.what(), answer, ctx);
  }
}

void throw_for_status(const Response& answer, const AnswerContext& ctx) {
  const int status = answer.status;
  const std::string head = ctx.what + " answered " + std::to_string(status);
  std::string detail = server_message(answer);
  const std::string suffix = detail.empty() ? "" : ": " + detail;

  if (status == 422 || status == 400) {
    json body = error_body(answer);
    std::vector<FieldError> fields = field_errors(body);
    if (status == 422 && ctx.op == Operation::create && duplicate_key(fields, ctx.key_field))
      raise(Code::conflict, head + ": a row with this " + ctx.key_field + " already exists", answer, ctx, {},
            std::move(fields));
    std::string text = fields.empty() ? suffix : ": " + describe(fields);
    raise(Code::invalid, head + text, answer, ctx, {}, std::move(fields));
  }
  if (status == 401) raise(Code::auth, head + ": the credentials were refused" + suffix, answer, ctx);
  if (status == 403) raise(Code::auth, head + ": access denied" + suffix, answer, ctx);
  if (status == 404) raise(Code::not_found, head + ": not found" + suffix, answer, ctx);
  if (status == 409) raise(Code::conflict, head + suffix, answer, ctx);
  if (status == 429 || status == 503) {
    auto retry = parse_retry_after(answer.header("retry-after"), ctx.now_ms);
    std::string when = retry ? " (retry after " + std::to_string(*retry) + " s)" : "";
    raise(Code::rate_limited, head + when + suffix, answer, ctx, retry);
  }
  if (status >= 400 && status < 500) raise(Code::invalid, head + suffix, answer, ctx);
  raise(Code::server, head + suffix, answer, ctx);
}

int header_int(const Response& answer, const char* name, int lo, int hi, int fallback, std::string& error) {
  std::string text = answer.header(name);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string::npos) return fallback;
  long long value = 0;
  auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < lo || value > hi) {
    if (error.empty())
      error = std::string(name) + " is '" + text.substr(0, 32) + "', expected a number from " + std::to_string(lo) +
              " to " + std::to_string(hi);
    return fallback;
  }
  return static_cast<int>(value);
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < 3) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
      text.replace(at, secret.size(), "***");
  }
  return text;
}

}  // namespace hse::adapters::http
