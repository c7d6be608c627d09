# hse_test_support: helpers for integration tests that talk HTTP to the processes
# they run (tests/support/http_client.hpp); the processes themselves are run with
# hse_emulator_process (adapters/emulator/process.hpp).
add_library(hse_test_support STATIC support/http_client.cpp)
target_include_directories(hse_test_support PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(hse_test_support PUBLIC hse_core hse_emulator_process Boost::boost Threads::Threads)
