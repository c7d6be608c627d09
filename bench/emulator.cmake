# bench_emulator: rows/s and pages/s serving 100-row incident pages from 100,000 rows,
# over HTTP keep-alive, beside the same pages answered in process (the baseline).
add_executable(bench_emulator emulator/emulator_bench.cpp)
target_link_libraries(bench_emulator PRIVATE hse_emulator)
