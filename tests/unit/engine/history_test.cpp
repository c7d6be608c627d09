#include "tests/unit/engine/fixture.hpp"

using namespace hse;
using hse::test::EngineTest;
using json = nlohmann::json;

class History : public EngineTest {};

TEST_F(History, EveryWriteIsAVersionWithContiguousValidity) {
  json p = project("v1");
  clock->advance(1000);
  engine->update("project", p["project_id"], {{"name", "v2"}});
  clock->advance(1000);
  engine->update("project", p["project_id"], {{"name", "v3"}});
  auto h = engine->history("project", p["project_id"]);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].row["name"], "v1");
  EXPECT_EQ(h[1].row["name"], "v2");
  EXPECT_EQ(h[2].row["name"], "v3");
  for (size_t i = 0; i + 1 < h.size(); ++i) {
    ASSERT_TRUE(h[i].valid_to);
    EXPECT_EQ(*h[i].valid_to, h[i + 1].valid_from);  // no gap, no overlap
    EXPECT_EQ(h[i].version + 1, h[i + 1].version);
  }
  EXPECT_FALSE(h[2].valid_to);
  for (const auto& v : h) {
    EXPECT_EQ(v.origin, "local");
    EXPECT_TRUE(v.journal_seq);  // the journal entry behind each local version
  }
}

TEST_F(History, AsOfReadsThePast) {
  json p = project("before");
  int64_t t1 = clock->now_ms();
  clock->advance(5000);
  engine->update("project", p["project_id"], {{"name", "after"}});
  int64_t t2 = clock->now_ms();
  clock->advance(5000);
  engine->remove("project", p["project_id"]);
  int64_t t3 = clock->now_ms();
  EXPECT_EQ(engine->get_as_of("project", p["project_id"], t1)->at("name"), "before");
  EXPECT_EQ(engine->get_as_of("project", p["project_id"], t2)->at("name"), "after");
  EXPECT_FALSE(engine->get_as_of("project", p["project_id"], t3));
  EXPECT_FALSE(engine->get_as_of("project", p["project_id"], 0));
}

TEST_F(History, DeleteKeepsTheLastRowInHistory) {
  json p = project("gone");
  engine->remove("project", p["project_id"]);
  auto h = engine->history("project", p["project_id"]);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].row["name"], "gone");
  EXPECT_TRUE(h[1].row.is_null());
  EXPECT_EQ(h[1].op, "delete");
}

// The clock going back (a phone's time corrected, a VM restored) never makes a
// version end before it begins: the next one starts where the last one did.
TEST_F(History, AClockGoingBackKeepsVersionsInOrder) {
  json p = project("v1");
  clock->advance(60'000);
  engine->update("project", p["project_id"], {{"name", "v2"}});
  clock->advance(-3'600'000);
  engine->update("project", p["project_id"], {{"name", "v3"}});
  clock->advance(-3'600'000);
  engine->remove("project", p["project_id"]);
  auto h = engine->history("project", p["project_id"]);
  ASSERT_EQ(h.size(), 4u);
  for (size_t i = 0; i < h.size(); ++i) {
    if (h[i].valid_to) {
      EXPECT_GE(*h[i].valid_to, h[i].valid_from) << "version " << h[i].version;
    }
    if (i + 1 < h.size()) {
      ASSERT_TRUE(h[i].valid_to);
      EXPECT_EQ(*h[i].valid_to, h[i + 1].valid_from) << "version " << h[i].version;
    }
  }
  EXPECT_EQ(h[2].row["name"], "v3");
  EXPECT_EQ(h[3].op, "delete");
}
