// The remote a replica's configuration names: {"kind": "fourhse" | "statuspage", "url": ...}.
// The engine takes this as its RemoteFactory, so it never depends on an adapter.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "engine/sync/remote.hpp"

namespace hse::adapters {

// `config` is the "remote" section, parsed by core/remote_config.hpp (docs/CONFIG.md
// lists its keys): kind ("fourhse", the default, or "statuspage") and url, plus
//   fourhse:    either access_token or oauth {token_url, client_id, username, password};
//   statuspage: an optional access_token (sent as a Bearer token; none reads public data);
// and for both the optional HTTP settings ca_file, verify_tls (default true),
// connect_timeout_ms, read_timeout_ms, pool_size.
// Throws hse::Error(Code::invalid) naming the field at fault ("remote.kind", "remote.url", ...).
std::shared_ptr<engine::sync::Remote> make_remote(const nlohmann::json& config);

}  // namespace hse::adapters
