// The HTTP client against a scripted server on loopback: messages, keep-alive reuse,
// concurrency, timeouts, limits, stale connections, gzip, and secrets in messages.
#include "adapters/http/client.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "tests/unit/http/test_server.hpp"

using hse::Code;
using hse::Error;
using hse::adapters::http::Client;
using hse::adapters::http::ClientOptions;
using hse::adapters::http::Request;
using hse::adapters::http::Response;
using hse::test::Reply;
using hse::test::Seen;
using hse::test::ServerOptions;
using hse::test::TestServer;
using namespace std::chrono_literals;

namespace {

Reply ok(std::string body = "ok") {
  Reply r;
  r.body = std::move(body);
  r.headers = {{"Content-Type", "text/plain"}};
  return r;
}

ClientOptions options_for(const TestServer& server, std::string prefix = "") {
  ClientOptions o;
  o.base_url = server.url() + prefix;
  o.connect_timeout = 2s;
  o.read_timeout = 5s;
  return o;
}

Request get(std::string target) {
  Request r;
  r.target = std::move(target);
  return r;
}

Request post(std::string target, std::string body = "{}") {
  Request r;
  r.method = "POST";
  r.target = std::move(target);
  r.body = std::move(body);
  r.headers["Content-Type"] = "application/json";
  return r;
}

// The code and message of what `f` throws; fails the test if it throws nothing.
template <class F>
std::pair<Code, std::string> failure_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  ADD_FAILURE() << "expected an hse::Error";
  return {Code::ok, ""};
}

std::string gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

TEST(HttpClient, SendsTheRequestAndReturnsTheAnswer) {
  TestServer server([](const Seen& s) {
    Reply r = ok("echo:" + s.method + " " + s.target + " " + s.body);
    r.status = 201;
    r.headers.push_back({"X-Pagination-Page-Count", "7"});
    return r;
  });
  auto o = options_for(server, "/v2/");
  o.user_agent = "hse-test/1";
  Client client(o);
  Request r = post("/office/create?x=1", R"({"name":"a"})");
  r.headers["Authorization"] = "Bearer abc";
  Response resp = client.send(r);
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.body, R"(echo:POST /v2/office/create?x=1 {"name":"a"})");
  EXPECT_EQ(resp.header("x-pagination-page-count"), "7");
  EXPECT_EQ(resp.header("content-type"), "text/plain");
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].headers["host"], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen[0].headers["user-agent"], "hse-test/1");
  EXPECT_EQ(seen[0].headers["authorization"], "Bearer abc");
  EXPECT_EQ(seen[0].headers["content-type"], "application/json");
  EXPECT_EQ(seen[0].headers["content-length"], "12");
}

TEST(HttpClient, ReturnsErrorStatusesAsAnswers) {
  TestServer server([](const Seen&) {
    Reply r = ok(R"([{"field":"name","message":"bad"}])");
    r.status = 422;
    return r;
  });
  Client client(options_for(server));
  EXPECT_EQ(client.send(get("/x")).status, 422);
}

TEST(HttpClient, ReusesKeptAliveConnections) {
  TestServer server([](const Seen&) { return ok(); });
  Client client(options_for(server));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.send(i % 2 ? get("/a") : post("/b")).status, 200);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(client.connections_made(), 1u);
  EXPECT_EQ(server.requests(), 5u);
}

TEST(HttpClient, OpensANewConnectionWhenTheServerSaysClose) {
  TestServer server([](const Seen&) {
    Reply r = ok();
    r.headers.push_back({"Connection", "close"});
    return r;
  });
  Client client(options_for(server));
  client.send(get("/a"));
  client.send(get("/b"));
  EXPECT_EQ(server.connections(), 2u);
}

TEST(HttpClient, SendAllRunsConcurrentlyOverThePool) {
  TestServer server([](const Seen& s) {
    Reply r = ok(s.target);
    r.delay = 300ms;
    return r;
  });
  auto o = options_for(server);
  o.pool_size = 4;
  Client client(o);
  std::vector<Request> requests;
  for (int i = 0; i < 8; ++i) requests.push_back(post("/page/" + std::to_string(i)));
  auto start = std::chrono::steady_clock::now();
  auto answers = client.send_all(requests);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(answers.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(answers[i].body, "/page/" + std::to_string(i));
  EXPECT_EQ(server.max_in_flight(), 4);
  EXPECT_LE(server.connections(), 4u);
  // Serially this takes 2.4 s; four at a time, two waves of 300 ms.
  EXPECT_LT(elapsed, 1500ms);
}

TEST(HttpClient, SendAllThrowsTheFirstFailureInRequestOrder) {
  TestServer server([](const Seen& s) {
    if (s.target.rfind("/fail", 0) == 0) {
      Reply r;
      r.action = Reply::Action::close;
      return r;
    }
    Reply r = ok();
    r.delay = 50ms;
    return r;
  });
  Client client(options_for(server));
  std::vector<Request> requests = {post("/ok"), post("/fail-a"), post("/ok"), post("/fail-b")};
  auto [code, message] = failure_of([&] { client.send_all(requests); });
  EXPECT_EQ(code, Code::network);
  EXPECT_NE(message.find("/fail-a"), std::string::npos) << message;
}

TEST(HttpClient, IsSafeToShareBetweenThreads) {
  TestServer server([](const Seen& s) { return ok(s.target); });
  Client client(options_for(server));
  std::atomic<int> good{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          std::string target = "/t" + std::to_string(t) + "/" + std::to_string(i);
          if (client.send(get(target)).body == target) ++good;
        }
      });
  }
  EXPECT_EQ(good.load(), 100);
}

