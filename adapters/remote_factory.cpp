#include "adapters/remote_factory.hpp"

#include "adapters/fourhse/connect.hpp"
#include "adapters/statuspage/connect.hpp"
#include "core/remote_config.hpp"

namespace hse::adapters {

namespace {

// The HTTP settings every kind shares. base_url is left to the adapter.
http::ClientOptions http_options(const RemoteConfig& c) {
  http::ClientOptions o;
  o.ca_file = c.ca_file;
  o.verify_peer = c.verify_tls;
  o.connect_timeout = c.connect_timeout;
  o.read_timeout = c.read_timeout;
  o.pool_size = static_cast<std::size_t>(c.pool_size);
  return o;
}

std::string url(const RemoteConfig& c) {
  if (c.url.empty()) throw Error(Code::invalid, "the remote has no url", {{"remote.url", "is required"}});
  return c.url;
}

std::shared_ptr<engine::sync::Remote> make_fourhse(const RemoteConfig& c) {
  fourhse::FourHseOptions options;
  options.access_token = c.access_token;
  fourhse::Endpoints endpoints;
  endpoints.api_url = url(c);
  if (c.oauth) {
    fourhse::OAuthOptions o;
    o.client_id = c.oauth->client_id;
    o.username = c.oauth->username;
    o.password = c.oauth->password;
    endpoints.token_url = c.oauth->token_url;
    options.oauth = o;
  }
  endpoints.http = http_options(c);
  return fourhse::connect_fourhse(std::move(options), endpoints);
}

std::shared_ptr<engine::sync::Remote> make_statuspage(const RemoteConfig& c) {
  statuspage::StatusPageOptions options;
  options.access_token = c.access_token;
  return statuspage::connect_statuspage(std::move(options), url(c), http_options(c));
}

}  // namespace

std::shared_ptr<engine::sync::Remote> make_remote(const nlohmann::json& config) {
  if (!config.is_object())
    throw Error(Code::invalid, "the remote configuration is not a JSON object", {{"remote", "must be a JSON object"}});
  const RemoteConfig c = parse_remote_config(config);
  return c.kind == RemoteKind::statuspage ? make_statuspage(c) : make_fourhse(c);
}

}  // namespace hse::adapters
