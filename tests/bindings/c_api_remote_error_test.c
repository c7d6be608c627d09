/* hse_last_error_http_status / hse_last_error_retry_after against real
 * hse-emulators: a 429 with Retry-After, a 500 without, a refused token (401), a
 * refused connection (no HTTP answer), and the values cleared by the next call. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "c_test_support.h"

/* A replica of its own whose remote is `url`, with `token`. */
static hse_engine* open_against(const char* name, const char* url, const char* token) {
  char path[1024], config[512];
  test_path(path, sizeof path, name);
  snprintf(config, sizeof config, "{\"remote\":{\"kind\":\"fourhse\",\"url\":\"%s\",\"access_token\":\"%s\"}}", url,
           token);
  hse_engine* db = NULL;
  CHECK_OK(hse_open(path, config, &db));
  return db;
}

/* Syncs `db` once against an emulator started with `faults` (NULL: none) and
 * token "secret", and checks the code, status and Retry-After the call leaves. */
static void check_round(const char* name, const char* faults, const char* token, hse_code code, int status,
                        int retry_after) {
  test_emulator emu;
  const char* args[] = {"--token", "secret", faults ? "--faults" : NULL, faults, NULL};
  if (test_emulator_start(&emu, args) != 0) {
    CHECK(!"emulator started");
    return;
  }
  hse_engine* db = open_against(name, emu.url, token);
  char* report = NULL;
  CHECK_RC(hse_sync(db, &report), code);
  CHECK(hse_last_error_http_status() == status);
  CHECK(hse_last_error_retry_after() == retry_after);
  char expected[64];
  snprintf(expected, sizeof expected, "\"http_status\":%d", status);
  CHECK_CONTAINS(report, expected); /* the report says it too */
  hse_free(report);
  /* hse_last_error* leave it as it is; any other call clears it. */
  CHECK(hse_last_error_http_status() == status);
  char* out = NULL;
  CHECK_OK(hse_status(db, &out));
  hse_free(out);
  CHECK(hse_last_error_http_status() == 0);
  CHECK(hse_last_error_retry_after() == -1);
  hse_close(db);
  test_emulator_stop(&emu);
}

static void rate_limited_with_retry_after(void) {
  check_round("429.db", "{\"error_rate\":1,\"error_status\":429,\"retry_after_s\":7}", "secret",
              HSE_ERR_RATE_LIMITED, 429, 7);
}

static void server_error_without_retry_after(void) {
  check_round("500.db", "{\"error_rate\":1,\"error_status\":500}", "secret", HSE_ERR_SERVER, 500, -1);
}

static void refused_token(void) { check_round("401.db", NULL, "wrong", HSE_ERR_AUTH, 401, -1); }

static void no_http_answer(void) {
  hse_engine* db = open_against("refused.db", "http://127.0.0.1:1", "x"); /* port 1: refused at once */
  char* report = NULL;
  CHECK_RC(hse_sync(db, &report), HSE_ERR_NETWORK);
  CHECK(hse_last_error_http_status() == 0);
  CHECK(hse_last_error_retry_after() == -1);
  CHECK(report != NULL && strstr(report, "http_status") == NULL);
  hse_free(report);
  /* A local failure has no HTTP answer either. */
  char* row = NULL;
  CHECK_RC(hse_get(db, "project", "no-such-id", &row), HSE_ERR_NOT_FOUND);
  CHECK(hse_last_error_http_status() == 0);
  hse_close(db);
}

int main(void) {
  RUN(rate_limited_with_retry_after);
  RUN(server_error_without_retry_after);
  RUN(refused_token);
  RUN(no_http_answer);
  printf("%d failure(s)\n", hse_test_failures);
  return hse_test_failures == 0 ? 0 : 1;
}
