// The differential property: on equal states, the replica's validation refuses a
// write iff the server (the emulator, the reference) refuses it. Bodies are valid
// ones with zero to three fields replaced by values drawn from a pool of edge cases
// (empty, overlong, wrong type, unknown enum value, impossible date, JSON text, an
// unknown id, a field removed). Read-only fields are not drawn: the replica refuses
// them by design (an app sending one has a bug) where the server ignores them.
#pragma once

#include "tests/property/commands.hpp"

namespace hse::prop {

inline json gen_edge_value(const std::string& office_id, const std::string& project_id) {
  switch (*rc::gen::inRange(0, 16).as("edge value")) {
    case 0: return "";
    case 1: return std::string(300, 'x');
    case 2: return std::string(51, 'y');
    case 3: return 12;
    case 4: return true;
    case 5: return "NOT_AN_ENUM_VALUE";
    case 6: return "2026-02-30";
    case 7: return "2026-03-01";
    case 8: return json{{"a", 1}};
    case 9: return "[1,2]";
    case 10: return nullptr;
    case 11: return gen_uuid();
    case 12: return office_id;
    case 13: return project_id;
    case 14: return "IT";
    default: return "closed";
  }
}

inline void run_differential() {
  Sut sut(Mode::in_process, 1, *rc::gen::inRange<uint64_t>(1, 1'000'000).as("world seed"));
  Model model = initial_model(sut);
  seed_server(sut, model);
  auto& eng = *sut.clients[0].engine;
  const std::string project = model.rows[0].id, office = model.rows[1].id;
  RC_ASSERT(eng.sync()["ok"].get<bool>());
  const int n = *rc::gen::inRange(1, 10).as("writes");
  for (int k = 0; k < n; ++k) {
    const bool update = *rc::gen::inRange(0, 3).as("update?") == 0;
    std::string entity = *rc::gen::element<std::string>("project", "office", "action", "incident").as("entity");
    const schema::Entity& e = schema::entity(entity);
    MRow row;
    json body = update ? json::object() : gen_create(model, entity, true, row);
    std::vector<std::string> writable;
    for (const auto& f : e.fields)
      if (!f.read_only && f.name != e.key) writable.push_back(f.name);
    const int mutations = *rc::gen::inRange(update ? 1 : 0, 4).as("mutations");
    for (int i = 0; i < mutations; ++i) {
      std::string field = *rc::gen::elementOf(writable).as("field");
      if (!update && *rc::gen::inRange(0, 5).as("remove?") == 0) body.erase(field);
      else body[field] = gen_edge_value(office, project);
    }
    const std::string id = update ? (entity == "project" ? project : entity == "office" ? office : row.id) : row.id;
    if (update && entity != "project" && entity != "office") continue;  // only the seeded rows exist on both sides
    bool local_ok = true, server_ok = true;
    std::string local_why;
    try {
      if (update) eng.update(entity, id, body);
      else eng.create(entity, body);
    } catch (const ValidationError& err) {
      local_ok = false;
      local_why = err.what();
    }
    auto resp = update ? sut.server("PUT", "/v2/" + entity + "/update/" + id, body)
                       : sut.server("POST", "/v2/" + entity + "/create", body);
    if (resp.status != 200 && resp.status != 201 && resp.status != 422)
      RC_FAIL("the server answered " + std::to_string(resp.status) + " " + resp.body + " to " + body.dump());
    server_ok = resp.status != 422;
    if (local_ok != server_ok)
      RC_FAIL(std::string(update ? "update " : "create ") + entity + " " + body.dump() + ": the replica " +
              (local_ok ? "accepts" : "refuses (" + local_why + ")") + ", the server " +
              (server_ok ? "accepts" : "refuses " + resp.body));
    if (local_ok && !update) model.rows.push_back(row);
  }
}

}  // namespace hse::prop
