/* SPDX-License-Identifier: MIT */
#include "perf_callgrind.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ns_test.h"

extern char **environ;

static bool executable(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

const char *perf_valgrind(void)
{
  static char found[4096];
  const char *env = getenv("NETSOCK_VALGRIND");
  if (env && *env)
    return executable(env) ? env : NULL;
  const char *path = getenv("PATH");
  if (!path)
    path = "/usr/bin:/bin";
  while (*path) {
    size_t n = strcspn(path, ":");
    if (n && n < sizeof found - 10) {
      snprintf(found, sizeof found, "%.*s/valgrind", (int)n, path);
      if (executable(found))
        return found;
    }
    path += n + (path[n] == ':');
  }
  return NULL;
}

/* Self costs of one callgrind dump, as written with --compress-strings=no
   and --compress-pos=no: "fn=" names the function that the following
   cost lines ("<line> <Ir> <sysCount> ...") belong to, except the one line
   after "calls=", which is the inclusive cost of a call. */
static bool read_dump(const char *path, struct perf_region *r)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return false;
  char line[4096];
  bool in_clock = false, after_calls = false, have_summary = false;
  memset(r, 0, sizeof *r);
  while (fgets(line, sizeof line, f)) {
    static const char trigger[] = "desc: Trigger: Client Request: ";
    if (strncmp(line, trigger, sizeof trigger - 1) == 0) {
      const char *name = line + sizeof trigger - 1;
      size_t len = strcspn(name, "\r\n");
      if (len >= sizeof r->name)
        len = sizeof r->name - 1;
      memcpy(r->name, name, len);
      r->name[len] = '\0';
    } else if (strncmp(line, "summary:", 8) == 0) {
      have_summary =
          sscanf(line + 8, "%" SCNu64 " %" SCNu64, &r->ir, &r->sys) >= 1;
    } else if (strncmp(line, "fn=", 3) == 0) {
      in_clock = strstr(line, "clock_gettime") != NULL;
    } else if (strncmp(line, "calls=", 6) == 0) {
      after_calls = true;
    } else if (line[0] >= '0' && line[0] <= '9') {
      uint64_t pos, ir = 0, sys = 0;
      int n = sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64, &pos, &ir, &sys);
      if (after_calls)
        after_calls = false;
      else if (in_clock && n >= 2) {
        r->clock_ir += ir;
        r->clock_sys += n >= 3 ? sys : 0;
      }
    }
  }
  fclose(f);
  return have_summary && r->name[0];
}

/* Did valgrind give up on the debug information rather than run? */
static bool unreadable_debuginfo(const char *log)
{
  FILE *f = fopen(log, "r");
  char line[1024];
  bool found = false;
  if (!f)
    return false;
  while (!found && fgets(line, sizeof line, f))
    found = strstr(line, "Possibly corrupted debuginfo") != NULL;
  fclose(f);
  return found;
}

static void show_log(const char *log)
{
  FILE *f = fopen(log, "r");
  char line[1024];
  if (!f)
    return;
  while (fgets(line, sizeof line, f))
    fprintf(stderr, "  | %s", line);
  fclose(f);
}

int perf_callgrind_run(const char *valgrind, const char *worker,
                       struct perf_run *out)
{
  char dir[] = "/tmp/netsock-perf-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return -1;
  }
  char outfile[64], outopt[96], log[64];
  snprintf(outfile, sizeof outfile, "%s/cg.out", dir);
  snprintf(outopt, sizeof outopt, "--callgrind-out-file=%s", outfile);
  snprintf(log, sizeof log, "%s/valgrind.log", dir);
  char *argv[] = {(char *)valgrind,         "--tool=callgrind",
                  "--collect-systime=nsec", "--compress-strings=no",
                  "--compress-pos=no",      outopt,
                  (char *)worker,           NULL};

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid;
  int rc = posix_spawn(&pid, valgrind, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  bool ok = false, skip = false;
  int status = 0;
  if (rc != 0) {
    fprintf(stderr, "cannot run %s: %s\n", valgrind, strerror(rc));
  } else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
             WEXITSTATUS(status) != 0) {
    skip = unreadable_debuginfo(log);
    if (!skip) {
      fprintf(stderr, "%s %s failed (status %d):\n", valgrind, worker, status);
      show_log(log);
    }
  } else {
    ok = true;
  }

  out->count = 0;
  DIR *d = ok ? opendir(dir) : NULL;
  if (d) {
    struct dirent *e;
    char path[4352];
    while ((e = readdir(d)) != NULL) {
      /* cg.out.N are the regions' dumps; cg.out is what ran after them. */
      if (strncmp(e->d_name, "cg.out.", 7) != 0)
        continue;
      if (out->count == (int)(sizeof out->regions / sizeof out->regions[0]))
        break;
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      if (read_dump(path, &out->regions[out->count]))
        out->count++;
    }
    closedir(d);
  }
  ns_test_remove_dir(dir);
  if (skip)
    return PERF_SKIP;
  if (ok && out->count == 0) {
    fprintf(stderr, "callgrind wrote no region dumps\n");
    ok = false;
  }
  return ok ? 0 : -1;
}

const struct perf_region *perf_region(const struct perf_run *run,
                                      const char *name)
{
  for (int i = 0; i < run->count; i++)
    if (strcmp(run->regions[i].name, name) == 0)
      return &run->regions[i];
  fail_msg("callgrind has no region '%s'", name);
  return NULL;
}
