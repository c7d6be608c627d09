// The property tests bite: with each planted bug switched on (engine built with
// HSE_PLANTED_BUGS, hse::planted::select), the sync property is falsified within
// the budget; with none, the same binary's property holds. Shrinking is off here:
// only the falsification matters (the failing seed is printed all the same).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <functional>
#include <string>

#include "core/planted.hpp"
#include "tests/property/commands.hpp"
#include "tests/property/statuspage_commands.hpp"

using namespace hse::prop;
using hse::planted::Bug;

namespace {

// Histories tried per bug before giving up on falsifying it.
constexpr int kBudget = 2000;

// Runs `history` (one generated history with its property) as a RapidCheck
// property with `bug` switched on; true when it holds for `histories` of them.
bool holds(Bug bug, int histories, const std::string& name, std::function<void()> history) {
  hse::planted::select(bug);
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = histories;
  // A fixed seed (unless RC_PARAMS gives one): the falsification must not depend on luck.
  const char* given = std::getenv("RC_PARAMS");
  if (!given || std::string(given).find("seed") == std::string::npos) params.seed = 20261128;
  params.disableShrinking = true;
  rc::detail::TestMetadata meta;
  meta.id = meta.description = name + " property with planted bug " + std::to_string(static_cast<int>(bug));
  auto result = rc::detail::checkTestable(std::move(history), meta, params);
  hse::planted::select(Bug::none);
  rc::detail::printResultMessage(result, std::cerr);
  std::cerr << std::endl;
  return result.template is<rc::detail::SuccessResult>();
}

bool sync_property_holds(Bug bug, int histories) {
  return holds(bug, histories, "sync", [] { run_history(Mode::in_process, *rc::gen::inRange(2, 4).as("clients")); });
}

// The status-page remote (ids the server assigns): its own property
// (tests/property/statuspage_sim.cpp) and the bugs of the id mapping.
bool statuspage_property_holds(Bug bug, int histories) {
  return holds(bug, histories, "status-page", [] { sp::run_history(*rc::gen::inRange(2, 4).as("clients")); });
}

}  // namespace

TEST(PlantedBugs, NoneHolds) { EXPECT_TRUE(sync_property_holds(Bug::none, 20)); }
TEST(PlantedBugs, CollapseDroppingAFieldIsCaught) { EXPECT_FALSE(sync_property_holds(Bug::collapse_drops_field, kBudget)); }
TEST(PlantedBugs, DeletionWithoutConfirmationIsCaught) {
  EXPECT_FALSE(sync_property_holds(Bug::delete_without_confirmation, kBudget));
}
TEST(PlantedBugs, LostCreateNotRetriedIsCaught) { EXPECT_FALSE(sync_property_holds(Bug::lost_create_not_retried, kBudget)); }
TEST(PlantedBugs, BaseSavedBeforeMergeIsCaught) { EXPECT_FALSE(sync_property_holds(Bug::base_before_merge, kBudget)); }

TEST(PlantedBugs, SameRowInFlightIsCaught) { EXPECT_FALSE(sync_property_holds(Bug::same_row_in_flight, kBudget)); }

TEST(PlantedBugs, StatusPageNoneHolds) { EXPECT_TRUE(statuspage_property_holds(Bug::none, 20)); }
TEST(PlantedBugs, SkippedOrphanLookupIsCaught) { EXPECT_FALSE(statuspage_property_holds(Bug::skip_orphan_lookup, kBudget)); }
TEST(PlantedBugs, RemapForgettingReferencesIsCaught) {
  EXPECT_FALSE(statuspage_property_holds(Bug::remap_forgets_references, kBudget));
}
TEST(PlantedBugs, UpdateIgnoringServerChangesIsCaught) {
  EXPECT_FALSE(statuspage_property_holds(Bug::update_ignores_server_changes, kBudget));
}
