#include "tests/unit/http/test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <type_traits>

namespace hse::test {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct TestServer::State {
  Handler handler;
  ServerOptions options;
  std::optional<ssl::context> tls;  // before ioc: sessions destroyed with ioc may still use it
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> requests{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  std::atomic<std::size_t> handshake_failures{0};
  mutable std::mutex mu;
  std::vector<Seen> seen;

  asio::awaitable<void> wait_forever() {
    asio::steady_timer t(ioc, std::chrono::hours(1));
    co_await t.async_wait(use_tuple);
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, std::size_t id) {
    beast::flat_buffer buffer;
    while (true) {
      bhttp::request<bhttp::string_body> req;
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, use_tuple);
      if (ec) co_return;
      Seen s;
      s.method = std::string(req.method_string());
      s.target = std::string(req.target());
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        s.headers[name] = std::string(f.value());
      }
      s.body = req.body();
      s.connection = id;
      if constexpr (!std::is_same_v<Stream, tcp::socket>) {
        const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
        s.sni = sni ? sni : "";
      }
      {
        std::lock_guard lock(mu);
        seen.push_back(s);
      }
      requests.fetch_add(1);
      Reply r = handler(s);
      int now = in_flight.fetch_add(1) + 1;
      for (int m = max_in_flight.load(); now > m && !max_in_flight.compare_exchange_weak(m, now);) {
      }
      if (r.delay.count() > 0) {
        asio::steady_timer t(ioc, r.delay);
        co_await t.async_wait(use_tuple);
      }
      in_flight.fetch_sub(1);
      if (r.action == Reply::Action::hang) {
        co_await wait_forever();
        co_return;
      }
      if (r.action == Reply::Action::close) co_return;
      if (!r.raw.empty()) {
        co_await asio::async_write(stream, asio::buffer(r.raw), use_tuple);
        co_return;
      }
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), 11};
      bool keep = req.keep_alive();
      for (const auto& [k, v] : r.headers) {
        if (beast::iequals(k, "connection")) keep = keep && !beast::iequals(v, "close");
        else res.insert(k, v);
      }
      res.body() = r.body;
      res.keep_alive(keep);
      res.prepare_payload();
      auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
      if (wec || r.drop_after || !keep) co_return;
    }
  }

  asio::awaitable<void> session(tcp::socket socket, std::size_t id) {
    if (options.silent) {
      co_await wait_forever();
      co_return;
    }
    if (!tls) {
      co_await serve(socket, id);
      co_return;
    }
    ssl::stream<tcp::socket> stream(std::move(socket), *tls);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (ec) {
      handshake_failures.fetch_add(1);
      co_return;
    }
    co_await serve(stream, id);
  }

  asio::awaitable<void> accept_loop() {
    while (true) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec) co_return;
      std::size_t id = connections.fetch_add(1) + 1;
      asio::co_spawn(ioc, session(std::move(socket), id), asio::detached);
    }
  }
};

TestServer::TestServer(Handler handler, ServerOptions options) : state_(std::make_shared<State>()) {
  state_->handler = std::move(handler);
  state_->options = options;
  if (!options.cert_file.empty()) {
    state_->tls.emplace(ssl::context::tls_server);
    state_->tls->use_certificate_chain_file(options.cert_file);
    state_->tls->use_private_key_file(options.key_file, ssl::context::pem);
  }
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(ep.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(ep);
  state_->acceptor.listen();
  asio::co_spawn(state_->ioc, state_->accept_loop(), asio::detached);
  thread_ = std::thread([s = state_] { s->ioc.run(); });
}

TestServer::~TestServer() {
  state_->ioc.stop();
  thread_.join();
  // The io_context's destructor destroys the suspended sessions, closing their sockets.
}

uint16_t TestServer::port() const { return state_->acceptor.local_endpoint().port(); }
std::string TestServer::url() const {
  return std::string(state_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}
std::size_t TestServer::connections() const { return state_->connections.load(); }
std::size_t TestServer::requests() const { return state_->requests.load(); }
int TestServer::max_in_flight() const { return state_->max_in_flight.load(); }
std::size_t TestServer::tls_handshake_failures() const { return state_->handshake_failures.load(); }
std::vector<Seen> TestServer::seen() const {
  std::lock_guard lock(state_->mu);
  return state_->seen;
}

CertFiles make_self_signed(const std::string& dir, const std::string& name, const std::string& san) {
  CertFiles out{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=" +
                    name + " -addext subjectAltName=" + san + " -keyout " + out.key + " -out " + out.cert +
                    " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl failed: " + cmd);
  return out;
}

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "hse-http-test-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace hse::test
