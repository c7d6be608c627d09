// A replica's configuration, typed: parsed and checked once, when the engine opens
// (the C API's hse_open, hse-sync init), against the key table in
// core/config_keys.hpp, which also holds every default. docs/CONFIG.md is the
// reference. Plain values; thread-safe to read.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/remote_config.hpp"
#include "engine/merge/policy.hpp"

namespace hse::engine::config {

using json = nlohmann::json;

// What a committed local write survives (see "durability" in docs/CONFIG.md).
enum class Durability { full, normal };
const char* to_string(Durability d);

struct SyncSettings {
  std::chrono::milliseconds interval{};
  std::chrono::milliseconds pull_interval{};
  std::chrono::milliseconds debounce{};
  std::chrono::milliseconds backoff_min{};
  std::chrono::milliseconds backoff_max{};
  int per_page = 0;
  int concurrency = 0;  // pull pages in flight per entity: twice this
  int push_concurrency = 0;
  int max_attempts = 0;
};

struct Config {
  Durability durability = Durability::full;
  RemoteConfig remote;                // remote.url "" when none is configured
  std::vector<std::string> projects;  // scopes.projects; empty: everything the account sees
  merge::PolicyTable policies;
  SyncSettings sync;
};

// Parses a whole configuration. Throws Error(invalid) with a field naming the key
// at fault and a message saying what it allows, for an unknown key too.
Config parse(const json& config);

// `config` with every absent key of the table set to its default (secrets kept:
// never log it). Refuses what parse() refuses.
json with_defaults(const json& config);

}  // namespace hse::engine::config
