hse_test(cli_local_test SOURCES integration/cli/cli_local_test.cpp LIBS nlohmann_json::nlohmann_json LABELS integration)
# Its fixture lives in an anonymous namespace, which a unity source would wrap (-Wsubobject-linkage).
set_source_files_properties(integration/cli/cli_local_test.cpp PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
add_dependencies(cli_local_test hse-sync)

# hse-sync against the status-page API of a real hse-emulator: init --kind statuspage,
# offline creates under local ids, sync, reads by server and by local id.
hse_test(cli_statuspage_test
  SOURCES integration/cli/cli_statuspage_test.cpp
  LIBS hse_test_support nlohmann_json::nlohmann_json
  LABELS integration
  TIMEOUT 120)
add_dependencies(cli_statuspage_test hse-sync hse-emulator)
