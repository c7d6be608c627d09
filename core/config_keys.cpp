#include "core/config_keys.hpp"

#include <cmath>
#include <optional>

#include "core/error.hpp"

namespace hse {

using json = nlohmann::json;

const std::vector<ConfigKey>& config_keys() {
  using T = KeyType;
  // sync.per_page's maximum is the 4HSE API's own cap on per-page
  // (schema/paging.hpp; engine/config/config.cpp asserts they agree).
  static const std::vector<ConfigKey> keys = {
      {"durability", T::choice, R"("full")", 0, 0, "full|normal",
       "full: every acknowledged local write survives power loss (SQLite synchronous=FULL); "
       "normal: the last writes before a crash may roll back (never half-applied), for faster writes"},
      {"remote.kind", T::choice, R"("fourhse")", 0, 0, "fourhse|statuspage", "which API the remote speaks"},
      {"remote.url", T::string, "", 0, 0, "",
       "the API's base URL (http or https); without it the replica works offline only and sync answers no_remote"},
      {"remote.access_token", T::string, R"("")", 0, 0, "",
       "a static token: 4HSE's access-token parameter, or the status-page API's bearer token. A secret"},
      {"remote.oauth.token_url", T::string, R"("")", 0, 0, "", "4HSE only: the OAuth2 (password grant) token endpoint"},
      {"remote.oauth.client_id", T::string, R"("")", 0, 0, "", "4HSE only: the OAuth2 client id"},
      {"remote.oauth.username", T::string, R"("")", 0, 0, "", "4HSE only: the account's user name"},
      {"remote.oauth.password", T::string, R"("")", 0, 0, "", "4HSE only: the account's password. A secret"},
      {"remote.ca_file", T::string, R"("")", 0, 0, "",
       "a PEM file of CA certificates to trust instead of the system's"},
      {"remote.verify_tls", T::boolean, "true", 0, 0, "", "verify the server's certificate and host name"},
      {"remote.connect_timeout_ms", T::integer, "10000", 1, 600'000, "", "how long a connection may take"},
      {"remote.read_timeout_ms", T::integer, "30000", 1, 3'600'000, "", "how long an answer may take"},
      {"remote.pool_size", T::integer, "8", 1, 64, "",
       "connections kept open to the remote; when unset, one per request a round sends at once: "
       "sync.push_concurrency or twice sync.concurrency, the larger"},
      {"scopes.projects", T::string_list, "[]", 0, 0, "",
       "4HSE only: the projects to mirror (with their offices, actions, incidents); [] mirrors all the account sees"},
      {"policies.<entity>", T::policy, R"("merge")", 0, 0, "merge|server_wins|client_wins|manual|callback",
       "the conflict policy of an entity, or an object of field -> policy"},
      {"policies.<entity>.<field>", T::policy, "", 0, 0, "merge|server_wins|client_wins|manual|callback",
       "the conflict policy of one field; \"*\" names the entity's other fields (default: merge)"},
      {"sync.interval_s", T::number, "60", 0.05, 86'400, "",
       "the scheduler's time between push rounds (a round with nothing to push sends no request)"},
      {"sync.pull_interval_s", T::number, "900", 0.05, 604'800, "",
       "the scheduler's time between pulls: full scans of the scope (the API has no change feed), "
       "also run at start and on demand; see the data cost below"},
      {"sync.debounce_ms", T::integer, "500", 0, 60'000, "", "how long after a local write the scheduler starts a round"},
      {"sync.backoff_min_ms", T::integer, "1000", 1, 3'600'000, "",
       "the first wait after a failed round (doubled per failure, jittered, at least the server's Retry-After)"},
      {"sync.backoff_max_s", T::number, "300", 0.05, 86'400, "", "the longest wait after failed rounds"},
      {"sync.per_page", T::integer, "500", 1, 1000, "", "rows the pull asks for per page"},
      {"sync.concurrency", T::integer, "4", 1, 16, "", "pull pages in flight at once per entity, times two"},
      {"sync.push_concurrency", T::integer, "8", 1, 32, "", "journal entries the push sends at once (different rows)"},
      {"sync.max_attempts", T::integer, "5", 1, 100, "",
       "transient failures of one entry before the push holds it for the app (state 'held')"},
  };
  return keys;
}

const ConfigKey& config_key(std::string_view name) {
  for (const auto& k : config_keys())
    if (k.name == name) return k;
  throw Error(Code::internal, "no configuration key " + std::string(name));
}

const char* to_string(KeyType t) {
  switch (t) {
    case KeyType::integer: return "integer";
    case KeyType::number: return "number";
    case KeyType::boolean: return "boolean";
    case KeyType::string: return "string";
    case KeyType::choice: return "string";
    case KeyType::string_list: return "array of strings";
    case KeyType::policy: return "policy";
  }
  return "?";
}

namespace {

std::string number_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(int64_t(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

// `shown`: the value refused, for the message (never for secrets: only choices show it).
[[noreturn]] void refuse(const ConfigKey& k, const std::string& what, const std::string& shown = "") {
  const std::string name(k.name);
  throw Error(Code::invalid, "configuration key " + name + (shown.empty() ? "" : " is '" + shown + "': it") + " " + what,
              {{name, what}});
}

// The value at the key's last part in `section`, or its default (nullopt when none).
std::optional<json> value_of(const json& section, const ConfigKey& k) {
  const std::string last(k.name.substr(k.name.rfind('.') + 1));
  if (section.is_object()) {
    auto it = section.find(last);
    if (it != section.end() && !it->is_null()) return *it;
  }
  if (k.fallback.empty()) return std::nullopt;
  return json::parse(k.fallback);
}

double ranged(const ConfigKey& k, const json& v, bool integer) {
  const bool ok = integer ? v.is_number_integer() : v.is_number();
  const double d = ok ? v.get<double>() : 0;
  if (!ok || d < k.min || d > k.max)
    refuse(k, std::string("must be ") + (integer ? "an integer" : "a number") + " in " + allowed_text(k));
  return d;
}

}  // namespace

std::string allowed_text(const ConfigKey& k) {
  switch (k.type) {
    case KeyType::integer:
    case KeyType::number: return number_text(k.min) + ".." + number_text(k.max);
    case KeyType::choice:
    case KeyType::policy: return std::string(k.choices);
    default: return "";
  }
}

int64_t read_integer(const json& section, std::string_view name) {
  const auto& k = config_key(name);
  auto v = value_of(section, k);
  return v ? int64_t(ranged(k, *v, true)) : 0;
}

double read_number(const json& section, std::string_view name) {
  const auto& k = config_key(name);
  auto v = value_of(section, k);
  return v ? ranged(k, *v, false) : 0;
}

bool read_boolean(const json& section, std::string_view name) {
  const auto& k = config_key(name);
  auto v = value_of(section, k);
  if (v && !v->is_boolean()) refuse(k, "must be true or false");
  return v && v->get<bool>();
}

std::string read_string(const json& section, std::string_view name) {
  const auto& k = config_key(name);
  auto v = value_of(section, k);
  if (v && !v->is_string()) refuse(k, "must be a string");
  return v ? v->get<std::string>() : std::string();
}

std::string read_choice(const json& section, std::string_view name) {
  const auto& k = config_key(name);
  auto v = value_of(section, k);
  const std::string choices(k.choices);
  if (!v) return "";
  if (v->is_string()) {
    const std::string s = v->get<std::string>();
    for (size_t start = 0;;) {
      size_t bar = choices.find('|', start);
      if (choices.substr(start, bar - start) == s) return s;
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
  }
  refuse(k, "must be one of " + choices, v->is_string() ? v->get<std::string>().substr(0, 64) : v->dump().substr(0, 64));
}

std::vector<std::string> read_string_list(const json& section, std::string_view name) {
  const auto& k = config_key(name);
  auto v = value_of(section, k);
  std::vector<std::string> out;
  if (!v) return out;
  if (!v->is_array()) refuse(k, "must be an array of strings");
  for (const auto& s : *v) {
    if (!s.is_string() || s.get<std::string>().empty()) refuse(k, "must be an array of non-empty strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

void refuse_unknown(const json& section, std::string_view prefix) {
  const std::string where = prefix.empty() ? std::string("the configuration") : std::string(prefix);
  if (section.is_null()) return;
  if (!section.is_object()) throw Error(Code::invalid, where + " must be a JSON object", {{where, "must be a JSON object"}});
  const std::string head = prefix.empty() ? "" : std::string(prefix) + ".";
  for (auto it = section.begin(); it != section.end(); ++it) {
    const std::string full = head + it.key();
    bool known = false;
    for (const auto& k : config_keys()) {
      // A key names `full` itself, or a section under it.
      if (k.name == full || (k.name.size() > full.size() && k.name.substr(0, full.size()) == full &&
                             k.name[full.size()] == '.')) {
        known = true;
        break;
      }
    }
    if (!known) throw Error(Code::invalid, "unknown configuration key " + full, {{full, "is not a configuration key (see docs/CONFIG.md)"}});
  }
}

}  // namespace hse
