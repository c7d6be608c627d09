// The status-page Incident API (docs/api/004, completed by README.md beside this
// file) as an engine::sync::Remote for the entities statuspage_incident and
// statuspage_comment. The server's integer ids cross the interface as decimal strings
// ("42"); a comment's `internal` as a boolean.
// Thread-safe: it holds no state that changes after construction.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/http/message.hpp"
#include "adapters/statuspage/options.hpp"
#include "engine/sync/remote.hpp"

namespace hse::adapters::http {
enum class Operation;  // adapters/http/answers.hpp
}

namespace hse::adapters::statuspage {

using json = nlohmann::json;

class StatusPageRemote final : public engine::sync::Remote {
 public:
  // Throws hse::Error(Code::invalid) when `transport` is null, when a limit is not
  // positive (or max_rows_per_page exceeds the API's cap on per_page), or when the token holds a
  // control character (it would break the header).
  StatusPageRemote(StatusPageOptions options, std::shared_ptr<http::Transport> transport);
  StatusPageRemote(const StatusPageRemote&) = delete;
  StatusPageRemote& operator=(const StatusPageRemote&) = delete;

  // Every call below throws:
  //   hse::Error(Code::invalid) before anything is sent for an entity other than the
  //     two above, an id that is not a positive decimal integer without leading zeros
  //     (a local UUID), or a body this API cannot express (the message names the field);
  //   RemoteError for error statuses, as fourhse/answers.hpp maps them (401/403
  //     → auth at once: the token is fixed; 422 → invalid with the server's fields;
  //     429/503 → rate_limited with retry_after_s; other 5xx → server);
  //   RemoteError(Code::server) for a malformed answer: not JSON, the wrong shape, an
  //     id that is not a positive integer, a body, page or comment list over the limits;
  //   the transport's hse::Error (network, timeout, server) unchanged.
  // No message holds the token.

  // statuspage_incident: GET /incident?<filter>&page=&per_page= (per-page at most
  // max_rows_per_page, 20 when absent as in the API; `sort`, `history` and other body keys ignored; a filter key outside the API's
  // filters → invalid naming "filter.<key>"; `page` and `per-page` must be positive).
  // statuspage_comment: with filter.incident, that incident's comments as one page
  // (a page past 1, or an incident that is gone, is empty); without, the comments of
  // every incident on incident page `page` (their views fetched together), with the
  // incident page's page, page_count and per_page; total_count is then the number of
  // comments on this page, as the API has no count of comments.
  engine::sync::RemotePage list(const std::string& entity, const json& body) override;
  // The same for each page, the incident pages (and then the views) sent together
  // through Transport::send_all; pages in the order asked.
  std::vector<engine::sync::RemotePage> list_pages(const std::string& entity, const json& body,
                                             const std::vector<int>& pages) override;
  // statuspage_incident: GET /incident/<id>, without its comments; nullopt on 404.
  // statuspage_comment: invalid (comments have no view of their own).
  std::optional<json> view(const std::string& entity, const std::string& id) override;
  // statuspage_incident: POST /incident/create with the create fields of `body` (nulls,
  // `id` and fields outside the catalog left out). A status other than "active", or a
  // state date, is invalid: the API creates every incident active.
  // statuspage_comment: POST /incident/<incident>/comment with {comment, internal: 0|1}.
  json create(const std::string& entity, const json& body) override;
  // statuspage_incident: GET /incident/<id> (404 → not_found), `patch` applied over it,
  // then POST /incident/<id>/update with every non-null field (an omitted one is cleared)
  // and, of the state dates, the one of the new status plus any the patch sets (the
  // server refuses those with 422, naming them). A patch key outside the catalog, or a
  // changed id, is invalid. Comments: invalid.
  json update(const std::string& entity, const std::string& id, const json& patch) override;
  // The same, built on `current` (the row view() gave the engine for its conflict
  // check) with no GET of its own: only one read precedes the write, as for 4HSE.
  json update_from(const std::string& entity, const std::string& id, const json& patch,
                   const json& current) override;
  // statuspage_incident: POST /incident/<id>/delete (its comments go with it, whatever
  // `force` says); true on 2xx, false on 404. Comments: invalid.
  bool remove(const std::string& entity, const std::string& id, bool force) override;

 private:
  struct Call;
  struct PageQuery;
  Call call(http::Operation op, std::string method, std::string target, std::string body) const;
  // The wire id of the incident `id`, after checking that `patch` may be sent.
  std::string checked_update_key(const std::string& entity, const std::string& id, const json& patch) const;
  json send_update(const std::string& key, json row, const json& patch);
  http::Response exchange(const Call& call) const;
  std::vector<http::Response> exchange_all(const std::vector<Call>& calls) const;
  [[noreturn]] void fail(const http::Response& answer, const Call& call) const;
  json parse(const http::Response& answer, const Call& call) const;
  [[noreturn]] void malformed(const std::string& why, const http::Response& answer, const Call& call) const;

  Call incident_page_call(const PageQuery& query) const;
  engine::sync::RemotePage read_incident_page(const http::Response& answer, const Call& call, const PageQuery& query) const;
  std::optional<json> read_view(const http::Response& answer, const Call& call, const std::string& id) const;
  json incident_row(const json& raw, const http::Response& answer, const Call& call) const;
  json comment_row(const json& raw, const std::string& incident, const http::Response& answer,
                   const Call& call) const;
  std::vector<json> comments_of(const json& view, const std::string& incident, const http::Response& answer,
                                const Call& call) const;
  std::vector<engine::sync::RemotePage> comment_pages(std::vector<engine::sync::RemotePage> incident_pages) const;

  StatusPageOptions options_;
  std::shared_ptr<http::Transport> transport_;
};

}  // namespace hse::adapters::statuspage
