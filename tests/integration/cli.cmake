hse_test(cli_local_test SOURCES integration/cli/cli_local_test.cpp LIBS nlohmann_json::nlohmann_json LABELS integration)
add_dependencies(cli_local_test hse-sync)
