// The property tests bite, and for the right reason. With each planted bug switched
// on (engine built with HSE_PLANTED_BUGS, hse::planted::select) a property must be
// falsified within the budget, and a bug counts as caught only when
//  - the failure names (properties.hpp tag) a property that bug breaks: a harness
//    error, a clean round failing, an untagged assertion or a gave-up run is no catch;
//  - the same failing case (same random state and size), replayed with the bug on,
//    fails again naming the same property (the case is deterministic), and replayed
//    with no bug holds (the bug, not the case, broke it).
// With no bug, the same binary's properties hold (the controls). Shrinking is off:
// only the falsification matters (the failing seed is printed all the same).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/shrinkable/Operations.h>

#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <string>

#include "core/planted.hpp"
#include "tests/property/commands.hpp"
#include "tests/property/statuspage_commands.hpp"

using namespace hse::prop;
using hse::planted::Bug;

namespace {

// Histories tried per bug before giving up on falsifying it.
constexpr int kBudget = 2000;
// Histories of each control (no bug): as many as CI time allows (README.md).
constexpr int kControlHistories = 1000;

enum class Suite { sync, statuspage };

std::function<void()> history_of(Suite suite) {
  if (suite == Suite::sync)
    return [] { run_history(Mode::in_process, *rc::gen::inRange(2, 4).as("clients")); };
  // The status-page remote (ids the server assigns): its own property
  // (tests/property/statuspage_sim.cpp) and the bugs of the id mapping.
  return [] { sp::run_history(*rc::gen::inRange(2, 4).as("clients")); };
}

std::string name_of(Suite suite, Bug bug) {
  return std::string(suite == Suite::sync ? "sync" : "status-page") + " property with planted bug " +
         std::to_string(static_cast<int>(bug));
}

// The runs' parameters: a fixed seed (unless RC_PARAMS gives one), so that a catch
// does not depend on luck; no shrinking.
rc::detail::TestParams params_for(int histories) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = histories;
  const char* given = std::getenv("RC_PARAMS");
  if (!given || std::string(given).find("seed") == std::string::npos) params.seed = 20261128;
  params.disableShrinking = true;
  return params;
}

rc::detail::TestResult run(Suite suite, Bug bug, int histories) {
  hse::planted::select(bug);
  rc::detail::TestMetadata meta;
  meta.id = meta.description = name_of(suite, bug);
  auto result = rc::detail::checkTestable(history_of(suite), meta, params_for(histories));
  hse::planted::select(Bug::none);
  rc::detail::printResultMessage(result, std::cerr);
  std::cerr << std::endl;
  return result;
}

// Runs the one case `r` names (its random state, size and shrink path) with `bug`.
rc::detail::CaseResult replay(Suite suite, Bug bug, const rc::detail::Reproduce& r) {
  hse::planted::select(bug);
  const auto property = rc::detail::toProperty(history_of(suite));
  const auto shrinkable = rc::shrinkable::walkPath(property(r.random, r.size), r.shrinkPath);
  rc::detail::CaseResult out(rc::detail::CaseResult::Type::Discard, "the case could not be regenerated");
  if (shrinkable) out = shrinkable->value().result;
  hse::planted::select(Bug::none);
  return out;
}

// The properties hold with no bug, for `histories` histories.
testing::AssertionResult holds(Suite suite, int histories) {
  auto result = run(suite, Bug::none, histories);
  if (result.is<rc::detail::SuccessResult>()) return testing::AssertionSuccess();
  rc::detail::FailureResult failure;
  if (result.match(failure))
    return testing::AssertionFailure() << "the control failed, " << tag(property_of(failure.description));
  return testing::AssertionFailure() << "the control neither passed nor failed (gave up, or an error)";
}

// `bug` is caught (see the top of the file), by a failure naming one of `breaks`.
testing::AssertionResult caught(Suite suite, Bug bug, std::initializer_list<Prop> breaks) {
  std::string expected;
  for (Prop p : breaks) expected += tag(p);
  auto result = run(suite, bug, kBudget);
  rc::detail::FailureResult failure;
  if (!result.match(failure))
    return testing::AssertionFailure() << "not falsified in " << kBudget << " histories (or gave up)";
  const Prop named = property_of(failure.description);
  bool expected_named = false;
  for (Prop p : breaks) expected_named = expected_named || p == named;
  if (!expected_named)
    return testing::AssertionFailure() << "falsified after " << failure.numSuccess << " histories, but " << tag(named)
                                       << " failed, not " << expected;
  const auto again = replay(suite, bug, failure.reproduce);
  if (again.type != rc::detail::CaseResult::Type::Failure || property_of(again.description) != named)
    return testing::AssertionFailure() << "the failing case, replayed with the bug, did not fail " << tag(named)
                                       << " again: " << again.description;
  const auto without = replay(suite, Bug::none, failure.reproduce);
  if (without.type != rc::detail::CaseResult::Type::Success)
    return testing::AssertionFailure() << "the failing case, replayed with no bug, does not hold either: "
                                       << without.description;
  std::cerr << name_of(suite, bug) << ": caught by " << tag(named) << " after " << failure.numSuccess
            << " histories; the case holds with no bug" << std::endl;
  return testing::AssertionSuccess();
}

}  // namespace

