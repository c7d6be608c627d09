# The documented event list and the events the engine emits agree (issue 14).
add_test(NAME events_doc_test COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/docs/check_events.py ${PROJECT_SOURCE_DIR})
set_tests_properties(events_doc_test PROPERTIES LABELS unit)
# README's folder and benchmark tables cover the tree; it cites nothing outside it.
add_test(NAME readme_doc_test COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/docs/check_readme.py ${PROJECT_SOURCE_DIR})
set_tests_properties(readme_doc_test PROPERTIES LABELS unit)
