// The "remote" section of a replica's configuration, typed and checked against the
// key table (core/config_keys.hpp). In core so that the adapters' factory reads it
// the same way the engine does, without depending on the engine.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hse {

enum class RemoteKind { fourhse, statuspage };
const char* to_string(RemoteKind k);

struct OAuthConfig {
  std::string token_url;
  std::string client_id;
  std::string username;
  std::string password;  // a secret: never log it
  bool operator==(const OAuthConfig&) const = default;
};

struct RemoteConfig {
  RemoteKind kind = RemoteKind::fourhse;
  std::string url;                  // "" when none is configured
  std::string access_token;         // a secret: never log it
  std::optional<OAuthConfig> oauth;  // fourhse only
  std::string ca_file;
  bool verify_tls = true;
  std::chrono::milliseconds connect_timeout{};
  std::chrono::milliseconds read_timeout{};
  int pool_size = 0;
  bool operator==(const RemoteConfig&) const = default;
};

// Parses `remote` (an object, or null for none). Every key takes its default from
// the table. Throws Error(invalid) naming the key at fault ("remote.pool_size"),
// for an unknown key, and for oauth on a statuspage remote.
RemoteConfig parse_remote_config(const nlohmann::json& remote);

}  // namespace hse
