// How to reach and authenticate against a 4HSE v2 API.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace hse::adapters::fourhse {

// OAuth2 password grant against a Keycloak-style token endpoint, with refresh tokens.
struct OAuthOptions {
  std::string token_path = "/realms/4hse/protocol/openid-connect/token";  // on the token transport
  std::string client_id;
  std::string username;
  std::string password;
};

struct FourHseOptions {
  // Prefix of every API path, without a trailing '/'.
  std::string base_path = "/v2";
  // A static API key, sent as the `access-token` query parameter. Mutually exclusive
  // with `oauth`; with neither, requests go unauthenticated.
  std::string access_token;
  std::optional<OAuthOptions> oauth;
  // An index page holding more rows than this is refused as malformed (Code::server),
  // so a broken or hostile server cannot make one answer arbitrarily large in memory.
  int max_rows_per_page = 10'000;
  // Reads "now" for Retry-After dates; null means the system clock.
  std::shared_ptr<Clock> clock;
};

}  // namespace hse::adapters::fourhse
