#include "adapters/http/connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <iostream>
#include <limits>

namespace hse::adapters::http::detail {

namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

void warn(const ClientOptions& options, const std::string& line) {
  if (options.log) {
    options.log(line);
  } else {
    std::cerr << line << '\n';
  }
}

// How a failed socket operation is reported. Limits and protocol violations are the
// server's fault (Code::server); everything about the connection is Code::network.
Code classify(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return Code::timeout;
  if (ec == bhttp::error::header_limit || ec == bhttp::error::body_limit) return Code::server;
  if (ec.category() == beast::error_code(bhttp::error::end_of_stream).category() && ec != bhttp::error::end_of_stream &&
      ec != bhttp::error::partial_message)
    return Code::server;
  return Code::network;
}

std::string describe(const beast::error_code& ec, const ClientOptions& options) {
  if (ec == beast::error::timeout) return "timed out after " + std::to_string(options.read_timeout.count()) + " ms (read_timeout)";
  if (ec == bhttp::error::header_limit)
    return "answer header exceeds max_header_bytes (" + std::to_string(options.max_header_bytes) + ")";
  if (ec == bhttp::error::body_limit)
    return "answer body exceeds max_body_bytes (" + std::to_string(options.max_body_bytes) + ")";
  if (ec == bhttp::error::end_of_stream) return "connection closed before the answer";
  if (ec == bhttp::error::partial_message) return "connection closed in the middle of the answer";
  if (classify(ec) == Code::server) return "malformed answer: " + ec.message();
  return ec.message();
}

}  // namespace

Connection::Connection(const BaseUrl& url, ssl::context* tls, const ClientOptions& options)
    : url_(url), options_(options), tls_context_(tls) {
  // Beast reads at most the buffer's free capacity (and at least 512 bytes), and the
  // body parser empties the buffer after every read: left to grow by itself it stays
  // near 512 bytes, and a 370 KB page took some 700 reads, each with its epoll wait and
  // timer update (bench_sync's bootstrap: 146,060 recvmsg for 74 MB, strace -c).
  buffer_.reserve(kReadBytes);
}

Connection::~Connection() { close(); }

template <class Start>
beast::error_code Connection::run(Start&& start) {
  // Every operation is started asynchronously and driven to completion here, so the
  // stream's deadline can cancel it: Beast's blocking calls have no timeouts.
  beast::error_code result = asio::error::operation_aborted;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc_.restart();
  ioc_.run();
  return result;
}

beast::tcp_stream& Connection::tcp() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

void Connection::close() noexcept {
  reusable_ = false;
  if (!plain_ && !tls_) return;
  beast::error_code ignored;
  // No TLS close_notify: waiting for the peer's answer could block, and an abrupt close
  // is harmless for HTTP, whose messages carry their own lengths.
  tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
  tcp().socket().close(ignored);
}

