/* A minimal application of the installed library: writes a row offline, reads it back. */
#include <hsesync.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  hse_engine* db = NULL;
  char* row = NULL;
  if (hse_open(argv[1], "{}", &db) != HSE_OK ||
      hse_create(db, "project", "{\"name\":\"Consumer\",\"country\":\"DE\"}", &row) != HSE_OK) {
    fprintf(stderr, "failed: %s\n", hse_last_error());
    hse_close(db);
    return 1;
  }
  int ok = strstr(row, "\"Consumer\"") != NULL && hse_version_number() == HSE_VERSION_NUMBER;
  printf("consumer: hsesync %s, created %s\n", hse_version(), row);
  hse_free(row);
  hse_close(db);
  return ok ? 0 : 1;
}