TEST(HttpClient, ReadTimeoutWhenTheServerNeverAnswers) {
  TestServer server([](const Seen&) {
    Reply r;
    r.action = Reply::Action::hang;
    return r;
  });
  auto o = options_for(server);
  o.read_timeout = 200ms;
  Client client(o);
  auto start = std::chrono::steady_clock::now();
  auto [code, message] = failure_of([&] { client.send(get("/slow")); });
  EXPECT_EQ(code, Code::timeout);
  EXPECT_NE(message.find("read_timeout"), std::string::npos) << message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HttpClient, ConnectTimeoutWhenTheHandshakeNeverCompletes) {
  // A TCP peer that accepts and never speaks TLS: the only way to stall a connect on
  // loopback, where SYNs are always answered.
  ServerOptions silent;
  silent.silent = true;
  TestServer server([](const Seen&) { return ok(); }, silent);
  ClientOptions o;
  o.base_url = "https://127.0.0.1:" + std::to_string(server.port());
  o.connect_timeout = 200ms;
  Client client(o);
  auto [code, message] = failure_of([&] { client.send(get("/")); });
  EXPECT_EQ(code, Code::timeout);
  EXPECT_NE(message.find("connect_timeout"), std::string::npos) << message;
}

TEST(HttpClient, ConnectionRefusedIsANetworkError) {
  uint16_t port;
  {
    TestServer gone([](const Seen&) { return ok(); });
    port = gone.port();
  }
  ClientOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  Client client(o);
  EXPECT_EQ(failure_of([&] { client.send(get("/")); }).first, Code::network);
}

TEST(HttpClient, AnswerHeaderOverTheLimitIsAServerError) {
  TestServer server([](const Seen&) {
    Reply r = ok();
    r.headers.push_back({"X-Big", std::string(20000, 'h')});
    return r;
  });
  auto o = options_for(server);
  o.max_header_bytes = 8192;
  Client client(o);
  auto [code, message] = failure_of([&] { client.send(get("/")); });
  EXPECT_EQ(code, Code::server);
  EXPECT_NE(message.find("max_header_bytes"), std::string::npos) << message;
}

TEST(HttpClient, AnswerBodyOverTheLimitIsAServerError) {
  TestServer server([](const Seen& s) { return ok(std::string(s.target == "/big" ? 100000 : 1000, 'b')); });
  auto o = options_for(server);
  o.max_body_bytes = 10000;
  Client client(o);
  EXPECT_EQ(client.send(get("/small")).body.size(), 1000u);
  auto [code, message] = failure_of([&] { client.send(get("/big")); });
  EXPECT_EQ(code, Code::server);
  EXPECT_NE(message.find("max_body_bytes"), std::string::npos) << message;
}

TEST(HttpClient, MalformedAnswerIsAServerError) {
  TestServer server([](const Seen&) {
    Reply r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Length: banana\r\n\r\n";
    return r;
  });
  Client client(options_for(server));
  EXPECT_EQ(failure_of([&] { client.send(get("/")); }).first, Code::server);
}

TEST(HttpClient, ReplacesAConnectionClosedWhileIdle) {
  // The server closes after answering without saying so: the pooled connection is
  // dead, and even a POST goes out on a new one because nothing was sent on the old.
  TestServer server([](const Seen&) {
    Reply r = ok();
    r.drop_after = true;
    return r;
  });
  Client client(options_for(server));
  EXPECT_EQ(client.send(post("/a")).status, 200);
  std::this_thread::sleep_for(50ms);  // let the FIN arrive
  EXPECT_EQ(client.send(post("/b")).status, 200);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.requests(), 2u);
}

