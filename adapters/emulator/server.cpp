#include "adapters/emulator/server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <array>
#include <optional>
#include <thread>
#include <vector>

#include "adapters/http/gzip.hpp"

namespace hse::adapters::emulator {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Emulator& emulator)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), emulator_(emulator) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(emulator_.max_body_bytes());
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      http::Response r;
      r.status = 413;
      r.headers["content-type"] = "application/json; charset=UTF-8";
      r.body = R"({"name":"Payload Too Large","message":"The request body is too large","code":0,"status":413})";
      lingering_ = true;
      return write(r, false);
    }
    if (ec) return close();
    auto& msg = parser_->get();
    http::Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& h : msg) req.headers[std::string(h.name_string())] = std::string(h.value());
    req.body = std::move(msg.body());
    bool keep_alive = msg.keep_alive();
    FaultDecision fault = emulator_.next_fault(req);
    if (fault.latency_ms > 0) {
      timer_.expires_after(std::chrono::milliseconds(fault.latency_ms));
      timer_.async_wait([self = shared_from_this(), req = std::move(req), fault, keep_alive](beast::error_code) {
        self->apply(req, fault, keep_alive);
      });
      return;
    }
    apply(req, fault, keep_alive);
  }

  void apply(const http::Request& req, const FaultDecision& fault, bool keep_alive) {
    switch (fault.kind) {
      case FaultKind::drop:
        return close();
      case FaultKind::error:
        return write(fault_response(fault), keep_alive);
      case FaultKind::lost_response:
        emulator_.handle(req);
        return close();
      case FaultKind::none:
        return write(compressed(req, emulator_.handle(req)), keep_alive, counted(req));
    }
  }

  // /_admin/ answers stay out of the byte count, as they do out of the request count.
  static bool counted(const http::Request& req) { return req.target.rfind("/_admin/", 0) != 0; }

  // Small answers are not worth a gzip header; anything already encoded stays as it is.
  http::Response compressed(const http::Request& req, http::Response r) {
    if (!emulator_.gzip() || r.body.size() < 1024 || r.headers.count("content-encoding")) return r;
    auto it = req.headers.end();
    for (auto h = req.headers.begin(); h != req.headers.end(); ++h)
      if (beast::iequals(h->first, "accept-encoding")) it = h;
    if (it == req.headers.end() || it->second.find("gzip") == std::string::npos) return r;
    r.body = http::gzip(r.body, 6);
    r.headers["content-encoding"] = "gzip";
    r.headers["vary"] = "Accept-Encoding";
    return r;
  }

  void write(const http::Response& r, bool keep_alive, bool count = true) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(r.status));
    for (const auto& [name, value] : r.headers) response_.set(name, value);
    response_.set(bhttp::field::server, "hse-emulator");
    response_.body() = r.body;
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    bhttp::async_write(socket_, response_, [self = shared_from_this(), keep_alive, count](beast::error_code ec, size_t n) {
      if (count) self->emulator_.count_bytes_out(n);
      if (!ec && self->lingering_) return self->linger();
      if (ec || !keep_alive) return self->close();
      self->read();
    });
  }

  // After refusing a body mid-upload: stop sending, but read and discard what the client
  // is still writing (for a while), so that it finishes its write and reads the 413
  // instead of failing on a reset connection.
  void linger() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    timer_.expires_after(std::chrono::seconds(5));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->close();
    });
    drain();
  }
  void drain() {
    socket_.async_read_some(asio::buffer(discard_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->timer_.cancel();
        return self->close();
      }
      self->drain();
    });
  }

  void close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  Emulator& emulator_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  bool lingering_ = false;
  std::array<char, 16384> discard_;
};

}  // namespace

struct Server::Impl {
  Impl(Emulator& e, uint16_t port, int threads)
      : emulator(e), acceptor(ioc), signals(ioc), threads(threads < 1 ? 1 : threads) {
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed by stop()
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(socket), emulator)->start();
      accept();
    });
  }

  asio::io_context ioc;
  Emulator& emulator;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  int threads;
};

Server::Server(Emulator& emulator, uint16_t port, int threads)
    : impl_(std::make_unique<Impl>(emulator, port, threads)) {}

Server::~Server() = default;

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::stop_on_signals() {
  impl_->signals.add(SIGINT);
  impl_->signals.add(SIGTERM);
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) stop();
  });
}

void Server::run() {
  impl_->accept();
  std::vector<std::thread> pool;
  for (int i = 1; i < impl_->threads; ++i) pool.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : pool) t.join();
}

void Server::stop() {
  // Posted so that the acceptor is only touched from the io_context's threads.
  asio::post(impl_->ioc, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->signals.cancel(ignored);
    impl_->ioc.stop();
  });
}

}  // namespace hse::adapters::emulator
