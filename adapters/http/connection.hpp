// One client connection (plain TCP or TLS) and one request/answer exchange on it.
// Private to adapters/http: it includes Beast, so only the client's .cpp files include it.
// Not thread-safe: the pool hands a connection to one thread at a time. Each connection
// runs its own io_context, so blocking calls with deadlines need no shared thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <optional>

#include "adapters/http/client.hpp"
#include "adapters/http/url.hpp"
#include "core/error.hpp"

namespace hse::adapters::http::detail {

namespace beast = boost::beast;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

using BeastRequest = beast::http::request<beast::http::string_body>;

// A failed exchange, with how far it got: the pool decides from this whether the
// request may be sent again on a new connection.
class ExchangeError : public Error {
 public:
  ExchangeError(Code code, const std::string& message, bool request_written, bool answer_started)
      : Error(code, message), request_written(request_written), answer_started(answer_started) {}
  bool request_written;
  bool answer_started;
};

class Connection {
 public:
  // `tls` is null for plain http; it must outlive the connection.
  Connection(const BaseUrl& url, ssl::context* tls, const ClientOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Resolves, connects and, for TLS, handshakes with SNI and host-name checking.
  // Throws hse::Error(Code::network | Code::timeout); `what` names the peer, never a target.
  void connect();

  // Writes `request` and reads its answer. Throws ExchangeError (network, timeout,
  // server for a broken limit or a malformed answer); the connection is unusable after.
  Response exchange(const BeastRequest& request, const std::string& what);

  // False once the server asked to close, or an exchange failed.
  bool reusable() const { return reusable_; }
  // True when the idle connection shows signs of having been closed by the peer
  // (readable: EOF, a reset, a TLS alert, or stray bytes). Cheap: one poll().
  bool looks_closed() const;
  std::size_t exchanges() const { return exchanges_; }

 private:
  template <class Start>
  beast::error_code run(Start&& start);
  beast::tcp_stream& tcp();
  void close() noexcept;

  const BaseUrl& url_;
  const ClientOptions& options_;
  ssl::context* tls_context_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  static constexpr std::size_t kReadBytes = 64 * 1024;  // one read's most
  beast::flat_buffer buffer_;
  bool reusable_ = false;
  std::size_t exchanges_ = 0;
};

}  // namespace hse::adapters::http::detail
