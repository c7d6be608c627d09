# The layers point down only (issue 14): a forbidden #include fails this test.
add_test(NAME layering_test COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/layering/check_includes.py ${PROJECT_SOURCE_DIR})
set_tests_properties(layering_test PROPERTIES LABELS unit)
