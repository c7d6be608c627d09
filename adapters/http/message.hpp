// HTTP messages as plain values, and the transport interface the API adapters send
// them through. No Beast or Asio type appears here: the real client
// (adapters/http/client.hpp) and the in-process emulator transport both implement it,
// so an adapter runs unchanged over a socket or inside a deterministic test.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace hse::adapters::http {

struct Request {
  std::string method = "GET";  // GET, POST, PUT, DELETE
  std::string target = "/";    // path and query, already percent-encoded
  std::map<std::string, std::string> headers;  // names as given; sent as is
  std::string body;
  // The caller's promise that sending this request twice does what sending it once does
  // (an index read sent as POST). Lets a transport resend it after a
  // kept-alive connection died under it. GET, HEAD, PUT, DELETE and OPTIONS are
  // idempotent whatever this says.
  bool idempotent = false;
};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  // The header's value, or "" when absent. `name` in lower case.
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Sends requests and returns responses, whatever their status.
// Thread-safe: several threads may call send() at once.
// Failures to obtain any answer throw hse::Error with Code::network (connection
// refused, reset, closed before the answer), Code::timeout, or Code::server (an
// answer that breaks a limit or the protocol).
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Response send(const Request& request) = 0;
  // Sends all requests, concurrently where the transport can; answers in the same order.
  // When one fails, the exception of the first failure (in request order) is thrown.
  virtual std::vector<Response> send_all(const std::vector<Request>& requests) {
    std::vector<Response> out;
    out.reserve(requests.size());
    for (const auto& r : requests) out.push_back(send(r));
    return out;
  }
};

}  // namespace hse::adapters::http
