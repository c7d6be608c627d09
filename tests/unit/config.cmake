hse_test(config_test SOURCES unit/config/config_test.cpp unit/config/config_doc_test.cpp LIBS hse_engine LABELS unit)
