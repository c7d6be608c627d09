# hse_test_support: helpers for integration tests that run real processes
# (tests/support/process.hpp) and talk HTTP to them (tests/support/http_client.hpp).
add_library(hse_test_support STATIC support/process.cpp support/http_client.cpp)
target_include_directories(hse_test_support PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(hse_test_support PUBLIC hse_core Boost::boost Threads::Threads)