// The controls: no bug, the same seed and parameters as the bugs.
TEST(PlantedBugs, NoneHolds) { EXPECT_TRUE(holds(Suite::sync, kControlHistories)); }
TEST(PlantedBugs, StatusPageNoneHolds) { EXPECT_TRUE(holds(Suite::statuspage, kControlHistories)); }

// One line per bug: the suite, the bug, the properties it breaks.
TEST(PlantedBugs, CollapseDroppingAFieldIsCaught) {
  EXPECT_TRUE(caught(Suite::sync, Bug::collapse_drops_field, {Prop::no_lost_write, Prop::convergence}));
}
TEST(PlantedBugs, DeletionWithoutConfirmationIsCaught) {
  EXPECT_TRUE(caught(Suite::sync, Bug::delete_without_confirmation, {Prop::delete_confirmed, Prop::convergence}));
}
TEST(PlantedBugs, LostCreateNotRetriedIsCaught) {
  EXPECT_TRUE(caught(Suite::sync, Bug::lost_create_not_retried, {Prop::no_lost_write, Prop::delete_confirmed}));
}
TEST(PlantedBugs, BaseSavedBeforeMergeIsCaught) {
  EXPECT_TRUE(caught(Suite::sync, Bug::base_before_merge, {Prop::no_lost_write}));
}
// Two updates of a row in flight at once: the server may apply them out of order,
// and the answer of the first saves a base the second's read-check-write never saw,
// so a server user's write between them can be overwritten unseen.
TEST(PlantedBugs, SameRowInFlightIsCaught) {
  EXPECT_TRUE(caught(Suite::sync, Bug::same_row_in_flight, {Prop::push_order, Prop::no_lost_write}));
}
TEST(PlantedBugs, CollapseIntoAnEntryInFlightIsCaught) {
  EXPECT_TRUE(caught(Suite::sync, Bug::collapse_into_in_flight,
                     {Prop::no_lost_write, Prop::convergence, Prop::push_order, Prop::history_complete}));
}
TEST(PlantedBugs, RefusalBlockingUnrelatedEntriesIsCaught) {
  EXPECT_TRUE(caught(Suite::sync, Bug::refusal_blocks_unrelated, {Prop::blocked_waits}));
}
TEST(PlantedBugs, RetryWaitingForALocalWriteIsCaught) {
  EXPECT_TRUE(caught(Suite::sync, Bug::retry_waits_for_local_write, {Prop::drained}));
}
TEST(PlantedBugs, SkippedOrphanLookupIsCaught) {
  EXPECT_TRUE(caught(Suite::statuspage, Bug::skip_orphan_lookup, {Prop::no_duplicate}));
}
TEST(PlantedBugs, RemapForgettingReferencesIsCaught) {
  EXPECT_TRUE(caught(Suite::statuspage, Bug::remap_forgets_references, {Prop::mapping, Prop::rejection_earned}));
}
TEST(PlantedBugs, UpdateIgnoringServerChangesIsCaught) {
  EXPECT_TRUE(caught(Suite::statuspage, Bug::update_ignores_server_changes, {Prop::no_lost_write}));
}

// The harness's own checks bite. [blocked-waits]: an action blocked behind its
// office's create, which the server refused (a name taken in the project), passes;
// once that refusal is retried (pending again, the action still blocked) it fails.
TEST(PropertyChecks, BlockedEntryMustWaitBehindARefusal) {
  Sut sut(Mode::in_process, 2, 11);
  Model model = initial_model(sut);
  seed_server(sut, model);
  const std::string project = model.rows[0].id;
  for (auto& c : sut.clients) ASSERT_TRUE(c.engine->sync()["ok"].get<bool>());
  const std::string first = "00000000-0000-4000-a000-000000000001", second = "00000000-0000-4000-a000-000000000002";
  sut.clients[0].engine->create("office", {{"office_id", first}, {"project_id", project}, {"name", "Main"}});
  sut.clients[0].engine->sync();
  auto& late = *sut.clients[1].engine;  // does not know the name is taken
  late.create("office", {{"office_id", second}, {"project_id", project}, {"name", "Main"}});
  late.create("action", {{"action_id", "00000000-0000-4000-a000-000000000003"}, {"name", "n-a"}, {"action_type", "CHECK"},
                         {"subtenant_id", second}, {"tenant_id", project}});
  late.sync();
  auto refused = late.journal({{"state", "rejected"}});
  ASSERT_EQ(refused.size(), 1u);
  ASSERT_EQ(late.journal({{"state", "blocked"}}).size(), 1u);
  EXPECT_EQ(check_blocked_waits(sut, 1), 1);
  late.retry(refused[0].seq);
  try {
    check_blocked_waits(sut, 1);
    ADD_FAILURE() << "a blocked entry behind a pending one passed";
  } catch (const rc::detail::CaseResult& r) {
    EXPECT_EQ(property_of(r.description), Prop::blocked_waits) << r.description;
  }
}