void Connection::connect() {
  const std::string peer = url_.authority();
  const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  const std::string timeout_msg =
      "connecting to " + peer + " timed out after " + std::to_string(options_.connect_timeout.count()) + " ms (connect_timeout)";

  tcp::resolver::results_type endpoints;
  {
    tcp::resolver resolver(ioc_);
    asio::steady_timer timer(ioc_);
    timer.expires_at(deadline);
    bool timed_out = false;
    beast::error_code ec;
    timer.async_wait([&](beast::error_code e) {
      if (!e) {
        timed_out = true;
        resolver.cancel();
      }
    });
    resolver.async_resolve(url_.host, std::to_string(url_.port), [&](beast::error_code e, tcp::resolver::results_type r) {
      ec = e;
      endpoints = std::move(r);
      timer.cancel();
    });
    ioc_.restart();
    ioc_.run();
    if (timed_out) throw Error(Code::timeout, timeout_msg);
    if (ec) throw Error(Code::network, "cannot resolve " + url_.host + ": " + ec.message());
  }

  if (tls_context_) {
    tls_.emplace(ioc_, *tls_context_);
  } else {
    plain_.emplace(ioc_);
  }
  tcp().expires_at(deadline);
  beast::error_code ec = run([&](auto handler) { tcp().async_connect(endpoints, std::move(handler)); });
  if (ec == beast::error::timeout) throw Error(Code::timeout, timeout_msg);
  if (ec) throw Error(Code::network, "cannot connect to " + peer + ": " + ec.message());
  beast::error_code ignored;
  tcp().socket().set_option(tcp::no_delay(true), ignored);

  if (tls_) {
    SSL* ssl = tls_->native_handle();
    // SNI must not carry an IP literal (RFC 6066 §3).
    if (!url_.host_is_ip() && !SSL_set_tlsext_host_name(ssl, url_.host.c_str()))
      throw Error(Code::network, "cannot set TLS server name for " + peer);
    if (options_.verify_peer) {
      tls_->set_verify_mode(ssl::verify_peer);
      // OpenSSL checks the name as part of chain verification, so a mismatch fails the
      // handshake with a precise reason instead of being checked (or forgotten) later.
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      int ok = url_.host_is_ip() ? X509_VERIFY_PARAM_set1_ip_asc(param, url_.host.c_str())
                                 : X509_VERIFY_PARAM_set1_host(param, url_.host.c_str(), url_.host.size());
      if (!ok) throw Error(Code::network, "cannot set TLS host-name check for " + peer);
    } else {
      tls_->set_verify_mode(ssl::verify_none);
      warn(options_, "hsesync http: WARNING: TLS certificate verification is disabled (verify_peer = false); "
                     "the connection to " + peer + " is not authenticated");
    }
    ec = run([&](auto handler) { tls_->async_handshake(ssl::stream_base::client, std::move(handler)); });
    if (ec == beast::error::timeout) throw Error(Code::timeout, timeout_msg);
    if (ec) {
      std::string why = ec.message();
      long verify = SSL_get_verify_result(ssl);
      // A certificate that does not verify will not verify on retry: its own class, not
      // transient, so a daemon stops retrying it and says why.
      if (verify != X509_V_OK)
        throw Error(Code::tls, "TLS handshake with " + peer + " failed: certificate verification failed: " +
                                   X509_verify_cert_error_string(verify));
      throw Error(Code::network, "TLS handshake with " + peer + " failed: " + why);
    }
  }
  reusable_ = true;
}

Response Connection::exchange(const BeastRequest& request, const std::string& what) {
  reusable_ = false;
  ++exchanges_;
  tcp().expires_after(options_.read_timeout);
  beast::error_code ec = tls_ ? run([&](auto h) { bhttp::async_write(*tls_, request, std::move(h)); })
                              : run([&](auto h) { bhttp::async_write(*plain_, request, std::move(h)); });
  if (ec) {
    close();
    throw ExchangeError(classify(ec), what + ": sending the request failed: " + describe(ec, options_), false, false);
  }

  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options_.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(options_.max_body_bytes);
  if (request.method() == bhttp::verb::head) parser.skip(true);
  tcp().expires_after(options_.read_timeout);
  ec = tls_ ? run([&](auto h) { bhttp::async_read(*tls_, buffer_, parser, std::move(h)); })
            : run([&](auto h) { bhttp::async_read(*plain_, buffer_, parser, std::move(h)); });
  if (ec) {
    bool started = parser.got_some() || buffer_.size() > 0;
    close();
    throw ExchangeError(classify(ec), what + ": " + describe(ec, options_), true, started);
  }
  tcp().expires_never();

  auto message = parser.release();
  Response out;
  out.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second.append(", ").append(field.value());
  }
  out.body = std::move(message.body());
  reusable_ = message.keep_alive();
  if (!reusable_) close();
  return out;
}

bool Connection::looks_closed() const {
  if (!reusable_ || buffer_.size() > 0) return true;
  auto& self = const_cast<Connection&>(*this);
  pollfd p{};
  p.fd = self.tcp().socket().native_handle();
  p.events = POLLIN | POLLRDHUP;
  // Between exchanges an HTTP/1.1 server has nothing to say: anything readable is an
  // EOF, a reset, a TLS alert or garbage, and the connection cannot be trusted.
  return ::poll(&p, 1, 0) != 0;
}

}  // namespace hse::adapters::http::detail
