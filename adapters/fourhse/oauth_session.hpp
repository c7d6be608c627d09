// The bearer token of an OAuth2 password-grant login, fetched on first use and
// refreshed after a 401.
// Thread-safe: one fetch or refresh at a time; callers that arrive meanwhile wait and
// then use its result instead of starting their own.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/fourhse/options.hpp"
#include "adapters/http/message.hpp"

namespace hse::adapters::fourhse {

class OAuthSession {
 public:
  // `transport` reaches the token endpoint; `clock` dates Retry-After and token expiry.
  OAuthSession(OAuthOptions options, std::shared_ptr<http::Transport> transport, std::shared_ptr<Clock> clock);

  struct Token {
    std::string access;
    uint64_t generation = 0;  // changes whenever the token does
  };

  // The current access token: fetched with the password grant when there is none yet,
  // renewed ahead of time when the endpoint said when it expires (a token that is about
  // to expire is still returned if renewing it fails for a transient reason).
  // Throws RemoteError: Code::auth when the endpoint refuses the credentials,
  // rate_limited (429/503), server (5xx, malformed answer); transport errors unchanged.
  Token current();

  // A request sent with the token of `stale_generation` was answered 401. Unless another
  // caller refreshed meanwhile, gets a new token: refresh_token grant first, the password
  // grant when there is no refresh token or the endpoint refuses it. Throws as current().
  void refresh(uint64_t stale_generation);

  // The secrets this session knows (password, tokens), for scrubbing error messages.
  std::vector<std::string> secrets() const;

 private:
  // Both run with fetch_mu_ held, and take state_mu_ only to read or store the tokens.
  void renew();          // refresh grant, falling back to the password grant
  void password_grant();
  bool refresh_grant();  // false when there is no refresh token or it is refused
  // Posts the form; returns 2xx/400/401 answers, throws for every other status.
  http::Response post_form(const std::string& form, const char* grant);
  void take(const http::Response& answer, const char* grant);
  std::vector<std::string> secrets_locked() const;  // state_mu_ held
  bool due_locked() const;                          // state_mu_ held: renew before use?

  const OAuthOptions options_;
  const std::shared_ptr<http::Transport> transport_;
  const std::shared_ptr<Clock> clock_;
  std::mutex fetch_mu_;          // one exchange with the token endpoint at a time
  mutable std::mutex state_mu_;  // the fields below; never held across a request
  std::string access_;
  std::string refresh_;
  uint64_t generation_ = 0;
  int64_t renew_at_ms_ = 0;  // 0: the endpoint gave no lifetime; wait for a 401
};

}  // namespace hse::adapters::fourhse
