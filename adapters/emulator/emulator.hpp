// The 4HSE v2 reference server, without its transport: Emulator::handle() turns one
// HTTP request into its response over the emulator's own SQLite database. The Beast
// server (server.hpp) and InProcessTransport (in_process_transport.hpp) both drive it,
// and both apply the faults next_fault() decides, so a test sees the same server
// whether it talks over a socket or in process.
//
// Thread-safe: every public method may be called from any thread; requests are
// served one at a time under one mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/emulator/faults.hpp"
#include "adapters/http/message.hpp"
#include "core/clock.hpp"

namespace hse::adapters::emulator {

class StatuspageStore;
class StatuspageApi;

class V2Store;
class Auth;

struct EmulatorOptions {
  std::string db_path = ":memory:";
  // A fixed access token (--token); "" for none.
  std::string token;
  // Accounts for the password grant (--user NAME:PASSWORD). With neither a token nor
  // users, no request needs a token: the emulator is open.
  std::map<std::string, std::string> users;
  int token_ttl_s = 300;
  bool demo = false;   // seed the demo data set at start and on /_admin/reset
  int demo_size = 0;   // extra actions and incidents (implies demo)
  bool admin = false;  // serve /_admin/ (otherwise it is 404)
  uint64_t seed = 1;   // demo data, generated ids and tokens derive from it
  FaultConfig faults;
  size_t max_body_bytes = 1 << 20;  // larger bodies are answered 413
  // Answer gzip to a request that accepts it (--gzip; POST /_admin/gzip {"enabled"}).
  // Off by default: the 4HSE API documents do not say that the server compresses.
  bool gzip = false;
  std::shared_ptr<Clock> clock;     // default: the system clock
  std::shared_ptr<Random> random;   // default: SeededRandom(seed)
};

class Emulator {
 public:
  // Throws hse::Error or SQLite::Exception when the database cannot be opened or seeded.
  explicit Emulator(EmulatorOptions options = {});
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Serves one request (faults are not applied here). Never throws: failures become
  // HTTP statuses (a bug answers 500).
  http::Response handle(const http::Request& request);

  // The fault a transport must apply to this request before (drop, error) or after
  // (lost response) calling handle(). A targeted rule matching the method and path
  // decides first; else the fault seed and the sequence of faultable requests (/v2 and
  // /incident paths). Other paths always get FaultKind::none.
  FaultDecision next_fault(const http::Request& request);
  void set_faults(const FaultConfig& config);

  size_t max_body_bytes() const { return options_.max_body_bytes; }
  // Request counters: {"total", "by_method": {...}, "faults": {"dropped", "errors", "lost"},
  // "bytes_out"}: bytes_out is what the socket server wrote for answers outside /_admin/
  // (status line, headers and body, compressed when it was), the bytes on the wire.
  nlohmann::json stats() const;
  void count_bytes_out(size_t bytes);
  bool gzip() const { return gzip_.load(); }

 private:
  http::Response route(const http::Request&);
  http::Response api(const http::Request&, const std::string& path);
  http::Response admin(const http::Request&, const std::string& path);
  // /incident and /incident/...: the status-page Incident API (adapters/statuspage/README.md).
  http::Response statuspage(const http::Request&);
  void reseed();
  void count(const http::Request&);

  EmulatorOptions options_;
  mutable std::mutex mu_;
  std::unique_ptr<V2Store> store_;
  std::unique_ptr<Auth> auth_;
  // The status-page tables live in store_'s database: declared after it, so destroyed first.
  std::unique_ptr<StatuspageStore> statuspage_store_;
  std::unique_ptr<StatuspageApi> statuspage_api_;
  FaultInjector faults_;
  // Counters have their own lock: next_fault() must not wait behind a slow request.
  mutable std::mutex stats_mu_;
  nlohmann::json stats_;
  std::atomic<bool> gzip_{false};
};

}  // namespace hse::adapters::emulator
