/* The C API syncing against a real hse-emulator: rounds and their events, a
 * manual conflict listed by hse_conflicts and settled by hse_resolve, and a
 * conflict decided by a resolver callback. Two replicas (A and B) stand for two
 * devices; B's edits reach the server through its own sync. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "c_test_support.h"

static test_emulator emu;

static hse_engine* open_replica(const char* name) {
  char path[1024], config[512];
  test_path(path, sizeof path, name);
  snprintf(config, sizeof config,
           "{\"remote\":{\"kind\":\"fourhse\",\"url\":\"%s\",\"access_token\":\"secret\"},"
           "\"policies\":{\"project\":\"manual\",\"incident\":\"callback\"}}",
           emu.url);
  hse_engine* db = NULL;
  CHECK_OK(hse_open(path, config, &db));
  return db;
}

typedef struct {
  hse_engine* engine;
  int round_started, round_finished, pages, conflicts, status_reads;
} event_counts;

static void count_event(void* user, const char* event) {
  event_counts* c = user;
  if (strstr(event, "\"type\":\"round_started\"")) c->round_started++;
  if (strstr(event, "\"type\":\"round_finished\"")) {
    c->round_finished++;
    /* Events arrive on the event thread, outside the engine's locks: reading it is allowed. */
    char* status = NULL;
    if (hse_status(c->engine, &status) == HSE_OK && strstr(status, "\"pending\"")) c->status_reads++;
    hse_free(status);
  }
  if (strstr(event, "\"type\":\"page\"")) c->pages++;
  if (strstr(event, "\"type\":\"conflict\"")) c->conflicts++;
}

static void rename_on_both(hse_engine* a, hse_engine* b, const char* entity, const char* id) {
  char* report = NULL;
  CHECK_OK(hse_sync(b, NULL)); /* B has the row */
  CHECK_OK(hse_update(b, entity, id, "{\"name\":\"renamed on B\"}", NULL));
  CHECK_OK(hse_sync(b, &report));
  CHECK(test_json_int(report, "pushed") == 1);
  hse_free(report);
  CHECK_OK(hse_update(a, entity, id, "{\"name\":\"renamed on A\"}", NULL));
}

static void sync_with_events_and_manual_conflict(void) {
  hse_engine* a = open_replica("a.db");
  hse_engine* b = open_replica("b.db");
  event_counts events = {a, 0, 0, 0, 0, 0};
  CHECK_OK(hse_set_event_callback(a, count_event, &events));

  char *row = NULL, *report = NULL, id[64];
  CHECK_OK(hse_create(a, "project", "{\"name\":\"Synced from C\",\"country\":\"IT\"}", &row));
  test_json_string(row, "project_id", id, sizeof id);
  hse_free(row);
  CHECK_OK(hse_sync(a, &report));
  CHECK_CONTAINS(report, "\"ok\":true");
  CHECK(test_json_int(report, "pushed") == 1);
  CHECK(test_json_int(report, "pulled") > 0); /* the demo data set */
  hse_free(report);
  /* hse_sync returns once its events were delivered. */
  CHECK(events.round_started == 1 && events.round_finished == 1 && events.status_reads == 1);
  CHECK(events.pages > 0);

  rename_on_both(a, b, "project", id);
  CHECK_OK(hse_sync(a, NULL));
  CHECK(events.conflicts == 1);

  char* list = NULL;
  char conflict_id[64];
  CHECK_OK(hse_conflicts(a, &list));
  CHECK_CONTAINS(list, "\"kind\":\"update_update\"");
  CHECK_CONTAINS(list, "renamed on B");
  test_json_string(list, "conflict_id", conflict_id, sizeof conflict_id);
  hse_free(list);
  CHECK_RC(hse_resolve(a, conflict_id, "{\"take\":\"sideways\"}"), HSE_ERR_INVALID);
  CHECK_OK(hse_resolve(a, conflict_id, "{\"take\":\"local\"}"));
  CHECK_RC(hse_resolve(a, conflict_id, "{\"take\":\"local\"}"), HSE_ERR_NOT_FOUND); /* already resolved */
  CHECK_OK(hse_conflicts(a, &list));
  CHECK(strcmp(list, "[]") == 0);
  hse_free(list);

  CHECK_OK(hse_wait_synced(a, 10000));
  CHECK_OK(hse_sync(b, NULL));
  CHECK_OK(hse_get(b, "project", id, &row));
  CHECK_CONTAINS(row, "renamed on A"); /* the local side won, on the server too */
  hse_free(row);

  CHECK_OK(hse_set_event_callback(a, NULL, NULL));
  CHECK_OK(hse_sync(a, NULL));
  CHECK(events.round_finished == 2 || events.round_finished == 3); /* none after unregistering */
  CHECK(events.status_reads == events.round_finished);
  hse_close(a);
  hse_close(b);
}

static int resolver_calls;
static int take_remote(void* user, const char* conflict, char** resolution) {
  (void)user;
  resolver_calls++;
  if (!strstr(conflict, "\"kind\":\"update_update\"")) return HSE_RESOLVE_DEFER;
  *resolution = strdup("{\"take\":\"remote\"}");
  return HSE_RESOLVE_DECIDED;
}

static void resolver_callback_decides(void) {
  hse_engine* a = open_replica("a2.db");
  hse_engine* b = open_replica("b2.db");
  CHECK_OK(hse_set_conflict_resolver(a, take_remote, NULL));
  CHECK_OK(hse_sync(a, NULL));

  char *page = NULL, *row = NULL, id[64];
  CHECK_OK(hse_query(a, "incident", "{\"per-page\":1}", &page));
  test_json_string(page, "office_incident_id", id, sizeof id);
  hse_free(page);
  CHECK(id[0] != '\0');

  rename_on_both(a, b, "incident", id);
  CHECK_OK(hse_sync(a, NULL));
  CHECK(resolver_calls == 1);
  char* list = NULL;
  CHECK_OK(hse_conflicts(a, &list));
  CHECK(strcmp(list, "[]") == 0); /* decided by the callback, not left to the app */
  hse_free(list);
  CHECK_OK(hse_get(a, "incident", id, &row));
  CHECK_CONTAINS(row, "renamed on B");
  hse_free(row);
  CHECK_OK(hse_set_conflict_resolver(a, NULL, NULL));
  hse_close(a);
  hse_close(b);
}

static void unreachable_remote_is_transient(void) {
  char path[1024];
  test_path(path, sizeof path, "unreachable.db");
  hse_engine* db = NULL;
  /* Port 1 on loopback: refused at once. */
  CHECK_OK(hse_open(path, "{\"remote\":{\"url\":\"http://127.0.0.1:1\",\"access_token\":\"x\"}}", &db));
  char* report = NULL;
  hse_code rc = hse_sync(db, &report);
  CHECK(rc != HSE_OK && hse_code_is_transient(rc));
  CHECK_CONTAINS(report, "\"ok\":false"); /* the report comes with the failure */
  hse_free(report);
  hse_close(db);
}

int main(void) {
  const char* args[] = {"--demo", "--token", "secret", NULL};
  if (test_emulator_start(&emu, args) != 0) return 2;
  RUN(sync_with_events_and_manual_conflict);
  RUN(resolver_callback_decides);
  RUN(unreachable_remote_is_transient);
  test_emulator_stop(&emu);
  printf("%d failure(s)\n", hse_test_failures);
  return hse_test_failures == 0 ? 0 : 1;
}
