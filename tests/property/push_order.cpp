#include "tests/property/push_order.hpp"

#include <rapidcheck.h>

#include <map>
#include <tuple>

#include "tests/property/properties.hpp"
#include "tests/property/sim.hpp"

namespace hse::prop {

using json = nlohmann::json;

void PushOrderLog::record(int client, const adapters::http::Request& r, const adapters::http::Response& resp) {
  // PUT /v2/<entity>/update/<id>[?...]
  if (r.method != "PUT" || resp.status / 100 != 2) return;
  const std::string prefix = "/v2/";
  const auto marker = r.target.find("/update/");
  if (r.target.rfind(prefix, 0) != 0 || marker == std::string::npos) return;
  std::string entity = r.target.substr(prefix.size(), marker - prefix.size());
  std::string id = r.target.substr(marker + 8);
  id = id.substr(0, id.find('?'));
  json patch = json::parse(r.body, nullptr, false);
  if (!patch.is_object()) return;
  applied_.push_back({client, std::move(entity), std::move(id), std::move(patch)});
}

void PushOrderLog::check(const std::vector<Ack>& acks) const {
  // Per client, row and field: the string values it wrote, in the order it was told
  // they were written.
  using Key = std::tuple<int, std::string, std::string, std::string>;
  std::map<Key, std::vector<std::string>> written;
  for (const auto& a : acks) {
    if (a.writer < 0 || !a.fields.is_object()) continue;
    for (auto it = a.fields.begin(); it != a.fields.end(); ++it)
      if (it->is_string()) written[{a.writer, a.entity, a.id, it.key()}].push_back(it->get<std::string>());
  }
  // Each value applied must be the client's write at or after the one applied
  // before it (a retry sends the same value again; a value it never wrote, settled
  // by a policy or taken from the server, says nothing about order).
  std::map<Key, size_t> at;
  for (const auto& s : applied_)
    for (auto it = s.patch.begin(); it != s.patch.end(); ++it) {
      if (!it->is_string()) continue;
      const Key key{s.client, s.entity, s.id, it.key()};
      auto w = written.find(key);
      if (w == written.end()) continue;
      const auto& values = w->second;
      const std::string& v = it->get_ref<const std::string&>();
      bool known = false;
      for (const auto& x : values) known = known || x == v;
      if (!known) continue;
      size_t& pos = at[key];
      size_t j = pos;
      while (j < values.size() && values[j] != v) ++j;
      if (j == values.size())
        RC_FAIL(std::string(tag(Prop::push_order)) + " client " + std::to_string(s.client) + "'s update of " + s.entity + " " + s.id + "." +
                it.key() + " = \"" + v + "\" reached the server after a later write of that field (\"" +
                values[pos] + "\" or newer)");
      pos = j;
    }
}

}  // namespace hse::prop
