/* SPDX-License-Identifier: MIT */
/*
 * The replay driver: runs a fuzz target over files and directories of
 * inputs, each copied into a malloc'd buffer of exactly its size so that
 * AddressSanitizer or valgrind sees any read past its end. Exits 0 when
 * every input passed (a failing property aborts).
 */
#include "fuzz.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

static long n_inputs;

static int replay_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *all = malloc(cap);
  size_t got;
  while (all && (got = fread(all + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      uint8_t *bigger = realloc(all, cap *= 2);
      if (!bigger)
        free(all);
      all = bigger;
    }
  }
  fclose(f);
  if (!all)
    return 1;
  /* Exactly the input's size: no slack after it. */
  uint8_t *exact = malloc(len ? len : 1);
  if (!exact) {
    free(all);
    return 1;
  }
  memcpy(exact, all, len);
  free(all);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  n_inputs++;
  return 0;
}

/* NOLINTNEXTLINE(misc-no-recursion): walks a corpus directory tree */
static int replay(const char *path)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    perror(path);
    return 1;
  }
  if (!S_ISDIR(st.st_mode))
    return replay_file(path);
  DIR *d = opendir(path);
  if (!d) {
    perror(path);
    return 1;
  }
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char child[4096];
    snprintf(child, sizeof child, "%s/%s", path, e->d_name);
    rc |= replay(child);
  }
  closedir(d);
  return rc;
}

int main(int argc, char **argv)
{
  int rc = 0;
  for (int i = 1; i < argc; i++)
    rc |= replay(argv[i]);
  printf("replayed %ld input(s)\n", n_inputs);
  return rc || n_inputs == 0;
}
