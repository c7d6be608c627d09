#include "engine/merge/policy.hpp"

#include "core/error.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::merge {

const char* to_string(Policy p) {
  switch (p) {
    case Policy::merge: return "merge";
    case Policy::server_wins: return "server_wins";
    case Policy::client_wins: return "client_wins";
    case Policy::manual: return "manual";
    case Policy::callback: return "callback";
  }
  return "merge";
}

Policy policy_from(const std::string& s) {
  for (Policy p : {Policy::merge, Policy::server_wins, Policy::client_wins, Policy::manual, Policy::callback})
    if (s == to_string(p)) return p;
  throw Error(Code::invalid, "unknown conflict policy '" + s + "'",
              {{"policies", "must be one of merge, server_wins, client_wins, manual, callback"}});
}

namespace {

// The policy named at configuration key `key`; the refusal names that key.
Policy policy_at(const std::string& key, const std::string& name) {
  try {
    return policy_from(name);
  } catch (const Error& e) {
    throw Error(Code::invalid, key + ": " + e.what(), {{key, e.fields().at(0).message}});
  }
}

}  // namespace

PolicyTable::PolicyTable(const json& policies) {
  if (policies.is_null()) return;
  if (!policies.is_object()) throw Error(Code::invalid, "policies must be an object", {{"policies", "must be an object"}});
  for (auto it = policies.begin(); it != policies.end(); ++it) {
    const schema::Entity& e = schema::entity(it.key());
    auto& fields = table_[e.name];
    if (it->is_string()) {
      fields["*"] = policy_at("policies." + e.name, it->get<std::string>());
      continue;
    }
    if (!it->is_object())
      throw Error(Code::invalid, "policies." + e.name + " must be a policy or an object of fields",
                  {{"policies." + e.name, "must be a policy name or an object"}});
    for (auto f = it->begin(); f != it->end(); ++f) {
      if (f.key() != "*" && !e.field(f.key()))
        throw Error(Code::invalid, "policies." + e.name + "." + f.key() + " is not a field",
                    {{"policies." + e.name + "." + f.key(), "is not a field of " + e.name}});
      if (!f->is_string())
        throw Error(Code::invalid, "policies." + e.name + "." + f.key() + " must be a policy name",
                    {{"policies." + e.name + "." + f.key(), "must be a policy name"}});
      fields[f.key()] = policy_at("policies." + e.name + "." + f.key(), f->get<std::string>());
    }
  }
}

Policy PolicyTable::for_field(const std::string& entity, const std::string& field) const {
  auto e = table_.find(entity);
  if (e == table_.end()) return Policy::merge;
  auto f = e->second.find(field);
  if (f != e->second.end()) return f->second;
  auto all = e->second.find("*");
  return all == e->second.end() ? Policy::merge : all->second;
}

Policy PolicyTable::for_row(const std::string& entity) const { return for_field(entity, "*"); }

}  // namespace hse::engine::merge
