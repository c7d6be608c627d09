// Servers that lie, at engine level (issue 12): the round must stay bounded and
// delete nothing it should not.
#include <atomic>

#include "tests/unit/sync/sync_fixture.hpp"

using namespace hse;
using hse::test::FakeRemote;
using hse::test::SyncTest;
using json = nlohmann::json;

namespace {

// Announces a million pages on every page it serves (before, the pull fetched them
// all: 6,661 index calls in 75 s against a real server before it was stopped).
class MillionPages : public FakeRemote {
 public:
  engine::sync::RemotePage list(const std::string& entity, const json& body) override {
    // Without the bound the test would run for hours: fail it fast instead.
    if (++served_ > 1000) throw Error(Code::server, "the scan did not stop: 1000 index calls");
    auto page = FakeRemote::list(entity, body);
    page.page_count = 1'000'000;
    page.total_count = 1'000'000'000;
    return page;
  }

 private:
  std::atomic<int> served_{0};
};

}  // namespace

class HostileServer : public SyncTest {};

TEST_F(HostileServer, AScanStopsAtTheFirstEmptyPageWhateverThePageCountSays) {
  auto lying = std::make_shared<MillionPages>();
  lying->rows = server->rows;
  for (int i = 0; i < 7; ++i) {
    json row = incident_body("incident " + std::to_string(i));
    row["office_incident_id"] = "0c0e0000-0000-4000-8000-00000000000" + std::to_string(i);
    row["status"] = "new";
    lying->put("incident", row);
  }
  engine::EngineOptions o;
  o.remote = lying;
  auto e = engine::Engine::open((dir / "lying.db").string(),
                                {{"remote", {{"kind", "fourhse"}, {"url", "fake://"}}}, {"sync", {{"per_page", 3}}}}, o);
  json report = sync_ok(*e);
  // Per entity at most: page 1, the window holding the first empty page, and the
  // window fetched ahead while it was applied (windows of up to 16 pages).
  EXPECT_LE(lying->calls["list"], 4 * (1 + 2 * 16)) << report.dump();
  EXPECT_EQ(e->query("incident", {{"per-page", 100}})["items"].size(), 7u);
  // The rows a page that never came would have held are confirmed, not deleted.
  EXPECT_EQ(e->query("project", {{"per-page", 100}})["items"].size(), 1u);
}
