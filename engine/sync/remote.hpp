// The one interface through which the engine talks to a remote API. Adapters
// (adapters/fourhse, adapters/statuspage) implement it; the engine never sees HTTP.
// Implementations must be thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "engine/store/canonical_row.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::sync {

using json = nlohmann::json;

struct RemotePage {
  std::vector<json> rows;
  int page = 1;
  int page_count = 1;
  int per_page = 100;
  int total_count = 0;
};

// A page as the pull applies it: its rows in their canonical form, the ones that are
// JSON objects (an adapter refuses a page with any other; see Remote::pull_pages).
struct PulledPage {
  std::vector<store::CanonicalRow> rows;
  int page = 1;
  int page_count = 1;
  int per_page = 100;
  int total_count = 0;
};

// Failures are thrown as hse::Error, or hse::RemoteError (core/error.hpp) for those
// that carry an HTTP status: Code::network, timeout, server (5xx, malformed answer),
// rate_limited (429/503, retry_after_s set when the server said), auth (after one
// token refresh), invalid (422, fields() lists the server's field errors),
// not_found, conflict.
class Remote {
 public:
  virtual ~Remote() = default;

  // One page of an index. `body` is the remote index body: filter, sort, page, per-page, history.
  virtual RemotePage list(const std::string& entity, const json& body) = 0;
  // Several pages of the same index (body without "page"), concurrently where the
  // adapter can; answers in the order of `pages`.
  virtual std::vector<RemotePage> list_pages(const std::string& entity, const json& body,
                                             const std::vector<int>& pages) {
    std::vector<RemotePage> out;
    for (int p : pages) {
      json b = body;
      b["page"] = p;
      out.push_back(list(entity, b));
    }
    return out;
  }
  // The same pages as list_pages, each row in its canonical form. An adapter may read
  // them without building the rows (the 4HSE adapter does: a pull's rows are most of
  // its work); this one builds them.
  virtual std::vector<PulledPage> pull_pages(const std::string& entity, const json& body,
                                             const std::vector<int>& pages) {
    const schema::Entity& e = schema::entity(entity);
    std::vector<PulledPage> out;
    for (auto& listed : list_pages(entity, body, pages)) {
      PulledPage& p = out.emplace_back();
      p.page = listed.page, p.page_count = listed.page_count, p.per_page = listed.per_page;
      p.total_count = listed.total_count;
      p.rows.reserve(listed.rows.size());
      for (auto& row : listed.rows)
        if (row.is_object()) store::canonical_row(e, std::move(row), p.rows.emplace_back());
    }
    return out;
  }
  // The row, or nullopt when the server answers 404.
  virtual std::optional<json> view(const std::string& entity, const std::string& id) = 0;
  // The created row as the server answers it. A create whose id exists throws Code::conflict.
  virtual json create(const std::string& entity, const json& body) = 0;
  // The updated row as the server answers it. Throws Code::not_found on 404.
  virtual json update(const std::string& entity, const std::string& id, const json& patch) = 0;
  // The same update, given the row as view() answered it just before. An adapter
  // whose API takes only whole rows builds on `current` instead of reading the row
  // again: a second read would widen the window in which another user's edit, made
  // between the read and the write, is overwritten.
  virtual json update_from(const std::string& entity, const std::string& id, const json& patch,
                           const json& /*current*/) {
    return update(entity, id, patch);
  }
  // Deletes the row (and, with force, its children). False when it was already gone (404).
  virtual bool remove(const std::string& entity, const std::string& id, bool force) = 0;
};

}  // namespace hse::engine::sync
