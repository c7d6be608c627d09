#include "bindings/cli/metrics_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

#include "core/error.hpp"

namespace hse::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

tcp::endpoint parse_where(const std::string& where) {
  const auto colon = where.rfind(':');
  const std::string host = colon == std::string::npos ? "127.0.0.1" : where.substr(0, colon);
  const std::string port = colon == std::string::npos ? where : where.substr(colon + 1);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  size_t used = 0;
  int number = -1;
  try {
    number = std::stoi(port, &used);
  } catch (...) {
  }
  if (ec || used != port.size() || number < 0 || number > 65535)
    throw Error(Code::invalid, "--metrics takes PORT or ADDRESS:PORT, not '" + where + "'",
                {{"--metrics", "must be PORT or ADDRESS:PORT (an IP address)"}});
  return {address, static_cast<unsigned short>(number)};
}

// One connection: read a request, answer it, close.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Metrics& metrics) : stream_(std::move(socket)), metrics_(metrics) {}

  void start() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->answer(ec); });
  }

 private:
  void answer(beast::error_code ec) {
    if (ec) return;
    response_.version(request_.version());
    response_.keep_alive(false);
    const std::string target(request_.target());
    if (request_.method() != http::verb::get) {
      response_.result(http::status::method_not_allowed);
      response_.body() = "GET only\n";
    } else if (target == "/metrics") {
      response_.set(http::field::content_type, "text/plain; version=0.0.4");
      response_.body() = metrics_.prometheus_text();
    } else if (target == "/status") {
      response_.set(http::field::content_type, "application/json");
      response_.body() = metrics_.status().dump() + "\n";
    } else {
      response_.result(http::status::not_found);
      response_.body() = "/metrics or /status\n";
    }
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  beast::tcp_stream stream_;
  Metrics& metrics_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_{http::status::ok, 11};
};

}  // namespace

struct MetricsServer::Impl {
  Impl(Metrics& m, const tcp::endpoint& at) : metrics(m), acceptor(io) {
    acceptor.open(at.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(at);
    acceptor.listen();
  }

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed: stopping
      std::make_shared<Session>(std::move(socket), metrics)->start();
      accept();
    });
  }

  Metrics& metrics;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;
};

MetricsServer::MetricsServer(Metrics& metrics, const std::string& where) {
  const tcp::endpoint at = parse_where(where);
  try {
    impl_ = std::make_unique<Impl>(metrics, at);
  } catch (const boost::system::system_error& e) {
    throw Error(Code::invalid, "--metrics cannot listen on " + where + ": " + e.what(),
                {{"--metrics", "cannot listen there"}});
  }
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

MetricsServer::~MetricsServer() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string MetricsServer::address() const {
  const auto at = impl_->acceptor.local_endpoint();
  return at.address().to_string() + ":" + std::to_string(at.port());
}

}  // namespace hse::cli
