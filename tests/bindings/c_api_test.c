/* The C API from plain C, offline: local writes and reads, and misuse (NULL
 * handles and arguments, malformed JSON, unknown entities and rows) answered with
 * codes and the thread's last error, never a crash. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "c_test_support.h"

static hse_engine* open_offline(const char* name) {
  char path[1024];
  test_path(path, sizeof path, name);
  hse_engine* db = NULL;
  CHECK_OK(hse_open(path, "{}", &db));
  CHECK(db != NULL);
  return db;
}

static void version_matches_header(void) {
  CHECK(strcmp(hse_version(), HSE_VERSION) == 0);
  CHECK(hse_version_number() == HSE_VERSION_NUMBER);
  CHECK(strcmp(hse_code_name(HSE_ERR_NOT_FOUND), "not_found") == 0);
  CHECK(strcmp(hse_code_name((hse_code)999), "unknown") == 0);
  CHECK(hse_code_is_transient(HSE_ERR_NETWORK) && hse_code_is_transient(HSE_ERR_BUSY));
  CHECK(!hse_code_is_transient(HSE_ERR_INVALID) && !hse_code_is_transient(HSE_ERR_NOT_FOUND));
}

static void crud_offline(void) {
  hse_engine* db = open_offline("crud.db");
  char *row = NULL, *out = NULL, id[64];
  CHECK_OK(hse_create(db, "project", "{\"name\":\"Acme\",\"country\":\"IT\"}", &row));
  test_json_string(row, "project_id", id, sizeof id);
  CHECK(id[0] != '\0');
  hse_free(row);

  char patch[] = "{\"name\":\"Acme Two\"}";
  CHECK_OK(hse_update(db, "project", id, patch, &row));
  CHECK_CONTAINS(row, "Acme Two");
  hse_free(row);
  CHECK_OK(hse_get(db, "project", id, &row));
  CHECK_CONTAINS(row, "Acme Two");
  hse_free(row);

  CHECK_OK(hse_query(db, "project", NULL, &out));
  CHECK(test_json_int(out, "totalCount") == 1);
  hse_free(out);
  CHECK_OK(hse_query(db, "project", "{\"filter\":{\"name\":\"nothing like it\"}}", &out));
  CHECK(test_json_int(out, "totalCount") == 0);
  hse_free(out);

  CHECK_OK(hse_journal(db, NULL, &out));
  CHECK_CONTAINS(out, "\"op\":\"create\""); /* create+update collapsed into one create */
  hse_free(out);
  CHECK_OK(hse_history(db, "project", id, &out));
  CHECK_CONTAINS(out, "valid_from");
  hse_free(out);
  CHECK_OK(hse_status(db, &out));
  CHECK(test_json_int(out, "pending") == 1);
  hse_free(out);

  CHECK_OK(hse_create_many(db, "project", "[{\"name\":\"B\",\"country\":\"DE\"},{\"name\":\"C\",\"country\":\"FR\"}]",
                           &out));
  CHECK_CONTAINS(out, "\"name\":\"C\"");
  hse_free(out);
  /* All or none: the second item is refused, so the first is not written either. */
  CHECK_RC(hse_create_many(db, "project", "[{\"name\":\"D\",\"country\":\"DE\"},{\"name\":\"E\",\"country\":\"XYZ\"}]",
                           &out),
           HSE_ERR_INVALID);
  CHECK(out == NULL);
  CHECK_CONTAINS(hse_last_error_fields(), "[1].country");

  CHECK_OK(hse_delete(db, "project", id, 0));
  CHECK_RC(hse_get(db, "project", id, &row), HSE_ERR_NOT_FOUND);
  CHECK(row == NULL);
  hse_close(db);
}

