// Test support: a small blocking HTTP/1.1 client over one keep-alive connection to
// 127.0.0.1, for tests that talk to a real server process.
//
//   hse::test::HttpClient c(port);
//   auto r = c.post("/v2/project/index", R"({"per-page": 5})");
//   r.status; r.header("x-pagination-total-count"); nlohmann::json::parse(r.body);
//
// The connection is opened on first use and reopened after the server closes it; a
// request is never retried. Not thread-safe: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "adapters/http/message.hpp"

namespace hse::test {

using Headers = std::map<std::string, std::string>;

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and returns the answer, whatever its status. Throws hse::Error with
  // Code::network when the connection fails or closes before an answer (the connection
  // is then dropped), Code::timeout when no answer comes within the timeout.
  adapters::http::Response send(const adapters::http::Request& request);

  adapters::http::Response get(const std::string& target, const Headers& headers = {});
  // `body` is sent as application/json unless `headers` name another Content-Type.
  adapters::http::Response post(const std::string& target, const std::string& body, const Headers& headers = {});
  adapters::http::Response put(const std::string& target, const std::string& body, const Headers& headers = {});
  adapters::http::Response del(const std::string& target, const Headers& headers = {});

  // A header sent with every request (e.g. "Authorization"); an empty value removes it.
  void set_header(const std::string& name, const std::string& value);
  // How many TCP connections this client has opened (1 while keep-alive holds).
  int connections_opened() const { return connections_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Headers defaults_;
  int connections_ = 0;
};

}  // namespace hse::test
