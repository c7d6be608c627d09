// The property binaries' main: a fixed default number of histories that fits the CI
// budget (HSE_PROP_HISTORIES, set per binary in tests/property.cmake) unless
// RC_PARAMS already says max_success; RC_PARAMS is otherwise left as given, so
// "seed=..." and "reproduce=..." replay a failure exactly.
#include <gtest/gtest.h>

#include "tests/support/faulty_vfs.hpp"

#include <cstdlib>
#include <string>

#ifndef HSE_PROP_HISTORIES
#define HSE_PROP_HISTORIES 100
#endif

int main(int argc, char** argv) {
  const char* given = std::getenv("RC_PARAMS");
  std::string params = given ? given : "";
  if (params.find("max_success") == std::string::npos) {
    params += (params.empty() ? "" : " ") + std::string("max_success=") + std::to_string(HSE_PROP_HISTORIES);
    ::setenv("RC_PARAMS", params.c_str(), 1);
  }
  // Before any replica is opened: the storage-fault commands fail its writes through it.
  hse::test::install_faulty_vfs();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
