// The five v2 operations on one entity, over the V2Store. Rules come from the catalog
// (schema/validate.hpp); what is here is the server's own behaviour: ids, defaults,
// timestamps, project deletion, cascades and the answers' shapes.
// Not thread-safe: the Emulator serialises every call under its mutex.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "adapters/emulator/v2_store.hpp"
#include "adapters/http/message.hpp"
#include "core/clock.hpp"
#include "schema/catalog.hpp"

namespace hse::adapters::emulator {

class V2Api {
 public:
  V2Api(V2Store& store, Clock& clock, Random& random) : store_(store), clock_(clock), random_(random) {}

  // Each answers the HTTP response; validation failures throw hse::ValidationError
  // (the caller answers 422, or 400 for an index body).
  http::Response index(const schema::Entity&, const json& body);
  http::Response create(const schema::Entity&, const json& body, const std::string& caller);
  http::Response view(const schema::Entity&, const std::string& id);
  http::Response update(const schema::Entity&, const std::string& id, const json& patch);
  http::Response remove(const schema::Entity&, const std::string& id, bool force);

 private:
  void stamp(const schema::Entity&, json& row, bool created, const std::string& caller);
  void remove_tree(const schema::Entity&, const std::string& id, json& removed);

  V2Store& store_;
  Clock& clock_;
  Random& random_;
};

// Today's date (UTC) at `ms` since the epoch, as YYYY-MM-DD.
std::string date_of(int64_t ms);

}  // namespace hse::adapters::emulator
