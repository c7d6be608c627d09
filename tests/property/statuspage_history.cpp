#include "tests/property/statuspage_commands.hpp"

namespace hse::prop::sp {

void run_history(int clients) {
  const uint64_t seed = *rc::gen::inRange<uint64_t>(1, 1'000'000).as("world seed");
  SpWorld world(clients, seed);
  Model model;
  model.clients = clients;
  // One incident another API user made before the clients first sync.
  ServerWrite seeded;
  seeded.tag = "seed";
  seeded.body = {{"scope", 1}, {"service", 1}, {"name", "n-seed-incident"}, {"severity", "high"},
                 {"start_impact_date", "2026-11-28T08:00"}, {"external_reference", "srv-seed"}};
  seeded.run(world);
  seeded.apply(model);
  const auto commands = *rc::state::gen::commands(model, command_generator());
  RC_CLASSIFY(commands.size() < 10, "under 10 commands");
  RC_CLASSIFY(commands.size() >= 10 && commands.size() < 40, "10 to 39 commands");
  RC_CLASSIFY(commands.size() >= 40, "40 commands or more");
  tag_failures([&] {
    rc::state::runAll(commands, model, world);
    check_statuspage(world);
  });
}

}  // namespace hse::prop::sp
