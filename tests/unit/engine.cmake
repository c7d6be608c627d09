hse_test(engine_local_test
  SOURCES unit/engine/local_writes_test.cpp unit/engine/journal_test.cpp unit/engine/history_test.cpp
          unit/engine/query_test.cpp unit/engine/migrations_test.cpp unit/engine/threads_test.cpp
  LIBS hse_engine LABELS unit)
