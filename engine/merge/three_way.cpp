#include "engine/merge/three_way.hpp"

namespace hse::engine::merge {

namespace {
const json& at(const json& row, const std::string& field) {
  static const json null_value;
  if (!row.is_object()) return null_value;
  auto it = row.find(field);
  return it == row.end() ? null_value : *it;
}
}  // namespace

MergeResult three_way(const schema::Entity& e, const json& base, const json& local, const json& remote) {
  MergeResult out;
  out.row = json::object();
  for (const auto& f : e.fields) {
    const json& r = at(remote, f.name);
    if (f.read_only) {
      out.row[f.name] = r;
      continue;
    }
    const json& b = at(base, f.name);
    const json& l = at(local, f.name);
    bool local_changed = base.is_null() ? true : l != b;
    bool remote_changed = base.is_null() ? true : r != b;
    if (l == r || !local_changed) {
      out.row[f.name] = r;
    } else if (!remote_changed) {
      out.row[f.name] = l;
    } else {
      out.row[f.name] = l;
      out.conflicts.push_back({f.name, b, l, r});
    }
  }
  return out;
}

json diff_writable(const schema::Entity& e, const json& row, const json& server) {
  json patch = json::object();
  for (const auto& f : e.fields) {
    if (f.read_only || f.name == e.key) continue;
    const json& v = at(row, f.name);
    if (v != at(server, f.name)) patch[f.name] = v;
  }
  return patch;
}

}  // namespace hse::engine::merge
