hse_test(core_test SOURCES unit/core/error_table_test.cpp LIBS hse_core LABELS unit)
