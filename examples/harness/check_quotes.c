/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Checks that quoted code in a page matches its files </DESC>
 *
 * Part of the test harness of examples/, not of the tutorial.
 * docs/tutorial.md quotes line ranges of the examples and of the Python
 * programs they translate. Each quote is a fenced code block right after a
 * marker line:
 *
 *   <!-- quote examples/01_hello_server.c 52-63 -->
 *
 * and this program checks that the block holds exactly those lines of
 * that file (the path is relative to ROOT), so that the page cannot drift
 * from the code.
 *
 *   check_quotes ROOT PAGE
 *
 * Exit status 0 when every quote matches and there is at least one.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lines of a file, each without its newline. */
struct lines {
  char **line;
  size_t n;
};

static int read_lines(const char *path, struct lines *out)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char *buf = NULL;
  size_t cap = 0;
  ssize_t len;
  out->line = NULL;
  out->n = 0;
  while ((len = getline(&buf, &cap, f)) >= 0) {
    if (len > 0 && buf[len - 1] == '\n')
      buf[--len] = '\0';
    char **grown = realloc(out->line, (out->n + 1) * sizeof *grown);
    if (!grown)
      exit(EXIT_FAILURE);
    out->line = grown;
    out->line[out->n++] = strdup(buf);
  }
  free(buf);
  fclose(f);
  return 0;
}

static void free_lines(struct lines *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->line[i]);
  free(l->line);
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: check_quotes ROOT PAGE\n");
    return 2;
  }
  const char *root = argv[1], *page_path = argv[2];
  struct lines page;
  if (read_lines(page_path, &page) != 0) {
    perror(page_path);
    return EXIT_FAILURE;
  }

  int quotes = 0, bad = 0;
  for (size_t i = 0; i < page.n; i++) {
    char file[1024];
    unsigned long first, last;
    if (sscanf(page.line[i], "<!-- quote %1023s %lu-%lu -->", file, &first,
               &last) != 3)
      continue;
    quotes++;
    size_t at = i + 1;
    if (at >= page.n || strncmp(page.line[at], "```", 3) != 0) {
      fprintf(stderr, "%s:%zu: no code block after the quote marker\n",
              page_path, i + 1);
      bad++;
      continue;
    }
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", root, file);
    struct lines src;
    if (read_lines(path, &src) != 0) {
      fprintf(stderr, "%s:%zu: cannot read %s\n", page_path, i + 1, path);
      bad++;
      continue;
    }
    if (first < 1 || last < first || last > src.n) {
      fprintf(stderr, "%s:%zu: %s has no lines %lu-%lu\n", page_path, i + 1,
              file, first, last);
      free_lines(&src);
      bad++;
      continue;
    }
    size_t want = last - first + 1, got = 0;
    bool same = true;
    for (at++; at < page.n && strncmp(page.line[at], "```", 3) != 0; at++) {
      if (got >= want || strcmp(page.line[at], src.line[first - 1 + got]) != 0)
        same = false;
      got++;
    }
    free_lines(&src);
    if (!same || got != want) {
      fprintf(stderr, "%s:%zu: the block is not lines %lu-%lu of %s\n",
              page_path, i + 1, first, last, file);
      bad++;
    }
    i = at;
  }
  free_lines(&page);
  if (quotes == 0) {
    fprintf(stderr, "%s: no quotes found\n", page_path);
    return EXIT_FAILURE;
  }
  printf("%d quotes checked, %d out of date\n", quotes, bad);
  return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
