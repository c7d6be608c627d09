# hse_test_support: helpers for integration tests that talk HTTP to the processes
# they run (tests/support/http_client.hpp); the processes themselves are run with
# hse_emulator_process (adapters/emulator/process.hpp); a SQLite VFS that fails writes
# on demand (support/faulty_vfs.hpp).
add_library(hse_test_support STATIC support/http_client.cpp support/faulty_vfs.cpp)
target_include_directories(hse_test_support PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(hse_test_support PUBLIC hse_core hse_emulator_process Boost::boost SQLite::SQLite3 Threads::Threads)

# A second copy of the engine with the test hooks compiled in: planted bugs
# (core/planted.hpp) for the property tests, abort points (core/abort_point.hpp) for
# the crash tests. The production hse_engine has neither.
file(GLOB HSE_PLANTED_SOURCES CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/engine/config/*.cpp
  ${PROJECT_SOURCE_DIR}/engine/store/*.cpp ${PROJECT_SOURCE_DIR}/engine/journal/*.cpp
  ${PROJECT_SOURCE_DIR}/engine/merge/*.cpp ${PROJECT_SOURCE_DIR}/engine/sync/*.cpp
  ${PROJECT_SOURCE_DIR}/engine/query/*.cpp ${PROJECT_SOURCE_DIR}/engine/*.cpp)
add_library(hse_engine_planted STATIC EXCLUDE_FROM_ALL ${HSE_PLANTED_SOURCES})
target_compile_definitions(hse_engine_planted PUBLIC HSE_PLANTED_BUGS HSE_ABORT_POINTS)
target_include_directories(hse_engine_planted PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(hse_engine_planted PUBLIC hse_schema hse_core SQLiteCpp SQLite::SQLite3 Threads::Threads)
