// A scripted http::Transport: records every request and answers through a handler.
// Thread-safe, so concurrent callers can share it.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <vector>

#include "adapters/http/message.hpp"

namespace hse::test {

namespace http = hse::adapters::http;

class FakeTransport : public http::Transport {
 public:
  using Handler = std::function<http::Response(const http::Request&)>;
  explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}

  http::Response send(const http::Request& request) override {
    {
      std::lock_guard lock(mu_);
      sent_.push_back(request);
    }
    return handler_(request);
  }
  std::vector<http::Response> send_all(const std::vector<http::Request>& requests) override {
    ++send_all_calls_;
    return Transport::send_all(requests);
  }

  std::vector<http::Request> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  int send_all_calls() const { return send_all_calls_.load(); }

 private:
  Handler handler_;
  mutable std::mutex mu_;
  std::vector<http::Request> sent_;
  std::atomic<int> send_all_calls_{0};
};

inline http::Response answer(int status, std::string body, std::map<std::string, std::string> headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace hse::test
