#include "engine/config/config.hpp"

#include "core/config_keys.hpp"
#include "core/error.hpp"
#include "schema/paging.hpp"

namespace hse::engine::config {

namespace {

using std::chrono::milliseconds;

// A section of `config` (null when absent).
const json& section(const json& config, const char* name) {
  static const json none;
  auto it = config.find(name);
  return it == config.end() ? none : *it;
}

milliseconds seconds(double s) { return milliseconds(int64_t(s * 1000)); }

}  // namespace

const char* to_string(Durability d) { return d == Durability::normal ? "normal" : "full"; }

Config parse(const json& config) {
  static_assert(schema::kFourHsePaging.max_per_page == 1000, "sync.per_page's maximum in core/config_keys.cpp is the API's cap");
  refuse_unknown(config, "");
  Config c;
  c.durability = read_choice(config, "durability") == "normal" ? Durability::normal : Durability::full;
  c.remote = parse_remote_config(section(config, "remote"));

  const json& scopes = section(config, "scopes");
  refuse_unknown(scopes, "scopes");
  c.projects = read_string_list(scopes, "scopes.projects");
  if (!c.projects.empty() && c.remote.kind == RemoteKind::statuspage)
    throw Error(Code::invalid, "scopes.projects: the status-page remote has no projects",
                {{"scopes.projects", "is for a fourhse remote"}});

  c.policies = merge::PolicyTable(section(config, "policies"));

  const json& sync = section(config, "sync");
  refuse_unknown(sync, "sync");
  auto& s = c.sync;
  s.interval = seconds(read_number(sync, "sync.interval_s"));
  s.pull_interval = seconds(read_number(sync, "sync.pull_interval_s"));
  s.debounce = milliseconds(read_integer(sync, "sync.debounce_ms"));
  s.backoff_min = milliseconds(read_integer(sync, "sync.backoff_min_ms"));
  s.backoff_max = seconds(read_number(sync, "sync.backoff_max_s"));
  s.per_page = int(read_integer(sync, "sync.per_page"));
  s.concurrency = int(read_integer(sync, "sync.concurrency"));
  s.push_concurrency = int(read_integer(sync, "sync.push_concurrency"));
  s.max_attempts = int(read_integer(sync, "sync.max_attempts"));
  return c;
}

json with_defaults(const json& config) {
  parse(config);
  json out = config.is_object() ? config : json::object();
  for (const auto& k : config_keys()) {
    if (k.fallback.empty() || k.name.find('<') != std::string_view::npos) continue;
    // An oauth object's presence means OAuth: its defaults only fill one that is there.
    const json::json_pointer oauth("/remote/oauth");
    if (k.name.rfind("remote.oauth.", 0) == 0 && (!out.contains(oauth) || !out[oauth].is_object())) continue;
    std::string path;
    for (char ch : k.name) path += ch == '.' ? '/' : ch;
    const json::json_pointer ptr("/" + path);
    if (!out.contains(ptr) || out[ptr].is_null()) out[ptr] = json::parse(k.fallback);
  }
  return out;
}

}  // namespace hse::engine::config
