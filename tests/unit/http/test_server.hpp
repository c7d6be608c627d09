// A scripted HTTP/1.1 server on 127.0.0.1 (plain or TLS) for the client's tests. Each
// request goes to a handler that says how to answer: respond, delay, hang, drop the
// connection, or write raw bytes. Counts connections and requests. Everything it starts
// stops in its destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hse::test {

struct Seen {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::size_t connection = 0;  // 1 for the first accepted connection
  std::string sni;             // the TLS server name the client sent, "" for none
};

struct Reply {
  enum class Action {
    respond,  // write the answer below
    hang,     // never answer, hold the connection open
    close,    // close the connection without answering
  };
  Action action = Action::respond;
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // before answering; other connections go on meanwhile
  bool drop_after = false;             // close right after answering, without saying so
  std::string raw;                     // when set, written instead of an answer, then close
};

using Handler = std::function<Reply(const Seen&)>;

struct ServerOptions {
  std::string cert_file;  // PEM; TLS when set
  std::string key_file;
  bool silent = false;    // accept connections and never read or write anything
};

class TestServer {
 public:
  explicit TestServer(Handler handler, ServerOptions options = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:PORT" or "https://..."
  std::size_t connections() const;
  std::size_t requests() const;
  int max_in_flight() const;
  std::size_t tls_handshake_failures() const;
  std::vector<Seen> seen() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::thread thread_;
};

// A self-signed certificate (its own CA) and key made with the openssl CLI.
struct CertFiles {
  std::string cert;
  std::string key;
};
// `san` like "IP:127.0.0.1,DNS:localhost". Throws std::runtime_error when openssl fails.
CertFiles make_self_signed(const std::string& dir, const std::string& name, const std::string& san);

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace hse::test
