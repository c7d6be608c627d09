// The 4HSE v2 API as an engine::sync::Remote: index pages, view, create, update, delete,
// with the API's statuses turned into typed errors and the access-token or OAuth2
// password-grant authentication applied to every request.
// Thread-safe: any number of threads may call it at once (token refreshes are shared).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/fourhse/options.hpp"
#include "adapters/http/message.hpp"
#include "engine/sync/remote.hpp"

namespace hse::adapters::http {
enum class Operation;  // adapters/http/answers.hpp
}

namespace hse::adapters::fourhse {

using json = nlohmann::json;

class OAuthSession;


class FourHseRemote final : public engine::sync::Remote {
 public:
  // `api` reaches the API host; `token` the OAuth token endpoint (null: the same as
  // `api`). Throws hse::Error(Code::invalid) when both access_token and oauth are set,
  // when oauth lacks a client_id or username, or when `api` is null.
  FourHseRemote(FourHseOptions options, std::shared_ptr<http::Transport> api,
                std::shared_ptr<http::Transport> token = nullptr);
  ~FourHseRemote() override;
  FourHseRemote(const FourHseRemote&) = delete;
  FourHseRemote& operator=(const FourHseRemote&) = delete;

  // Every call below throws hse::Error(Code::invalid) for an entity that is not a 4HSE
  // one, RemoteError as listed in answers.hpp for error statuses (auth after one
  // OAuth refresh, or at once with a static token), RemoteError(Code::server) for a
  // malformed answer, and the transport's hse::Error (network, timeout, server) unchanged.
  // An empty id or a body that is not valid UTF-8 throws hse::Error(Code::invalid)
  // before anything is sent. No message holds a token or password.

  // POST {base}/{entity}/index with `body` as given.
  engine::sync::RemotePage list(const std::string& entity, const json& body) override;
  // The same index for each page in `pages`, sent together through Transport::send_all;
  // pages in the order asked. Throws the failure of the first failed page.
  std::vector<engine::sync::RemotePage> list_pages(const std::string& entity, const json& body,
                                             const std::vector<int>& pages) override;
  // The same pages, each row read from the answer's text into its canonical form
  // without building it (read_pulled_page); the same failures.
  std::vector<engine::sync::PulledPage> pull_pages(const std::string& entity, const json& body,
                                                   const std::vector<int>& pages) override;
  // GET {base}/{entity}/view/{id}; nullopt on 404.
  std::optional<json> view(const std::string& entity, const std::string& id) override;
  // POST {base}/{entity}/create with `body` as given. A 422 saying the key field "has
  // already been taken" throws RemoteError(Code::conflict).
  json create(const std::string& entity, const json& body) override;
  // PUT {base}/{entity}/update/{id} with `patch` as given; 404 throws Code::not_found.
  json update(const std::string& entity, const std::string& id, const json& patch) override;
  // DELETE {base}/{entity}/delete/{id}?force=true|false. True on any 2xx (including the
  // preview a non-forced delete answers with), false on 404.
  bool remove(const std::string& entity, const std::string& id, bool force) override;

 private:
  struct Call;
  Call prepare(http::Operation op, const std::string& entity, std::string method, std::string path, std::string body) const;
  http::Response exchange(const Call& call);
  // The index answers of `pages`, in their order; `calls` and `bodies` receive each
  // page's call and request body.
  std::vector<http::Response> index_answers(const std::string& entity, const json& body, const std::vector<int>& pages,
                                            std::vector<Call>& calls, std::vector<json>& bodies);
  std::vector<http::Response> exchange_all(const std::vector<Call>& calls);
  uint64_t authorize(http::Request& request);
  [[noreturn]] void fail(const http::Response& answer, const Call& call) const;
  json object_answer(const http::Response& answer, const Call& call) const;
  std::vector<std::string> secrets() const;

  FourHseOptions options_;
  std::shared_ptr<http::Transport> api_;
  std::unique_ptr<OAuthSession> oauth_;
};

}  // namespace hse::adapters::fourhse
