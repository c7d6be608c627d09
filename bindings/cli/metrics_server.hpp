// The daemon's HTTP endpoint: GET /metrics (Prometheus text) and GET /status (JSON),
// one request per connection, on its own thread. Binds to loopback unless an address
// is given. Thread-safe: the destructor stops it from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bindings/cli/metrics.hpp"

namespace hse::cli {

class MetricsServer {
 public:
  // `where`: "PORT" (127.0.0.1) or "HOST:PORT"; port 0 picks a free one. Throws
  // hse::Error(invalid) naming --metrics when it cannot parse or bind it.
  // `metrics` must outlive the server.
  MetricsServer(Metrics& metrics, const std::string& where);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // "127.0.0.1:PORT" as bound.
  std::string address() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hse::cli
