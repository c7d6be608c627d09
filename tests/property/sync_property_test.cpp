// Model-based property tests of the whole engine: two or three clients and one
// in-process 4HSE emulator, random local writes, other API users' writes, sync
// rounds under drawn faults (latency, drop, 5xx, 429, applied-but-answer-lost),
// crashes at a drawn request of a round, historicized offices and policy changes;
// then, faults off and two clean rounds per client, the properties of
// tests/property/sim.cpp. Faults injected: every kind the emulator has, and crashes.
//
// Budget: kHistories histories per run (default below; RC_PARAMS=max_success=N
// overrides it, RC_PARAMS="seed=S" or "reproduce=..." replays a failure exactly).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "tests/property/commands.hpp"
#include "tests/property/differential.hpp"

#include <cstdlib>
#include <iostream>
#include <string>

using namespace hse::prop;

RC_GTEST_PROP(SyncProperty, ReplicasConvergeAndNothingAcknowledgedIsLost, ()) {
  run_history(Mode::in_process, *rc::gen::inRange(2, 4).as("clients"));
}

RC_GTEST_PROP(SyncProperty, ReplicaValidationRefusesWhatTheServerRefuses, ()) { run_differential(); }

// Declared after the property, so it runs after it in this binary: a run of the full
// budget (not a replay or a filtered run) must have reached every class of situation
// the checks rely on. The tally is printed either way.
TEST(SyncProperty, TheHistoriesReachedWhatTheChecksRelyOn) {
  const long histories = reached(Reached::history);
  for (Reached r : kReached) std::cout << "reached: " << name(r) << ": " << reached(r) << "\n";
  const char* params = std::getenv("RC_PARAMS");
  if (histories < HSE_PROP_HISTORIES || (params && std::string(params).find("reproduce") != std::string::npos))
    GTEST_SKIP() << "not a full run (" << histories << " histories)";
  for (Reached r : kReached)
    // Blocked entries arise here only when a row the server refused has a child
    // edited after it (0 to 1 in 1,000 histories): printed, not required. The
    // planted refusal_blocks_unrelated bug shows [blocked-waits] does bite.
    if (r != Reached::blocked_checked) {
      EXPECT_GT(reached(r), 0) << "no history reached: " << name(r);
    }
}
