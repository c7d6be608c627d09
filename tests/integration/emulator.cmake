# The hse-emulator's integration tests: each test runs a real hse-emulator process on
# 127.0.0.1 (tests/support) except the in-process ones, which drive Emulator directly.
hse_test(emulator_test
  SOURCES integration/emulator/api_test.cpp integration/emulator/index_test.cpp
          integration/emulator/fault_rules_test.cpp
          integration/emulator/validation_test.cpp integration/emulator/auth_test.cpp
          integration/emulator/faults_test.cpp integration/emulator/protocol_test.cpp
          integration/emulator/statuspage_test.cpp
  LIBS hse_emulator hse_test_support hse_schema
  LABELS integration
  TIMEOUT 120)
add_dependencies(emulator_test hse-emulator)
