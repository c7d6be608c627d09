// hse-sync run: the background daemon.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hse::cli {

struct DaemonOptions {
  double interval_s = 0;  // > 0: overrides the replica's sync.interval_s
  std::string metrics;    // "PORT" or "ADDRESS:PORT": serve /metrics and /status there
};

// Rounds on the replica's interval (--interval S overrides it), soon after local
// writes, including writes other processes make to the same file; one log line per
// round on stderr, and a progress line while a round pulls when stderr is a
// terminal. SIGINT/SIGTERM stop it after the current page (nothing applied is
// lost); SIGHUP reloads the configuration. Returns a summary when stopped.
// With `metrics`, serves Prometheus /metrics and JSON /status (metrics_server.hpp).
// Under systemd (Type=notify, when built with libsystemd) it reports READY once the
// scheduler runs, RELOADING on SIGHUP and STOPPING on SIGTERM.
nlohmann::json run_daemon(const std::string& db, const DaemonOptions& options);

}  // namespace hse::cli
