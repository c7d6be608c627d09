// An in-memory remote for the engine's sync tests: the server's rows, offset
// paging in key order, and scripted faults. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "engine/store/row_codec.hpp"
#include "engine/sync/remote.hpp"
#include "schema/catalog.hpp"
#include "schema/validate.hpp"

namespace hse::test {

using json = nlohmann::json;

class FakeRemote : public engine::sync::Remote {
 public:
  // Faults, consumed one per call in order: before applying (the request never
  // arrives) or after applying (the answer is lost).
  enum class Fault { none, fail_before, lose_answer };
  struct Scripted {
    Fault fault;
    Code code;
  };

  // Rows by entity, then id.
  std::map<std::string, std::map<std::string, json>> rows;
  std::set<std::string> hidden_from_list;  // ids a list skips (a row that moved between pages)
  std::vector<Scripted> faults;
  std::function<void(const std::string& op, const std::string& entity, const std::string& id)> on_call;
  std::map<std::string, int> calls;  // by op
  int next_server_counter = 0;
  std::map<std::string, int> next_id;  // server-assigned ids, by entity

  void put(const std::string& entity, json row) {
    std::lock_guard lock(mu_);
    const auto& e = schema::entity(entity);
    rows[entity][row[e.key].get<std::string>()] = engine::store::normalize(e, row);
  }
  std::optional<json> row(const std::string& entity, const std::string& id) {
    std::lock_guard lock(mu_);
    auto& t = rows[entity];
    auto it = t.find(id);
    if (it == t.end()) return std::nullopt;
    return it->second;
  }
  size_t count(const std::string& entity) {
    std::lock_guard lock(mu_);
    return rows[entity].size();
  }

  engine::sync::RemotePage list(const std::string& entity, const json& body) override {
    Scripted f = begin("list", entity, "");
    std::lock_guard lock(mu_);
    const auto& e = schema::entity(entity);
    auto q = schema::parse_index_body(e, body);
    std::vector<json> matching;
    for (const auto& [id, r] : rows[entity]) {
      bool ok = !hidden_from_list.count(id);
      for (const auto& flt : q.filters) ok = ok && r.value(flt.field->name, json()) == flt.value;
      if (ok) matching.push_back(r);
    }
    engine::sync::RemotePage page;
    page.page = q.page;
    page.per_page = q.per_page;
    page.total_count = int(matching.size());
    page.page_count = (page.total_count + q.per_page - 1) / q.per_page;
    for (size_t i = size_t(q.page - 1) * q.per_page; i < matching.size() && i < size_t(q.page) * q.per_page; ++i)
      page.rows.push_back(matching[i]);
    end(f);
    return page;
  }

  std::optional<json> view(const std::string& entity, const std::string& id) override {
    Scripted f = begin("view", entity, id);
    auto r = row(entity, id);
    end(f);
    return r;
  }

  json create(const std::string& entity, const json& body) override {
    Scripted f = begin("create", entity, body.value(schema::entity(entity).key, ""));
    json out;
    {
      std::lock_guard lock(mu_);
      const auto& e = schema::entity(entity);
      auto errors = schema::check_create(e, body, schema::ReadOnlyFields::ignore);
      if (!errors.empty()) throw RemoteError(Code::invalid, "422", 422, std::nullopt, errors);
      std::string id;
      if (e.server_assigned_ids) {
        // Integer ids the server picks, as decimal text (what the adapters hand the engine).
        if (e.parent_field.size() && !rows[e.parent].count(body.value(e.parent_field, "")))
          throw RemoteError(Code::not_found, "404", 404);
        id = std::to_string(++next_id[entity]);
      } else {
        id = body[e.key];
        if (rows[entity].count(id)) throw RemoteError(Code::conflict, "duplicate id", 422);
      }
      json r = engine::store::normalize(e, schema::with_defaults(e, body));
      r[e.key] = id;
      if (e.has_validity()) r["owned_active"] = true;
      if (const auto* f = e.field("created_at"))
        r["created_at"] = f->type == schema::Type::date       ? json("2026-11-28")
                          : f->type == schema::Type::datetime ? json("2026-11-28T10:00")
                                                              : json(++next_server_counter);
      rows[entity][id] = r;
      out = r;
    }
    end(f);
    return out;
  }

  json update(const std::string& entity, const std::string& id, const json& patch) override {
    Scripted f = begin("update", entity, id);
    json out;
    {
      std::lock_guard lock(mu_);
      const auto& e = schema::entity(entity);
      auto it = rows[entity].find(id);
      if (it == rows[entity].end()) throw RemoteError(Code::not_found, "404", 404);
      auto errors = schema::check_update(e, patch, it->second, schema::ReadOnlyFields::ignore);
      if (!errors.empty()) throw RemoteError(Code::invalid, "422", 422, std::nullopt, errors);
      for (auto p = patch.begin(); p != patch.end(); ++p) it->second[p.key()] = p.value();
      out = it->second;
    }
    end(f);
    return out;
  }

  bool remove(const std::string& entity, const std::string& id, bool force) override {
    Scripted f = begin("delete", entity, id);
    bool existed;
    {
      std::lock_guard lock(mu_);
      existed = rows[entity].erase(id) > 0;
      if (existed) remove_children(entity, id);
    }
    end(f);
    return existed;
  }

 private:
  void remove_children(const std::string& entity, const std::string& id) {
    for (const auto& e : schema::entities()) {
      if (e.parent != entity) continue;
      auto& t = rows[e.name];
      for (auto it = t.begin(); it != t.end();) {
        if (it->second.value(e.parent_field, json()) == id) {
          std::string child = it->first;
          it = t.erase(it);
          remove_children(e.name, child);
        } else {
          ++it;
        }
      }
    }
  }

  // The call's scripted fault; sends run on several threads, so it is the caller's.
  Scripted begin(const std::string& op, const std::string& entity, const std::string& id) {
    Scripted next{Fault::none, Code::ok};
    {
      std::lock_guard lock(mu_);
      calls[op]++;
      if (!faults.empty()) {
        next = faults.front();
        faults.erase(faults.begin());
      }
    }
    if (on_call) on_call(op, entity, id);
    if (next.fault == Fault::fail_before) throw RemoteError(next.code, "injected failure", 0);
    return next;
  }
  void end(const Scripted& f) {
    if (f.fault == Fault::lose_answer) throw RemoteError(f.code, "injected lost answer", 0);
  }

  std::recursive_mutex mu_;
};

}  // namespace hse::test
