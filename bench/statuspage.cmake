# bench_statuspage: the cost of server-assigned ids (push with id mapping) beside the
# same creates sent straight through the adapter, and a pull of what was pushed.
add_executable(bench_statuspage statuspage/statuspage_bench.cpp)
target_link_libraries(bench_statuspage PRIVATE hse_emulator_process hse_remotes hse_engine hse_statuspage hse_http Threads::Threads)
target_include_directories(bench_statuspage PRIVATE ${PROJECT_SOURCE_DIR})
add_dependencies(bench_statuspage hse-emulator)
