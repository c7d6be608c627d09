#include "adapters/fourhse/connect.hpp"

#include "adapters/http/url.hpp"

namespace hse::adapters::fourhse {

std::unique_ptr<FourHseRemote> connect_fourhse(FourHseOptions options, const Endpoints& endpoints) {
  http::ClientOptions api_options = endpoints.http;
  api_options.base_url = endpoints.api_url;
  auto api = std::make_shared<http::Client>(api_options);

  std::shared_ptr<http::Transport> token = api;
  if (options.oauth && !endpoints.token_url.empty()) {
    // The URL's path becomes the token path; scheme and authority make the client.
    http::BaseUrl api_url = http::parse_base_url(endpoints.api_url);
    http::BaseUrl token_url = http::parse_base_url(endpoints.token_url);
    options.oauth->token_path = token_url.prefix.empty() ? "/" : token_url.prefix;
    bool same_host = api_url.tls == token_url.tls && api_url.authority() == token_url.authority();
    if (!same_host || !api_url.prefix.empty()) {
      http::ClientOptions token_options = endpoints.http;
      token_options.base_url = (token_url.tls ? "https://" : "http://") + token_url.authority();
      token_options.pool_size = 1;  // one login at a time
      token = std::make_shared<http::Client>(token_options);
    }
  }
  return std::make_unique<FourHseRemote>(std::move(options), std::move(api), std::move(token));
}

}  // namespace hse::adapters::fourhse
