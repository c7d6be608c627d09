#include "core/remote_config.hpp"

#include "core/config_keys.hpp"
#include "core/error.hpp"

namespace hse {

using json = nlohmann::json;

const char* to_string(RemoteKind k) { return k == RemoteKind::statuspage ? "statuspage" : "fourhse"; }

RemoteConfig parse_remote_config(const json& remote) {
  refuse_unknown(remote, "remote");
  RemoteConfig r;
  r.kind = read_choice(remote, "remote.kind") == "statuspage" ? RemoteKind::statuspage : RemoteKind::fourhse;
  r.url = read_string(remote, "remote.url");
  r.access_token = read_string(remote, "remote.access_token");
  if (remote.is_object() && remote.contains("oauth") && !remote["oauth"].is_null()) {
    const json& o = remote["oauth"];
    if (r.kind == RemoteKind::statuspage)
      throw Error(Code::invalid, "remote.oauth: the status-page remote takes an access_token, not oauth",
                  {{"remote.oauth", "is not supported by the statuspage remote"}});
    refuse_unknown(o, "remote.oauth");
    r.oauth = OAuthConfig{read_string(o, "remote.oauth.token_url"), read_string(o, "remote.oauth.client_id"),
                          read_string(o, "remote.oauth.username"), read_string(o, "remote.oauth.password")};
  }
  r.ca_file = read_string(remote, "remote.ca_file");
  r.verify_tls = read_boolean(remote, "remote.verify_tls");
  r.connect_timeout = std::chrono::milliseconds(read_integer(remote, "remote.connect_timeout_ms"));
  r.read_timeout = std::chrono::milliseconds(read_integer(remote, "remote.read_timeout_ms"));
  r.pool_size = int(read_integer(remote, "remote.pool_size"));
  return r;
}

}  // namespace hse
