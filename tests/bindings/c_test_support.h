/* Support for the C API tests, in plain C: checks that report and count failures,
 * scratch directories, and an hse-emulator child process. */
#ifndef HSE_C_TEST_SUPPORT_H
#define HSE_C_TEST_SUPPORT_H

#include <hsesync.h>
#include <stdio.h>
#include <sys/types.h>

extern int hse_test_failures;

/* Records a failure (with the library's last error) and goes on. */
#define CHECK(cond)                                                                                     \
  do {                                                                                                  \
    if (!(cond)) {                                                                                      \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s %s\n", __FILE__, __LINE__, #cond,       \
              hse_last_error(), hse_last_error_fields());                                              \
      hse_test_failures++;                                                                              \
    }                                                                                                   \
  } while (0)
#define CHECK_RC(call, expected) CHECK((call) == (expected))
#define CHECK_OK(call) CHECK_RC(call, HSE_OK)
#define CHECK_CONTAINS(text, needle) CHECK((text) != NULL && strstr((text), (needle)) != NULL)

/* Runs a named test function. */
#define RUN(test)                                                    \
  do {                                                               \
    int before_ = hse_test_failures;                                 \
    test();                                                          \
    printf("%s %s\n", hse_test_failures == before_ ? "ok  " : "FAIL", #test); \
  } while (0)

/* A fresh directory under $TMPDIR (or /tmp), removed at exit when no check failed;
 * test_path() writes the path of `name` inside it to out. */
const char* test_tmpdir(void);
void test_path(char* out, size_t size, const char* name);

/* A running hse-emulator ($HSE_BIN_DIR/hse-emulator --port 0 extra_args...). */
typedef struct {
  pid_t pid;
  int port;
  char url[64];
} test_emulator;
/* Starts it and waits for its "listening on" line; returns 0 on success. */
int test_emulator_start(test_emulator* emu, const char* const* extra_args);
void test_emulator_stop(test_emulator* emu);

/* The integer value of "key" in a flat JSON text, or -1. */
long test_json_int(const char* json, const char* key);
/* The string value of the first "key" in a JSON text, copied into out ("" if absent). */
void test_json_string(const char* json, const char* key, char* out, size_t size);

#endif
