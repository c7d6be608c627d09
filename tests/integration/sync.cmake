# The sync round end to end (issue 4): real hse-emulator and hse-sync processes on
# 127.0.0.1. Fault tests live in their own file (faults_test.cpp), one test per fault kind.
hse_test(sync_integration_test
  SOURCES integration/sync/sync_test.cpp integration/sync/auth_test.cpp integration/sync/faults_test.cpp
  LIBS hse_test_support nlohmann_json::nlohmann_json
  LABELS integration
  # ~40 s in the default build, ~200 s under ASan (CI's filter) on a 2-core machine:
  # started first, not last (COST; see tests/property.cmake).
  TIMEOUT 600)
add_dependencies(sync_integration_test hse-sync hse-emulator)
set_tests_properties(sync_integration_test PROPERTIES COST 400)

# The daemon (issue 5): SIGTERM in the middle of a bootstrap, then a restart.
hse_test(daemon_integration_test
  SOURCES integration/sync/daemon_test.cpp
  LIBS hse_test_support nlohmann_json::nlohmann_json
  LABELS integration
  TIMEOUT 300)
add_dependencies(daemon_integration_test hse-sync hse-emulator)
set_tests_properties(daemon_integration_test PROPERTIES COST 300)

# The status-page entities (server-assigned ids) end to end: an in-process Engine with
# the real adapter against a real hse-emulator, one case per fault kind, lost answers
# aimed at each create, a restart after a lost answer, the state rules.
hse_test(statuspage_sync_integration_test
  SOURCES integration/sync/statuspage_test.cpp
  LIBS hse_remotes hse_test_support nlohmann_json::nlohmann_json
  LABELS integration
  TIMEOUT 120)
add_dependencies(statuspage_sync_integration_test hse-emulator)

# Crashes for real (issue 12): the daemon and CLI writers killed with SIGKILL at
# random moments (~12 s of kills), then integrity, acknowledged writes and convergence.
hse_test(crash_integration_test
  SOURCES integration/sync/crash_test.cpp
  LIBS hse_test_support nlohmann_json::nlohmann_json SQLite::SQLite3
  LABELS integration
  TIMEOUT 120)
add_dependencies(crash_integration_test hse-sync hse-emulator)
# hse-sync run --metrics (issue 15): /metrics scraped during and after rounds.
hse_test(metrics_integration_test
  SOURCES integration/sync/metrics_test.cpp
  LIBS hse_test_support nlohmann_json::nlohmann_json
  LABELS integration
  TIMEOUT 300)
add_dependencies(metrics_integration_test hse-sync hse-emulator)

# Crashes at commit boundaries (issue 12): a forked child on the engine built with
# abort points (core/abort_point.hpp) dies at a drawn reach of each point; the
# reopened replica keeps every acknowledged write, drains, and equals the server.
# Not in the sanitizer builds: it needs the second copy of the engine (with its test
# hooks), which they do not build, and each child's death is the point, not its memory.
if(NOT HSE_SANITIZE)
  hse_test(abort_points_integration_test
    SOURCES integration/sync/abort_points_test.cpp
    LIBS hse_engine_planted hse_statuspage hse_test_support nlohmann_json::nlohmann_json SQLite::SQLite3
    LABELS integration
    TIMEOUT 300)
  add_dependencies(abort_points_integration_test hse-emulator)
endif()
