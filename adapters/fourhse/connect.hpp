// Builds a FourHseRemote that talks over real sockets: one HTTP client for the API and,
// when the token endpoint lives on another host, one for it.
#pragma once

#include <memory>
#include <string>

#include "adapters/fourhse/fourhse_remote.hpp"
#include "adapters/http/client.hpp"

namespace hse::adapters::fourhse {

struct Endpoints {
  // "https://api.example.com" (FourHseOptions::base_path, default /v2, is appended to it).
  std::string api_url;
  // The token endpoint's full URL, e.g. "https://auth.4hse.com/realms/4hse/protocol/openid-connect/token".
  // Used only with OAuth; "" means the API host and OAuthOptions::token_path.
  std::string token_url;
  // TLS, timeouts, limits and pool size for both clients; base_url is ignored.
  http::ClientOptions http;
};

// Throws hse::Error(Code::invalid) for a bad URL, an unreadable CA file, or options
// FourHseRemote refuses. Connects lazily: nothing is sent before the first call.
std::unique_ptr<FourHseRemote> connect_fourhse(FourHseOptions options, const Endpoints& endpoints);

}  // namespace hse::adapters::fourhse
