#include "adapters/fourhse/oauth_session.hpp"

#include <algorithm>

#include "adapters/http/answers.hpp"
#include "adapters/http/url.hpp"
#include "engine/sync/remote.hpp"

namespace hse::adapters::fourhse {

using json = nlohmann::json;

using http::AnswerContext;
using http::Operation;
using http::is_success;
using http::parse_body;
using http::throw_for_status;
using http::scrub;

namespace {
// Renew this long before the announced expiry (at most half the lifetime), so a
// request does not leave with a token that dies on the way.
constexpr int64_t kRenewMarginMs = 30'000;
}  // namespace

OAuthSession::OAuthSession(OAuthOptions options, std::shared_ptr<http::Transport> transport,
                           std::shared_ptr<Clock> clock)
    : options_(std::move(options)), transport_(std::move(transport)), clock_(std::move(clock)) {}

bool OAuthSession::due_locked() const { return renew_at_ms_ != 0 && clock_->now_ms() >= renew_at_ms_; }

OAuthSession::Token OAuthSession::current() {
  {
    std::lock_guard state(state_mu_);
    if (!access_.empty() && !due_locked()) return {access_, generation_};
  }
  std::lock_guard fetch(fetch_mu_);
  bool have_token;
  {
    std::lock_guard state(state_mu_);
    // Another caller may have fetched while we waited for fetch_mu_.
    if (!access_.empty() && !due_locked()) return {access_, generation_};
    have_token = !access_.empty();
  }
  if (!have_token) {
    password_grant();
  } else {
    try {
      renew();
    } catch (const Error& e) {
      // The old token has some life left; a 401 will tell us if it has not.
      if (!is_transient(e.code())) throw;
    }
  }
  std::lock_guard state(state_mu_);
  return {access_, generation_};
}

void OAuthSession::refresh(uint64_t stale_generation) {
  std::lock_guard fetch(fetch_mu_);
  {
    std::lock_guard state(state_mu_);
    if (generation_ != stale_generation && !access_.empty()) return;  // someone else already did
  }
  renew();
}

std::vector<std::string> OAuthSession::secrets() const {
  std::lock_guard state(state_mu_);
  return secrets_locked();
}

std::vector<std::string> OAuthSession::secrets_locked() const { return {options_.password, access_, refresh_}; }

void OAuthSession::renew() {
  if (!refresh_grant()) password_grant();
}

http::Response OAuthSession::post_form(const std::string& form, const char* grant) {
  http::Request req;
  req.method = "POST";
  req.target = options_.token_path;
  req.headers["Content-Type"] = "application/x-www-form-urlencoded";
  req.headers["Accept"] = "application/json";
  req.body = form;
  req.idempotent = true;  // asking for a token twice is harmless
  http::Response answer = transport_->send(req);
  if (is_success(answer.status) || answer.status == 400 || answer.status == 401) return answer;
  AnswerContext ctx{Operation::token, "POST " + options_.token_path + " (" + grant + " grant)", "", clock_->now_ms(),
                    secrets()};
  throw_for_status(answer, ctx);
}

void OAuthSession::take(const http::Response& answer, const char* grant) {
  AnswerContext ctx{Operation::token, "POST " + options_.token_path + " (" + grant + " grant)", "", clock_->now_ms(),
                    secrets()};
  json body = parse_body(answer, ctx);
  auto access = body.is_object() ? body.find("access_token") : body.end();
  if (!body.is_object() || access == body.end() || !access->is_string() || access->get<std::string>().empty())
    throw RemoteError(Code::server, ctx.what + ": the answer holds no access_token", answer.status);
  auto refresh = body.find("refresh_token");
  auto expires = body.find("expires_in");
  int64_t lifetime_ms = expires != body.end() && expires->is_number() ? expires->get<int64_t>() * 1000 : 0;

  std::lock_guard state(state_mu_);
  access_ = access->get<std::string>();
  refresh_ = refresh != body.end() && refresh->is_string() ? refresh->get<std::string>() : "";
  renew_at_ms_ = lifetime_ms > 0 ? ctx.now_ms + lifetime_ms - std::min(kRenewMarginMs, lifetime_ms / 2) : 0;
  ++generation_;
}

void OAuthSession::password_grant() {
  using http::percent_encode;
  std::string form = "grant_type=password&client_id=" + percent_encode(options_.client_id) +
                     "&username=" + percent_encode(options_.username) + "&password=" + percent_encode(options_.password);
  http::Response answer = post_form(form, "password");
  if (!is_success(answer.status)) {
    // Neither the user name nor the password goes into the message: only the client id
    // and the endpoint's error code.
    json body = http::error_body(answer);
    std::string code = body.is_object() && body.contains("error") && body["error"].is_string()
                           ? " (" + body["error"].get<std::string>() + ")"
                           : "";
    throw RemoteError(Code::auth,
                      scrub("POST " + options_.token_path + ": the token endpoint refused the password grant for client '" +
                                options_.client_id + "'" + code,
                            {options_.password, options_.username}),
                      answer.status);
  }
  take(answer, "password");
}

bool OAuthSession::refresh_grant() {
  std::string refresh;
  {
    std::lock_guard state(state_mu_);
    refresh = refresh_;
  }
  if (refresh.empty()) return false;
  std::string form = "grant_type=refresh_token&client_id=" + http::percent_encode(options_.client_id) +
                     "&refresh_token=" + http::percent_encode(refresh);
  http::Response answer = post_form(form, "refresh_token");
  if (!is_success(answer.status)) {
    std::lock_guard state(state_mu_);
    refresh_.clear();  // expired or revoked: only the password grant can help now
    return false;
  }
  take(answer, "refresh_token");
  return true;
}

}  // namespace hse::adapters::fourhse
