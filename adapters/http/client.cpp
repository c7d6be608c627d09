#include "adapters/http/client.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "adapters/http/connection.hpp"
#include "adapters/http/gzip.hpp"
#include "adapters/http/url.hpp"
#include "core/error.hpp"

namespace hse::adapters::http {

namespace bhttp = boost::beast::http;
using detail::BeastRequest;
using detail::Connection;

namespace {

bool has_control(std::string_view s) {
  for (char c : s)
    if (c == '\r' || c == '\n' || c == '\0') return true;
  return false;
}

// Adds the CA certificates of `path` to `tls`: the one way a CA file is read, by the
// client and by check_ca_file alike.
void load_ca_file(detail::ssl::context& tls, const std::string& path) {
  boost::system::error_code ec;
  tls.load_verify_file(path, ec);
  if (ec)
    throw Error(Code::invalid, "cannot load CA file '" + path + "': " + ec.message(),
                {{"remote.ca_file", "must be a readable file of PEM CA certificates"}});
}

bool repeatable(const Request& r) {
  return r.idempotent || r.method == "GET" || r.method == "HEAD" || r.method == "PUT" || r.method == "DELETE" ||
         r.method == "OPTIONS";
}

}  // namespace

struct Client::Impl {
  ClientOptions options;
  BaseUrl url;
  std::optional<detail::ssl::context> tls;
  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;  // most recently used last
  std::atomic<std::size_t> made{0};

  explicit Impl(ClientOptions o) : options(std::move(o)), url(parse_base_url(options.base_url)) {
    if (options.pool_size == 0) options.pool_size = 1;
    if (!url.tls) {
      // Unused over plain HTTP, but a bad one is a mistake to report now, not when
      // the URL turns https.
      if (!options.ca_file.empty()) check_ca_file(options.ca_file);
      return;
    }
    tls.emplace(detail::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    tls->set_default_verify_paths(ec);  // a system without a store still works with ca_file
    if (!options.ca_file.empty()) load_ca_file(*tls, options.ca_file);
  }

  std::string display(const std::string& target) const {
    return (url.tls ? "https://" : "http://") + url.authority() + redact_target(url.prefix + target);
  }

  BeastRequest build(const Request& r) const {
    bhttp::verb verb = bhttp::string_to_verb(r.method);
    if (verb == bhttp::verb::unknown) throw Error(Code::invalid, "unknown HTTP method '" + r.method + "'");
    if (r.target.empty() || r.target.front() != '/' || has_control(r.target))
      throw Error(Code::invalid, "a request target must start with '/' and hold no control characters: " +
                                     redact_target(r.target));
    BeastRequest req{verb, url.prefix + r.target, 11};
    req.set(bhttp::field::host, url.authority());
    req.set(bhttp::field::user_agent, options.user_agent);
    if (options.gzip) req.set(bhttp::field::accept_encoding, "gzip");
    for (const auto& [name, value] : r.headers) {
      // Never echo the value: it may be an Authorization header.
      if (name.empty() || has_control(name) || has_control(value))
        throw Error(Code::invalid, "request header '" + (has_control(name) ? std::string("?") : name) +
                                       "' holds a control character");
      req.set(name, value);
    }
    req.keep_alive(true);
    req.body() = r.body;
    if (!r.body.empty() || verb == bhttp::verb::post || verb == bhttp::verb::put || verb == bhttp::verb::patch)
      req.prepare_payload();
    return req;
  }

  // An idle connection that still looks open, or null.
  std::unique_ptr<Connection> take_idle() {
    std::lock_guard lock(mu);
    while (!idle.empty()) {
      auto conn = std::move(idle.back());
      idle.pop_back();
      if (!conn->looks_closed()) return conn;
    }
    return nullptr;
  }

  std::unique_ptr<Connection> fresh() {
    auto conn = std::make_unique<Connection>(url, tls ? &*tls : nullptr, options);
    conn->connect();
    made.fetch_add(1, std::memory_order_relaxed);
    return conn;
  }

  void give_back(std::unique_ptr<Connection> conn) {
    if (!conn->reusable()) return;
    std::lock_guard lock(mu);
    if (idle.size() < options.pool_size) idle.push_back(std::move(conn));
  }

  void decode(Response& resp, const std::string& what) const {
    auto it = resp.headers.find("content-encoding");
    if (!options.gzip || it == resp.headers.end()) return;
    std::string enc = it->second;
    for (char& c : enc) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (enc != "gzip" && enc != "x-gzip") return;
    try {
      resp.body = gunzip(resp.body, options.max_body_bytes);
    } catch (const Error& e) {
      throw Error(e.code(), what + ": " + e.what());
    }
    resp.headers.erase(it);
    resp.headers["content-length"] = std::to_string(resp.body.size());
  }
};

void check_ca_file(const std::string& path) {
  detail::ssl::context tls(detail::ssl::context::tls_client);
  load_ca_file(tls, path);
}

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

std::size_t Client::connections_made() const noexcept { return impl_->made.load(std::memory_order_relaxed); }

Response Client::send(const Request& request) {
  Impl& self = *impl_;
  const BeastRequest req = self.build(request);
  const std::string what = request.method + " " + self.display(request.target);

  auto conn = self.take_idle();
  bool reused = conn != nullptr;
  if (!conn) {
    try {
      conn = self.fresh();
    } catch (const Error& e) {
      throw Error(e.code(), what + ": " + e.what());
    }
  }
  while (true) {
    try {
      Response resp = conn->exchange(req, what);
      self.give_back(std::move(conn));
      self.decode(resp, what);
      return resp;
    } catch (const detail::ExchangeError& e) {
      conn.reset();
      // A kept-alive connection the server closed while idle fails like this. Sending
      // again is safe only if the server cannot have acted on the first copy.
      bool stale = reused && e.code() == Code::network && !e.answer_started;
      if (!stale || (e.request_written && !repeatable(request))) throw Error(e.code(), e.what());
      reused = false;
      try {
        conn = self.fresh();
      } catch (const Error& again) {
        throw Error(again.code(), what + ": " + again.what());
      }
    }
  }
}

std::vector<Response> Client::send_all(const std::vector<Request>& requests) {
  const std::size_t n = requests.size();
  if (n <= 1) return Transport::send_all(requests);

  std::vector<std::optional<Response>> answers(n);
  std::vector<std::exception_ptr> failures(n);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    // Requests are taken in order, so once one fails, every earlier one has started
    // and "the first failure in request order" is already decided among them.
    for (std::size_t i; !failed.load() && (i = next.fetch_add(1)) < n;) {
      try {
        answers[i] = send(requests[i]);
      } catch (...) {
        failures[i] = std::current_exception();
        failed.store(true);
      }
    }
  };
  {
    std::vector<std::jthread> helpers;
    std::size_t threads = std::min(impl_->options.pool_size, n);
    for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(worker);
    worker();
  }
  for (auto& f : failures)
    if (f) std::rethrow_exception(f);
  std::vector<Response> out;
  out.reserve(n);
  for (auto& a : answers) out.push_back(std::move(*a));
  return out;
}

}  // namespace hse::adapters::http
