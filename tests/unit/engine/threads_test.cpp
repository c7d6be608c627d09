#include <thread>

#include "tests/unit/engine/fixture.hpp"

using namespace hse;
using hse::test::EngineTest;
using json = nlohmann::json;

class Threads : public EngineTest {};

TEST_F(Threads, TwoWritersThroughOneEngineLoseNothing) {
  json o = office(project());
  constexpr int kPerThread = 200;
  auto writer = [&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      json inc = incident(o, "t" + std::to_string(t) + "-" + std::to_string(i));
      if (i % 3 == 0) engine->update("incident", inc["office_incident_id"], {{"status", "open"}});
      if (i % 7 == 0) engine->query("incident", {{"per-page", 5}});
    }
  };
  std::thread a(writer, 0), b(writer, 1);
  a.join();
  b.join();
  EXPECT_EQ(engine->query("incident", json::object())["_meta"]["totalCount"], 2 * kPerThread);
  // One journal entry per incident (create+update collapse) plus the project and the office.
  EXPECT_EQ(engine->journal().size(), size_t(2 * kPerThread + 2));
  // Every version: the current ones are the rows, the superseded ones are in history.
  EXPECT_EQ(count_rows("history") + count_rows("e_project") + count_rows("e_office") + count_rows("e_incident"),
            2 * kPerThread + 2 + 2 * ((kPerThread + 2) / 3));
}
