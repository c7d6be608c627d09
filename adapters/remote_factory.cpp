#include "adapters/remote_factory.hpp"

#include "adapters/fourhse/connect.hpp"

namespace hse::adapters {

namespace {
std::string text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

std::shared_ptr<engine::Remote> make_remote(const nlohmann::json& config) {
  const std::string kind = config.value("kind", "fourhse");
  if (kind != "fourhse")
    throw Error(Code::invalid, "unknown remote kind '" + kind + "'", {{"remote.kind", "must be fourhse"}});
  fourhse::FourHseOptions options;
  options.access_token = text(config, "access_token");
  fourhse::Endpoints endpoints;
  endpoints.api_url = text(config, "url");
  if (endpoints.api_url.empty()) throw Error(Code::invalid, "the remote has no url", {{"remote.url", "is required"}});
  if (auto oauth = config.find("oauth"); oauth != config.end() && oauth->is_object()) {
    fourhse::OAuthOptions o;
    o.client_id = text(*oauth, "client_id");
    o.username = text(*oauth, "username");
    o.password = text(*oauth, "password");
    endpoints.token_url = text(*oauth, "token_url");
    options.oauth = o;
  }
  endpoints.http.ca_file = text(config, "ca_file");
  endpoints.http.verify_peer = config.value("verify_tls", true);
  if (config.contains("connect_timeout_ms"))
    endpoints.http.connect_timeout = std::chrono::milliseconds(config.value("connect_timeout_ms", 10'000));
  if (config.contains("read_timeout_ms"))
    endpoints.http.read_timeout = std::chrono::milliseconds(config.value("read_timeout_ms", 30'000));
  if (config.contains("pool_size")) endpoints.http.pool_size = config.value("pool_size", 4);
  return fourhse::connect_fourhse(std::move(options), endpoints);
}

}  // namespace hse::adapters
