hse_test(engine_sync_test
  SOURCES unit/sync/push_pull_test.cpp unit/sync/conflicts_test.cpp unit/sync/faults_test.cpp unit/sync/three_way_test.cpp unit/sync/scheduler_test.cpp unit/sync/statuspage_test.cpp
          unit/sync/hostile_server_test.cpp unit/sync/push_isolation_test.cpp
          unit/sync/durability_test.cpp unit/sync/row_hash_test.cpp unit/sync/bootstrap_pages_test.cpp
  LIBS hse_engine LABELS unit)
