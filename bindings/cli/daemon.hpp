// hse-sync run: the background daemon.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hse::cli {

// Rounds on the replica's interval (--interval S overrides it), soon after local
// writes, including writes other processes make to the same file; one log line per
// round on stderr, and a progress line while a round pulls when stderr is a
// terminal. SIGINT/SIGTERM stop it after the current page (nothing applied is
// lost); SIGHUP reloads the configuration. Returns a summary when stopped.
nlohmann::json run_daemon(const std::string& db, const std::vector<std::string>& args);

}  // namespace hse::cli
