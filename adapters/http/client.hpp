// The HTTP/1.1 client the API adapters send through: a keep-alive connection pool,
// TLS with verification on by default, timeouts and size limits on everything the
// server controls. Only our own types appear here; Boost.Beast stays in the .cpp files.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/message.hpp"

namespace hse::adapters::http {

// Receives the client's warnings, one line each, without a trailing newline.
// Called from whichever thread is sending; must be thread-safe and must not block long.
using LogSink = std::function<void(std::string_view line)>;

struct ClientOptions {
  // "http://host[:port][/prefix]" or "https://...". Each request's target is appended
  // to the prefix.
  std::string base_url;
  // A PEM file of extra trust anchors, added to the system's default store. "" for none.
  std::string ca_file;
  // Certificate and host-name verification. Turning it off makes the connection
  // unauthenticated: every new connection then logs a warning.
  bool verify_peer = true;
  // Resolving, connecting and the TLS handshake together.
  std::chrono::milliseconds connect_timeout{10'000};
  // Writing the request, then, separately, reading the whole answer.
  std::chrono::milliseconds read_timeout{30'000};
  // Limits on what the server sends; breaking one fails the request with Code::server.
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 256 * 1024 * 1024;  // after gzip inflation too
  // Idle connections kept for reuse, and the concurrency of send_all().
  std::size_t pool_size = 4;
  std::string user_agent = "hsesync/0.1";
  // Ask for gzip (unless the request sets Accept-Encoding itself) and inflate it.
  bool gzip = true;
  // Where warnings go; empty means stderr.
  LogSink log;
};

// Throws hse::Error(Code::invalid) unless `path` is a readable file of PEM CA
// certificates that OpenSSL loads (what Client does with ClientOptions::ca_file).
void check_ca_file(const std::string& path);

// Thread-safe: send() and send_all() may be called from several threads at once.
// Move-only; destroying it closes the idle connections (no request may be in flight).
class Client final : public Transport {
 public:
  // Throws hse::Error(Code::invalid) for a bad base URL or a CA file check_ca_file refuses.
  explicit Client(ClientOptions options);
  ~Client() override;
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request on a pooled connection and returns the answer, whatever its status.
  // A kept-alive connection found closed is replaced once, transparently, when the
  // request cannot have been processed (nothing written) or is safe to repeat
  // (GET/HEAD/PUT/DELETE/OPTIONS, or Request::idempotent); otherwise the failure is thrown.
  // Throws hse::Error: Code::network (refused, reset, closed, a failed TLS handshake),
  // Code::tls (the certificate failed verification: CA, expiry, host name), Code::timeout,
  // Code::server (a limit broken, a malformed answer), Code::invalid (unknown method,
  // a target not starting with '/'). Messages name the method and the redacted URL only.
  Response send(const Request& request) override;

  // Sends over up to pool_size connections at once; answers in request order. After all
  // have finished, throws the failure of the first failed request (in request order).
  std::vector<Response> send_all(const std::vector<Request>& requests) override;

  // Connections accepted by the pool since construction (new TCP connections made).
  std::size_t connections_made() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hse::adapters::http
