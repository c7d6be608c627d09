// Model-based property tests of the whole engine against the status-page remote
// (ids the server assigns): two or three clients and the in-process emulator, offline
// incidents and comments (some under incidents still offline), state transitions,
// deletes, another API user's writes (also mid-round), sync rounds under drawn faults
// (drop, 5xx, 429, lost answers; and lost answers aimed at POST /incident/create,
// /comment, /update, /delete), crashes at a drawn request before or after the server
// handled it, policy changes; then, faults off and two clean rounds per client, the
// properties of tests/property/statuspage_sim.cpp. Faults injected: every kind the
// emulator has, targeted lost answers, and crashes.
//
// Budget: HSE_PROP_HISTORIES histories per run (tests/property.cmake); RC_PARAMS=
// max_success=N overrides it, RC_PARAMS="seed=S" or "reproduce=..." replays a failure.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "tests/property/statuspage_commands.hpp"

using namespace hse::prop;

RC_GTEST_PROP(StatusPageProperty, ServerIdsNoDuplicatesReplicasConvergeNothingAcknowledgedIsLost, ()) {
  sp::run_history(*rc::gen::inRange(2, 4).as("clients"));
}
