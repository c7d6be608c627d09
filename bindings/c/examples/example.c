/* example.c: embedding hsesync from C, offline. Opens a replica with no remote,
 * creates a project, an office and an incident, queries them, shows the journal
 * (what the next sync would push) and the status, and what a refused write says.
 *
 *   cc -std=c11 example.c $(pkg-config --cflags --libs hsesync) && ./a.out replica.db
 *
 * Exit status 0 when every step behaved as documented. */
#include <hsesync.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stops the example with the library's explanation of a failed call. */
static void check(hse_code rc, const char* what) {
  if (rc == HSE_OK) return;
  fprintf(stderr, "%s failed: %s (%s) fields=%s\n", what, hse_code_name(rc), hse_last_error(),
          hse_last_error_fields());
  exit(1);
}

/* Copies the string value of "key" out of a flat JSON object into buf. A real app
 * uses its JSON library; this keeps the example free of dependencies. */
static const char* string_field(const char* json, const char* key, char* buf, size_t size) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char* start = strstr(json, pattern);
  if (!start) return NULL;
  start += strlen(pattern);
  const char* end = strchr(start, '"');
  if (!end || (size_t)(end - start) >= size) return NULL;
  memcpy(buf, start, (size_t)(end - start));
  buf[end - start] = '\0';
  return buf;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "example-replica.db";
  if (hse_version_number() != HSE_VERSION_NUMBER) {
    fprintf(stderr, "header %s does not match library %s\n", HSE_VERSION, hse_version());
    return 1;
  }
  printf("hsesync %s\n", hse_version());

  /* "{}": no remote, everything below works offline. */
  hse_engine* db = NULL;
  check(hse_open(path, "{}", &db), "hse_open");

  char* row = NULL;
  char project[64], office[64], incident[64], body[512];
  check(hse_create(db, "project", "{\"name\":\"Acme Construction Ltd\",\"country\":\"IT\"}", &row), "create project");
  string_field(row, "project_id", project, sizeof project);
  hse_free(row);

  snprintf(body, sizeof body,
           "{\"project_id\":\"%s\",\"name\":\"Rome North Site\",\"street\":\"Via Salaria 1021\","
           "\"locality\":\"Rome\",\"postal_code\":\"00138\",\"office_type_icon\":\"construction_site\"}",
           project);
  check(hse_create(db, "office", body, &row), "create office");
  string_field(row, "office_id", office, sizeof office);
  hse_free(row);

  snprintf(body, sizeof body,
           "{\"name\":\"Slip on wet floor\",\"date_incident\":\"2026-11-27\","
           "\"category\":\"ACCIDENTS_AND_MISSED_INJURIES\",\"tenant_id\":\"%s\",\"subtenant_id\":\"%s\"}",
           project, office);
  check(hse_create(db, "incident", body, &row), "create incident");
  string_field(row, "office_incident_id", incident, sizeof incident);
  hse_free(row);
  printf("created project %s, office %s, incident %s\n", project, office, incident);

  /* A write the server would refuse is refused here too, naming the fields. */
  hse_code rc = hse_update(db, "incident", incident, "{\"status\":\"closed\"}", NULL);
  printf("refused update: %s; fields: %s\n", hse_code_name(rc), hse_last_error_fields());
  if (rc != HSE_ERR_INVALID || !strstr(hse_last_error_fields(), "date_closed")) return 1;

  check(hse_update(db, "incident", incident, "{\"status\":\"closed\",\"date_closed\":\"2026-11-28\"}", NULL),
        "close incident");

  snprintf(body, sizeof body, "{\"filter\":{\"subtenant_id\":\"%s\"},\"sort\":\"-date_incident\"}", office);
  char* result = NULL;
  check(hse_query(db, "incident", body, &result), "query");
  printf("query: %s\n", result);
  hse_free(result);

  check(hse_journal(db, NULL, &result), "journal");
  printf("journal: %s\n", result);
  hse_free(result);

  check(hse_status(db, &result), "status");
  printf("status: %s\n", result);
  hse_free(result);

  rc = hse_sync(db, NULL);
  printf("sync without a remote: %s (%s)\n", hse_code_name(rc), hse_last_error());

  hse_close(db);
  return rc == HSE_ERR_NO_REMOTE ? 0 : 1;
}
