/* One engine handle used from two threads while the background scheduler syncs
 * it against a real hse-emulator (run under the tsan preset in CI): every write is
 * kept, reaches the server, and events arrive on the scheduler's thread. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "c_test_support.h"

enum { WRITES_PER_THREAD = 40 };

static test_emulator emu;
static pthread_mutex_t events_mu = PTHREAD_MUTEX_INITIALIZER;
static int rounds_finished;

static void on_event(void* user, const char* event) {
  (void)user;
  if (!strstr(event, "\"type\":\"round_finished\"")) return;
  pthread_mutex_lock(&events_mu);
  rounds_finished++;
  pthread_mutex_unlock(&events_mu);
}

typedef struct {
  hse_engine* db;
  int thread_no;
  int failures;
} worker;

static void* write_and_read(void* arg) {
  worker* w = arg;
  for (int i = 0; i < WRITES_PER_THREAD; ++i) {
    char body[128], id[64], *row = NULL, *out = NULL;
    snprintf(body, sizeof body, "{\"name\":\"thread %d row %d\",\"country\":\"IT\"}", w->thread_no, i);
    if (hse_create(w->db, "project", body, &row) != HSE_OK) {
      fprintf(stderr, "thread %d: create: %s\n", w->thread_no, hse_last_error());
      w->failures++;
      continue;
    }
    test_json_string(row, "project_id", id, sizeof id);
    hse_free(row);
    if (i % 3 == 0 && hse_update(w->db, "project", id, "{\"name\":\"renamed\"}", NULL) != HSE_OK) w->failures++;
    if (hse_get(w->db, "project", id, &out) != HSE_OK) w->failures++;
    hse_free(out);
    if (hse_query(w->db, "project", "{\"per-page\":5}", &out) != HSE_OK) w->failures++;
    hse_free(out);
    if (hse_status(w->db, &out) != HSE_OK) w->failures++;
    hse_free(out);
    /* This thread's failure stays its own. */
    if (hse_get(w->db, "project", "missing", &out) != HSE_ERR_NOT_FOUND || !strstr(hse_last_error(), "missing"))
      w->failures++;
  }
  return NULL;
}

static long project_count(hse_engine* db) {
  char* out = NULL;
  CHECK_OK(hse_query(db, "project", "{\"history\":true}", &out));
  long n = test_json_int(out, "totalCount");
  hse_free(out);
  return n;
}

static void two_threads_while_the_scheduler_runs(void) {
  char path[1024], config[512];
  snprintf(config, sizeof config,
           "{\"remote\":{\"url\":\"%s\",\"access_token\":\"t\"},\"sync\":{\"interval_s\":1,\"debounce_ms\":20}}",
           emu.url);
  test_path(path, sizeof path, "threads.db");
  hse_engine* db = NULL;
  CHECK_OK(hse_open(path, config, &db));
  CHECK_OK(hse_set_event_callback(db, on_event, NULL));
  CHECK_OK(hse_start(db));
  CHECK_OK(hse_start(db)); /* running: a no-op */

  worker workers[2] = {{db, 1, 0}, {db, 2, 0}};
  pthread_t threads[2];
  for (int i = 0; i < 2; ++i) pthread_create(&threads[i], NULL, write_and_read, &workers[i]);
  for (int i = 0; i < 2; ++i) pthread_join(threads[i], NULL);
  CHECK(workers[0].failures == 0 && workers[1].failures == 0);

  CHECK_OK(hse_wait_synced(db, 30000));
  CHECK_OK(hse_stop(db));
  pthread_mutex_lock(&events_mu);
  CHECK(rounds_finished >= 1);
  pthread_mutex_unlock(&events_mu);
  char* status = NULL;
  CHECK_OK(hse_status(db, &status));
  CHECK(test_json_int(status, "pending") == 0);
  hse_free(status);

  /* Another device sees every row. */
  hse_engine* other = NULL;
  test_path(path, sizeof path, "threads-other.db");
  CHECK_OK(hse_open(path, config, &other));
  CHECK_OK(hse_sync(other, NULL));
  CHECK(project_count(other) == project_count(db));
  CHECK(project_count(db) >= 2 * WRITES_PER_THREAD);
  hse_close(other);

  /* Closing with the scheduler running stops it first. */
  CHECK_OK(hse_start(db));
  hse_close(db);
}

int main(void) {
  const char* args[] = {"--demo", "--token", "t", NULL};
  if (test_emulator_start(&emu, args) != 0) return 2;
  RUN(two_threads_while_the_scheduler_runs);
  test_emulator_stop(&emu);
  printf("%d failure(s)\n", hse_test_failures);
  return hse_test_failures == 0 ? 0 : 1;
}
