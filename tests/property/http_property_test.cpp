// The same histories as sync_property_test.cpp, over real HTTP: the clients'
// FourHseRemote sends through the Beast client to an hse-emulator process (one per
// run, /_admin/reset before each history), faults set through /_admin/faults. Slower,
// so fewer histories (tests/property.cmake).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "tests/property/commands.hpp"

using namespace hse::prop;

RC_GTEST_PROP(SyncPropertyHttp, ReplicasConvergeOverRealHttp, ()) { run_history(Mode::http, 2); }
