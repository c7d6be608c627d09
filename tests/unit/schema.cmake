hse_test(schema_test SOURCES unit/schema/catalog_test.cpp unit/schema/validate_test.cpp LIBS hse_schema LABELS unit)
