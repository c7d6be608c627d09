#include "adapters/remote_factory.hpp"

#include "adapters/fourhse/connect.hpp"
#include "adapters/statuspage/connect.hpp"

namespace hse::adapters {

namespace {

using json = nlohmann::json;

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A positive integer setting, or nullopt when absent.
std::optional<int64_t> positive(const json& config, const char* key) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() < 1)
    throw Error(Code::invalid, std::string("remote.") + key + " must be a positive integer",
                {{std::string("remote.") + key, "must be a positive integer"}});
  return it->get<int64_t>();
}

// The HTTP settings every kind shares. base_url is left to the adapter.
http::ClientOptions http_options(const json& config) {
  http::ClientOptions o;
  o.ca_file = text(config, "ca_file");
  if (auto it = config.find("verify_tls"); it != config.end() && !it->is_null()) {
    if (!it->is_boolean())
      throw Error(Code::invalid, "remote.verify_tls must be true or false", {{"remote.verify_tls", "must be a boolean"}});
    o.verify_peer = it->get<bool>();
  }
  if (auto ms = positive(config, "connect_timeout_ms")) o.connect_timeout = std::chrono::milliseconds(*ms);
  if (auto ms = positive(config, "read_timeout_ms")) o.read_timeout = std::chrono::milliseconds(*ms);
  if (auto n = positive(config, "pool_size")) o.pool_size = static_cast<std::size_t>(*n);
  return o;
}

std::string url(const json& config) {
  std::string u = text(config, "url");
  if (u.empty()) throw Error(Code::invalid, "the remote has no url", {{"remote.url", "is required"}});
  return u;
}

std::shared_ptr<engine::sync::Remote> make_fourhse(const json& config) {
  fourhse::FourHseOptions options;
  options.access_token = text(config, "access_token");
  fourhse::Endpoints endpoints;
  endpoints.api_url = url(config);
  if (auto oauth = config.find("oauth"); oauth != config.end() && oauth->is_object()) {
    fourhse::OAuthOptions o;
    o.client_id = text(*oauth, "client_id");
    o.username = text(*oauth, "username");
    o.password = text(*oauth, "password");
    endpoints.token_url = text(*oauth, "token_url");
    options.oauth = o;
  }
  endpoints.http = http_options(config);
  return fourhse::connect_fourhse(std::move(options), endpoints);
}

std::shared_ptr<engine::sync::Remote> make_statuspage(const json& config) {
  if (config.contains("oauth"))
    throw Error(Code::invalid, "the status-page remote takes an access_token, not oauth",
                {{"remote.oauth", "is not supported by the statuspage remote"}});
  statuspage::StatusPageOptions options;
  options.access_token = text(config, "access_token");
  return statuspage::connect_statuspage(std::move(options), url(config), http_options(config));
}

}  // namespace

std::shared_ptr<engine::sync::Remote> make_remote(const nlohmann::json& config) {
  if (!config.is_object())
    throw Error(Code::invalid, "the remote configuration is not a JSON object", {{"remote", "must be a JSON object"}});
  if (config.contains("kind") && !config["kind"].is_string())
    throw Error(Code::invalid, "remote.kind is not a string", {{"remote.kind", "must be fourhse or statuspage"}});
  const std::string kind = config.value("kind", "fourhse");
  if (kind == "fourhse") return make_fourhse(config);
  if (kind == "statuspage") return make_statuspage(config);
  throw Error(Code::invalid, "unknown remote kind '" + kind.substr(0, 64) + "'",
              {{"remote.kind", "must be fourhse or statuspage"}});
}

}  // namespace hse::adapters