namespace {

// Answers the first request, closes the connection on the second without answering
// (as if it died just as the request arrived), answers everything after.
struct DiesOnSecond {
  std::shared_ptr<std::atomic<int>> n = std::make_shared<std::atomic<int>>(0);
  Reply operator()(const Seen&) const {
    if (n->fetch_add(1) == 1) {
      Reply r;
      r.action = Reply::Action::close;
      return r;
    }
    return ok();
  }
};

}  // namespace

TEST(HttpClient, ResendsAnIdempotentRequestOnceWhenAKeptAliveConnectionDies) {
  TestServer server{DiesOnSecond{}};
  Client client(options_for(server));
  client.send(get("/first"));
  EXPECT_EQ(client.send(get("/second")).status, 200);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.requests(), 3u);
}

TEST(HttpClient, NeverResendsAPostWhoseAnswerMayHaveBeenLost) {
  TestServer server{DiesOnSecond{}};
  Client client(options_for(server));
  client.send(post("/first"));
  auto [code, message] = failure_of([&] { client.send(post("/create")); });
  EXPECT_EQ(code, Code::network);
  EXPECT_EQ(server.requests(), 2u);
}

TEST(HttpClient, ResendsAPostTheCallerMarkedIdempotent) {
  TestServer server{DiesOnSecond{}};
  Client client(options_for(server));
  client.send(post("/first"));
  Request r = post("/index");
  r.idempotent = true;
  EXPECT_EQ(client.send(r).status, 200);
  EXPECT_EQ(server.requests(), 3u);
}

TEST(HttpClient, AFreshConnectionThatDiesIsNotRetried) {
  TestServer server([](const Seen&) {
    Reply r;
    r.action = Reply::Action::close;
    return r;
  });
  Client client(options_for(server));
  EXPECT_EQ(failure_of([&] { client.send(get("/")); }).first, Code::network);
  EXPECT_EQ(server.requests(), 1u);
}

TEST(HttpClient, InflatesGzipAnswers) {
  const std::string text(5000, 'z');
  TestServer server([&](const Seen& s) {
    Reply r = ok(gzip(text));
    if (s.headers.count("accept-encoding") && s.headers.at("accept-encoding") == "gzip")
      r.headers.push_back({"Content-Encoding", "gzip"});
    else
      r.body = "not asked";
    return r;
  });
  Client client(options_for(server));
  Response resp = client.send(get("/"));
  EXPECT_EQ(resp.body, text);
  EXPECT_EQ(resp.header("content-encoding"), "");
}

TEST(HttpClient, GzipBombIsStoppedAtTheBodyLimit) {
  const std::string packed = gzip(std::string(1 << 20, 'z'));
  TestServer server([&](const Seen&) {
    Reply r = ok(packed);
    r.headers.push_back({"Content-Encoding", "gzip"});
    return r;
  });
  auto o = options_for(server);
  o.max_body_bytes = 64 * 1024;
  Client client(o);
  auto [code, message] = failure_of([&] { client.send(get("/")); });
  EXPECT_EQ(code, Code::server);
  EXPECT_NE(message.find("max_body_bytes"), std::string::npos) << message;
}

TEST(HttpClient, NoSecretInErrorMessages) {
  TestServer server([](const Seen&) {
    Reply r;
    r.action = Reply::Action::hang;
    return r;
  });
  auto o = options_for(server);
  o.read_timeout = 100ms;
  Client client(o);
  Request r = get("/v2/office/view/1?access-token=SECRET-TOKEN&x=1");
  r.headers["Authorization"] = "Bearer SECRET-BEARER";
  auto [code, message] = failure_of([&] { client.send(r); });
  EXPECT_EQ(code, Code::timeout);
  EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
  EXPECT_NE(message.find("access-token=***&x=1"), std::string::npos) << message;

  Request bad = get("/x?access-token=SECRET-TOKEN");
  bad.headers["Authorization"] = "Bearer SECRET\r\nX: y";
  auto [code2, message2] = failure_of([&] { client.send(bad); });
  EXPECT_EQ(code2, Code::invalid);
  EXPECT_EQ(message2.find("SECRET"), std::string::npos) << message2;
}

TEST(HttpClient, RejectsBadOptionsAndRequests) {
  ClientOptions o;
  o.base_url = "ftp://example.com";
  EXPECT_THROW(Client{o}, Error);
  o.base_url = "http://127.0.0.1:1";
  Client client(o);
  Request r = get("no-slash");
  EXPECT_EQ(failure_of([&] { client.send(r); }).first, Code::invalid);
  r = get("/");
  r.method = "FROB";
  EXPECT_EQ(failure_of([&] { client.send(r); }).first, Code::invalid);
  o.base_url = "https://127.0.0.1:1";
  o.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(failure_of([&] { Client c(o); }).first, Code::invalid);
}
