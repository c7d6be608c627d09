# bench_sync: bootstrap of >= 100,000 rows from a real hse-emulator over loopback
# through the engine, beside the same pages fetched and parsed without writing (the
# floor); a no-change re-sync; 10,000 pushed creates; the push at 50 ms per request
# (push_rtt50, its speed-up over the serial bound). Runs hse-emulator from
# $HSE_BIN_DIR (bench/run sets it) with the tests' process harness.
add_executable(bench_sync sync/sync_bench.cpp)
target_link_libraries(bench_sync PRIVATE hse_emulator_process hse_remotes hse_engine hse_fourhse hse_http Threads::Threads)
target_include_directories(bench_sync PRIVATE ${PROJECT_SOURCE_DIR})
add_dependencies(bench_sync hse-emulator)