static void validation_names_fields(void) {
  hse_engine* db = open_offline("validation.db");
  char* row = (char*)"stale";
  CHECK_RC(hse_create(db, "project", "{\"country\":\"Italy\"}", &row), HSE_ERR_INVALID);
  CHECK(row == NULL); /* out params are NULL after a failure */
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"name\"");
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"country\"");
  CHECK(strlen(hse_last_error()) > 0);
  /* The next successful call clears the last error. */
  CHECK_OK(hse_create(db, "project", "{\"name\":\"Ok\",\"country\":\"IT\"}", NULL));
  CHECK(strcmp(hse_last_error(), "") == 0);
  CHECK(strcmp(hse_last_error_fields(), "[]") == 0);
  hse_close(db);
}

static void null_handle_and_arguments(void) {
  char* out = NULL;
  hse_engine* db = NULL;
  CHECK_RC(hse_open(NULL, "{}", &db), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"path\"");
  char path[1024];
  test_path(path, sizeof path, "null.db");
  CHECK_RC(hse_open(path, "{}", NULL), HSE_ERR_INVALID);

  CHECK_RC(hse_create(NULL, "project", "{}", &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"engine\"");
  CHECK_RC(hse_update(NULL, "project", "x", "{}", &out), HSE_ERR_INVALID);
  CHECK_RC(hse_delete(NULL, "project", "x", 0), HSE_ERR_INVALID);
  CHECK_RC(hse_get(NULL, "project", "x", &out), HSE_ERR_INVALID);
  CHECK_RC(hse_query(NULL, "project", "{}", &out), HSE_ERR_INVALID);
  CHECK_RC(hse_sync(NULL, &out), HSE_ERR_INVALID);
  CHECK_RC(hse_start(NULL), HSE_ERR_INVALID);
  CHECK_RC(hse_stop(NULL), HSE_ERR_INVALID);
  CHECK_RC(hse_wait_synced(NULL, 10), HSE_ERR_INVALID);
  CHECK_RC(hse_status(NULL, &out), HSE_ERR_INVALID);
  CHECK_RC(hse_conflicts(NULL, &out), HSE_ERR_INVALID);
  CHECK_RC(hse_resolve(NULL, "c", "{}"), HSE_ERR_INVALID);
  CHECK_RC(hse_journal(NULL, NULL, &out), HSE_ERR_INVALID);
  CHECK_RC(hse_history(NULL, "project", "x", &out), HSE_ERR_INVALID);
  CHECK_RC(hse_set_event_callback(NULL, NULL, NULL), HSE_ERR_INVALID);
  CHECK_RC(hse_set_conflict_resolver(NULL, NULL, NULL), HSE_ERR_INVALID);
  CHECK(out == NULL);

  db = open_offline("nulls.db");
  CHECK_RC(hse_create(db, NULL, "{}", &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"entity\"");
  CHECK_RC(hse_create(db, "project", NULL, &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"json\"");
  CHECK_RC(hse_get(db, "project", NULL, &out), HSE_ERR_INVALID);
  CHECK_RC(hse_get(db, "project", "x", NULL), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"out_json\"");
  CHECK_RC(hse_query(db, "project", "{}", NULL), HSE_ERR_INVALID);
  CHECK_RC(hse_status(db, NULL), HSE_ERR_INVALID);
  CHECK_RC(hse_conflicts(db, NULL), HSE_ERR_INVALID);
  CHECK_RC(hse_journal(db, NULL, NULL), HSE_ERR_INVALID);
  CHECK_RC(hse_resolve(db, NULL, "{\"take\":\"local\"}"), HSE_ERR_INVALID);
  CHECK_RC(hse_resolve(db, "c", NULL), HSE_ERR_INVALID);
  CHECK_RC(hse_update(db, "project", "x", NULL, NULL), HSE_ERR_INVALID);
  CHECK_RC(hse_delete(db, "project", NULL, 1), HSE_ERR_INVALID);
  hse_close(db);

  hse_close(NULL); /* harmless */
  hse_free(NULL);  /* harmless */
}

static void malformed_json_and_unknowns(void) {
  hse_engine* db = open_offline("malformed.db");
  char* out = NULL;
  CHECK_RC(hse_create(db, "project", "{\"name\":", &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error(), "json");
  CHECK_RC(hse_create(db, "project", "[1,2]", &out), HSE_ERR_INVALID); /* valid JSON, not an object */
  CHECK_RC(hse_create(db, "project", "{\"name\":42,\"country\":[\"IT\"]}", &out), HSE_ERR_INVALID);
  CHECK_RC(hse_update(db, "project", "x", "nope", &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"patch_json\"");
  CHECK_RC(hse_query(db, "project", "{filter}", &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"query_json\"");
  CHECK_RC(hse_query(db, "project", "{\"filter\":{\"no_such_field\":1}}", &out), HSE_ERR_INVALID);
  CHECK_RC(hse_resolve(db, "c", "{"), HSE_ERR_INVALID);
  CHECK_RC(hse_create_many(db, "project", "{}", &out), HSE_ERR_INVALID);

  CHECK_RC(hse_create(db, "spaceship", "{}", &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"entity\"");
  CHECK_RC(hse_query(db, "spaceship", "{}", &out), HSE_ERR_INVALID);
  CHECK_RC(hse_get(db, "project", "no-such-id", &out), HSE_ERR_NOT_FOUND);
  CHECK_RC(hse_update(db, "project", "no-such-id", "{\"name\":\"x\"}", &out), HSE_ERR_NOT_FOUND);
  CHECK_RC(hse_delete(db, "project", "no-such-id", 0), HSE_ERR_NOT_FOUND);
  CHECK_RC(hse_resolve(db, "no-such-conflict", "{\"take\":\"local\"}"), HSE_ERR_NOT_FOUND);
  CHECK(out == NULL);

  char path[1024];
  hse_engine* other = NULL;
  test_path(path, sizeof path, "bad-config.db");
  CHECK_RC(hse_open(path, "{\"remote\":", &other), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "config_json");
  CHECK_RC(hse_open(path, "[]", &other), HSE_ERR_INVALID);
  CHECK(other == NULL);
  CHECK_RC(hse_open("/nonexistent-dir/x/replica.db", "{}", &other), HSE_ERR_STORAGE);
  CHECK(other == NULL);
  hse_close(db);
}

/* Hostile input from the app: JSON nested 100,000 deep (which crashed the host app
 * with SIGSEGV) in a record, a patch, a query and the config; non-UTF-8 text; an
 * integer beyond the API's range. Each is INVALID naming the parameter or field. */
static char* nested(const char* head, size_t depth, const char* tail) {
  size_t h = strlen(head), t = strlen(tail);
  char* s = malloc(h + 2 * depth + t + 1);
  CHECK(s != NULL);
  memcpy(s, head, h);
  memset(s + h, '[', depth);
  memset(s + h + depth, ']', depth);
  memcpy(s + h + 2 * depth, tail, t + 1);
  return s;
}

static void hostile_json_is_refused(void) {
  hse_engine* db = open_offline("hostile.db");
  char* out = NULL;
  char* deep = nested("", 100000, "");
  CHECK_RC(hse_create(db, "project", deep, &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error(), "deeper than 64");
  free(deep);
  deep = nested("{\"name\":\"A\",\"country\":\"IT\",\"data\":{\"a\":", 100000, "}}");
  CHECK_RC(hse_create(db, "project", deep, &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"json\"");
  CHECK_RC(hse_query(db, "project", deep, &out), HSE_ERR_INVALID);
  CHECK_RC(hse_update(db, "project", "x", deep, &out), HSE_ERR_INVALID);
  free(deep);
  /* Shallow enough to parse, too deep for a record field. */
  deep = nested("{\"name\":\"A\",\"country\":\"IT\",\"data\":{\"a\":", 40, "}}");
  CHECK_RC(hse_create(db, "project", deep, &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"data\"");
  free(deep);
  CHECK_RC(hse_create(db, "project", "{\"name\":\"A\xff\",\"country\":\"IT\"}", &out), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error(), "UTF-8");
  CHECK_RC(hse_create(db, "project", "{\"name\":\"A\",\"country\":\"IT\",\"npeople\":9223372036854775808}", &out),
           HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "\"field\":\"npeople\"");
  CHECK(out == NULL);

  char path[1024];
  hse_engine* other = NULL;
  test_path(path, sizeof path, "deep-config.db");
  deep = nested("{\"x\":", 100000, "}");
  CHECK_RC(hse_open(path, deep, &other), HSE_ERR_INVALID);
  CHECK_CONTAINS(hse_last_error_fields(), "config_json");
  CHECK(other == NULL);
  free(deep);
  hse_close(db);
}

static void sync_without_remote(void) {
  hse_engine* db = open_offline("no-remote.db");
  char* report = NULL;
  CHECK_RC(hse_sync(db, &report), HSE_ERR_NO_REMOTE);
  CHECK(report == NULL);
  CHECK_RC(hse_start(db), HSE_ERR_NO_REMOTE);
  CHECK_OK(hse_stop(db)); /* not running: a no-op */
  CHECK_RC(hse_wait_synced(db, 100), HSE_ERR_NO_REMOTE);
  char* conflicts = NULL;
  CHECK_OK(hse_conflicts(db, &conflicts));
  CHECK(conflicts && strcmp(conflicts, "[]") == 0);
  hse_free(conflicts);
  hse_close(db);
}

/* A thread's failure is not seen by another thread. */
static void* fail_on_other_thread(void* arg) {
  (void)arg;
  static int seen_clean;
  seen_clean = strcmp(hse_last_error(), "") == 0; /* this thread has not failed yet */
  hse_get(NULL, "project", "x", NULL);
  return &seen_clean;
}

static void last_error_is_per_thread(void) {
  hse_engine* db = open_offline("threads-error.db");
  char* out = NULL;
  CHECK_RC(hse_get(db, "project", "missing", &out), HSE_ERR_NOT_FOUND);
  char mine[256];
  snprintf(mine, sizeof mine, "%s", hse_last_error());
  pthread_t t;
  void* seen_clean = NULL;
  pthread_create(&t, NULL, fail_on_other_thread, NULL);
  pthread_join(t, &seen_clean);
  CHECK(*(int*)seen_clean);
  CHECK(strcmp(hse_last_error(), mine) == 0); /* the other thread's failure did not replace ours */
  CHECK_CONTAINS(hse_last_error(), "missing");
  hse_close(db);
}

static void reopen_keeps_rows(void) {
  char path[1024];
  test_path(path, sizeof path, "reopen.db");
  hse_engine* db = NULL;
  char *row = NULL, id[64];
  CHECK_OK(hse_open(path, NULL, &db)); /* NULL config = "{}" */
  CHECK_OK(hse_create(db, "project", "{\"name\":\"Kept\",\"country\":\"IT\"}", &row));
  test_json_string(row, "project_id", id, sizeof id);
  hse_free(row);
  hse_close(db);
  CHECK_OK(hse_open(path, "{}", &db));
  CHECK_OK(hse_get(db, "project", id, &row));
  CHECK_CONTAINS(row, "Kept");
  hse_free(row);
  hse_close(db);
}

int main(void) {
  RUN(version_matches_header);
  RUN(crud_offline);
  RUN(validation_names_fields);
  RUN(null_handle_and_arguments);
  RUN(malformed_json_and_unknowns);
  RUN(hostile_json_is_refused);
  RUN(sync_without_remote);
  RUN(last_error_is_per_thread);
  RUN(reopen_keeps_rows);
  printf("%d failure(s)\n", hse_test_failures);
  return hse_test_failures == 0 ? 0 : 1;
}
