#define _XOPEN_SOURCE 700
#include "c_test_support.h"

#include <ftw.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int hse_test_failures = 0;

static char dir[512];

static int remove_entry(const char* path, const struct stat* sb, int flag, struct FTW* ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

/* The scratch directory goes when the test ends (kept when it failed, to look at). */
static void remove_tmpdir(void) {
  if (dir[0] && hse_test_failures == 0) nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char* test_tmpdir(void) {
  if (dir[0]) return dir;
  const char* base = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/hse-c-test-XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    exit(2);
  }
  atexit(remove_tmpdir);
  return dir;
}

void test_path(char* out, size_t size, const char* name) { snprintf(out, size, "%s/%s", test_tmpdir(), name); }

int test_emulator_start(test_emulator* emu, const char* const* extra_args) {
  const char* bin_dir = getenv("HSE_BIN_DIR");
  if (!bin_dir) {
    fprintf(stderr, "HSE_BIN_DIR is not set (ctest sets it)\n");
    return -1;
  }
  char program[1024];
  snprintf(program, sizeof program, "%s/hse-emulator", bin_dir);
  const char* argv[32] = {program, "--port", "0"};
  int argc = 3;
  for (; extra_args && *extra_args && argc < 31; ++extra_args) argv[argc++] = *extra_args;
  argv[argc] = NULL;

  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(program, (char* const*)argv);
    _exit(127);
  }
  close(fds[1]);
  /* One line: "listening on 127.0.0.1:PORT". */
  FILE* out = fdopen(fds[0], "r");
  char line[256] = "";
  int ok = out && fgets(line, sizeof line, out) && sscanf(line, "listening on 127.0.0.1:%d", &emu->port) == 1;
  if (out) fclose(out); /* the emulator prints nothing more on stdout */
  emu->pid = pid;
  if (!ok) {
    test_emulator_stop(emu);
    fprintf(stderr, "hse-emulator did not start: %s\n", line);
    return -1;
  }
  snprintf(emu->url, sizeof emu->url, "http://127.0.0.1:%d", emu->port);
  return 0;
}

void test_emulator_stop(test_emulator* emu) {
  if (emu->pid <= 0) return;
  kill(emu->pid, SIGTERM);
  waitpid(emu->pid, NULL, 0);
  emu->pid = 0;
}

long test_json_int(const char* json, const char* key) {
  char pattern[128];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char* p = json ? strstr(json, pattern) : NULL;
  return p ? strtol(p + strlen(pattern), NULL, 10) : -1;
}

void test_json_string(const char* json, const char* key, char* out, size_t size) {
  char pattern[128];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  out[0] = '\0';
  const char* p = json ? strstr(json, pattern) : NULL;
  if (!p) return;
  p += strlen(pattern);
  const char* end = strchr(p, '"');
  if (!end || (size_t)(end - p) >= size) return;
  memcpy(out, p, (size_t)(end - p));
  out[end - p] = '\0';
}
