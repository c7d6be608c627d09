#include "tests/property/commands.hpp"

namespace hse::prop {

Model initial_model(const Sut& s) {
  Model m;
  m.clients = static_cast<int>(s.clients.size());
  m.mode = s.mode;
  m.policies.assign(m.clients, json::object());
  return m;
}

void seed_server(Sut& s, Model& m) {
  SeededRandom r(s.seed);
  MRow p{"project", r.uuid4(), "", ""};
  p.project = p.id;
  MRow o{"office", r.uuid4(), p.id, ""};
  json pb = {{"project_id", p.id}, {"name", "n-seed-project"}, {"country", "IT"}};
  json ob = {{"office_id", o.id}, {"project_id", p.id}, {"name", "n-seed-office"}};
  for (auto& [entity, body] : {std::pair{std::string("project"), pb}, std::pair{std::string("office"), ob}}) {
    auto resp = s.server("POST", "/v2/" + entity + "/create", body);
    if (resp.status != 201) throw std::runtime_error("seeding " + entity + ": " + resp.body);
    s.ack(-1, "create", entity, body[entity + "_id"], body);
  }
  m.rows = {p, o};
}

void run_history(Mode mode, int clients) {
  const uint64_t seed = *rc::gen::inRange<uint64_t>(1, 1'000'000).as("world seed");
  Sut sut(mode, clients, seed);
  Model model = initial_model(sut);
  seed_server(sut, model);
  const auto commands = *rc::state::gen::commands(model, command_generator());
  RC_CLASSIFY(commands.size() < 10, "under 10 commands");
  RC_CLASSIFY(commands.size() >= 10 && commands.size() < 40, "10 to 39 commands");
  RC_CLASSIFY(commands.size() >= 40, "40 commands or more");
  tag_failures([&] {
    rc::state::runAll(commands, model, sut);
    settle_and_check(sut);
    reach(Reached::history);
  });
}

}  // namespace hse::prop
