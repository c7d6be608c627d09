// Who may call the emulator: a fixed token (--token), and accounts (--user) that get
// expiring bearer tokens from the Keycloak-style password grant.
// Not thread-safe: the Emulator serialises every call under its mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/http/message.hpp"
#include "core/clock.hpp"

namespace hse::adapters::emulator {

class Auth {
 public:
  // `token`: a fixed access token that never expires ("" for none). `users`: name ->
  // password. With neither, no request needs a token.
  Auth(std::string token, std::map<std::string, std::string> users, int token_ttl_s,
       std::shared_ptr<Clock> clock, std::shared_ptr<Random> random);

  bool required() const { return !token_.empty() || !users_.empty(); }
  // The caller's user name when the request carries a valid, unexpired token
  // (`access-token` query parameter or `Authorization: Bearer`); nullopt otherwise.
  // The fixed token's caller is "api"; without required(), every caller is "anonymous".
  std::optional<std::string> caller(const http::Request&);
  // True when the request carries credentials of any kind (an `access-token` query
  // parameter or an Authorization header), valid or not: with caller() it tells an
  // anonymous request from one with a wrong token.
  bool presents_credentials(const http::Request&) const;

  // POST /realms/4hse/protocol/openid-connect/token: the password and refresh-token grants.
  http::Response token_endpoint(const http::Request&);
  // Forgets every issued token (the fixed token stays valid).
  void clear();

 private:
  struct Grant {
    std::string user;
    int64_t expires_ms;
  };
  http::Response issue(const std::string& user);

  std::string token_;
  std::map<std::string, std::string> users_;
  int token_ttl_s_;
  std::shared_ptr<Clock> clock_;
  std::shared_ptr<Random> random_;
  std::map<std::string, Grant> access_;
  std::map<std::string, Grant> refresh_;
};

// Case-insensitive header lookup on a request whose header names are as the client gave them.
std::string request_header(const http::Request&, const std::string& lower_name);
// The value of query parameter `name` in `target` (percent-decoded), or nullopt.
std::optional<std::string> query_param(const std::string& target, const std::string& name);

}  // namespace hse::adapters::emulator
