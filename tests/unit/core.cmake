hse_test(core_test
  SOURCES unit/core/json_input_test.cpp unit/core/secret_file_test.cpp unit/core/error_table_test.cpp
  LIBS hse_core LABELS unit)
