# The fuzz corpora (tests/fuzz/corpus/<target>/, crash reproducers included) replayed
# through each target's entry point in every ordinary test run, with any compiler.
foreach(t record index_query answer url row_text)
  add_executable(fuzz_replay_${t} fuzz/fuzz_${t}.cpp fuzz/replay_main.cpp)
  target_link_libraries(fuzz_replay_${t} PRIVATE hse_fourhse hse_statuspage hse_http)
  target_include_directories(fuzz_replay_${t} PRIVATE ${PROJECT_SOURCE_DIR})
  add_test(NAME fuzz_replay_${t} COMMAND fuzz_replay_${t} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${t})
  set_tests_properties(fuzz_replay_${t} PROPERTIES LABELS "unit;fuzz" TIMEOUT 120)
endforeach()
