#include "adapters/emulator/auth.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "adapters/http/url.hpp"

namespace hse::adapters::emulator {

namespace {

using json = nlohmann::json;

// Refresh tokens outlive access tokens by far, as Keycloak's do, so that a test with a
// one-second access token can still refresh it.
constexpr int64_t kRefreshTtlMs = 30 * 60 * 1000;

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Keycloak's error shape.
http::Response oauth_error(int status, const std::string& error, const std::string& description) {
  http::Response r;
  r.status = status;
  r.headers["content-type"] = "application/json";
  r.headers["cache-control"] = "no-store";
  r.body = json{{"error", error}, {"error_description", description}}.dump();
  return r;
}

}  // namespace

std::string request_header(const http::Request& r, const std::string& lower_name) {
  for (const auto& [k, v] : r.headers)
    if (lower(k) == lower_name) return v;
  return {};
}

std::optional<std::string> query_param(const std::string& target, const std::string& name) {
  auto q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  auto params = http::parse_form(std::string_view(target).substr(q + 1));
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

Auth::Auth(std::string token, std::map<std::string, std::string> users, int token_ttl_s,
           std::shared_ptr<Clock> clock, std::shared_ptr<Random> random)
    : token_(std::move(token)),
      users_(std::move(users)),
      token_ttl_s_(token_ttl_s),
      clock_(std::move(clock)),
      random_(std::move(random)) {}

std::optional<std::string> Auth::caller(const http::Request& r) {
  if (!required()) return "anonymous";
  std::string presented;
  if (auto q = query_param(r.target, "access-token")) {
    presented = *q;
  } else {
    std::string h = request_header(r, "authorization");
    if (h.size() > 7 && lower(h.substr(0, 7)) == "bearer ") presented = h.substr(7);
  }
  if (presented.empty()) return std::nullopt;
  if (!token_.empty() && presented == token_) return std::string("api");
  auto it = access_.find(presented);
  if (it == access_.end()) return std::nullopt;
  if (clock_->now_ms() >= it->second.expires_ms) {
    access_.erase(it);
    return std::nullopt;
  }
  return it->second.user;
}

bool Auth::presents_credentials(const http::Request& r) const {
  return query_param(r.target, "access-token").has_value() || !request_header(r, "authorization").empty();
}

http::Response Auth::issue(const std::string& user) {
  int64_t now = clock_->now_ms();
  std::string access = random_->uuid4() + random_->uuid4();
  std::string refresh = random_->uuid4() + random_->uuid4();
  access_[access] = {user, now + int64_t(token_ttl_s_) * 1000};
  refresh_[refresh] = {user, now + kRefreshTtlMs};
  http::Response r;
  r.status = 200;
  r.headers["content-type"] = "application/json";
  r.headers["cache-control"] = "no-store";
  r.body = json{{"access_token", access},
                {"expires_in", token_ttl_s_},
                {"refresh_expires_in", kRefreshTtlMs / 1000},
                {"refresh_token", refresh},
                {"token_type", "Bearer"},
                {"scope", "openid"}}
               .dump();
  return r;
}

http::Response Auth::token_endpoint(const http::Request& r) {
  if (r.method != "POST") return oauth_error(405, "invalid_request", "HTTP method not allowed");
  auto form = http::parse_form(r.body);
  const std::string grant = form["grant_type"];
  if (grant.empty()) return oauth_error(400, "invalid_request", "Missing form parameter: grant_type");
  if (form["client_id"].empty() && grant == "password")
    return oauth_error(401, "invalid_client", "Invalid client or Invalid client credentials");
  if (grant == "password") {
    auto it = users_.find(form["username"]);
    if (it == users_.end() || it->second != form["password"] || form["password"].empty())
      return oauth_error(401, "invalid_grant", "Invalid user credentials");
    return issue(it->first);
  }
  if (grant == "refresh_token") {
    auto it = refresh_.find(form["refresh_token"]);
    if (it == refresh_.end() || clock_->now_ms() >= it->second.expires_ms)
      return oauth_error(400, "invalid_grant", "Invalid refresh token");
    std::string user = it->second.user;
    return issue(user);
  }
  return oauth_error(400, "unsupported_grant_type", "Unsupported grant_type");
}

void Auth::clear() {
  access_.clear();
  refresh_.clear();
}

}  // namespace hse::adapters::emulator
