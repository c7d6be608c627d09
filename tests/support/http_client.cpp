#include "tests/support/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "core/error.hpp"

namespace hse::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Impl {
  Impl(uint16_t p, std::chrono::milliseconds t) : port(p), timeout(t) {}

  // Runs one asynchronous operation to completion: only async operations honour the
  // stream's expiry, which is how the timeout is enforced.
  template <class Start>
  beast::error_code run(Start start) {
    beast::error_code result;
    start([&](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  void drop() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
    }
    stream.reset();
    buffer.clear();
  }

  asio::io_context ioc;
  uint16_t port;
  std::chrono::milliseconds timeout;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}

HttpClient::~HttpClient() = default;

adapters::http::Response HttpClient::send(const adapters::http::Request& request) {
  Impl& im = *impl_;
  auto fail = [&](beast::error_code ec, const char* what) -> adapters::http::Response {
    im.drop();
    Code code = ec == beast::error::timeout ? Code::timeout : Code::network;
    throw Error(code, std::string(what) + ": " + ec.message());
  };
  if (!im.stream) {
    im.stream.emplace(im.ioc);
    im.stream->expires_after(im.timeout);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), im.port);
    if (auto ec = im.run([&](auto h) { im.stream->async_connect(ep, h); })) return fail(ec, "connect");
    ++connections_;
  }
  bhttp::request<bhttp::string_body> req;
  req.method_string(request.method);
  req.target(request.target);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(im.port));
  for (const auto& [k, v] : defaults_) req.set(k, v);
  for (const auto& [k, v] : request.headers) req.set(k, v);
  req.body() = request.body;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") req.prepare_payload();
  req.keep_alive(true);

  im.stream->expires_after(im.timeout);
  if (auto ec = im.run([&](auto h) { bhttp::async_write(*im.stream, req, h); })) return fail(ec, "write");
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256u << 20);
  if (auto ec = im.run([&](auto h) { bhttp::async_read(*im.stream, im.buffer, parser, h); })) return fail(ec, "read");
  auto msg = parser.release();
  adapters::http::Response out;
  out.status = int(msg.result_int());
  for (const auto& h : msg) {
    std::string name(h.name_string());
    for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(h.value());
  }
  out.body = std::move(msg.body());
  if (!msg.keep_alive()) im.drop();
  return out;
}

namespace {
adapters::http::Request make(const char* method, const std::string& target, const std::string& body,
                             const Headers& headers) {
  adapters::http::Request r;
  r.method = method;
  r.target = target;
  r.body = body;
  r.headers = headers;
  bool typed = false;
  for (const auto& [k, v] : headers) {
    std::string lower = k;
    for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    typed = typed || lower == "content-type";
  }
  if (!typed && !body.empty()) r.headers["Content-Type"] = "application/json";
  return r;
}
}  // namespace

adapters::http::Response HttpClient::get(const std::string& target, const Headers& headers) {
  return send(make("GET", target, "", headers));
}
adapters::http::Response HttpClient::post(const std::string& target, const std::string& body, const Headers& headers) {
  return send(make("POST", target, body, headers));
}
adapters::http::Response HttpClient::put(const std::string& target, const std::string& body, const Headers& headers) {
  return send(make("PUT", target, body, headers));
}
adapters::http::Response HttpClient::del(const std::string& target, const Headers& headers) {
  return send(make("DELETE", target, "", headers));
}

void HttpClient::set_header(const std::string& name, const std::string& value) {
  if (value.empty()) defaults_.erase(name);
  else defaults_[name] = value;
}

}  // namespace hse::test
