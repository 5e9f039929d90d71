/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Runs a server and a client as a scenario says </DESC>
 *
 * This is the test harness of examples/, not part of the tutorial: it lets
 * CTest run a server and its interactive client the way a person would, in
 * two terminals, with no fixed port and no sleep deciding anything.
 *
 *   run_pair [-q] [-o DIR] [-t SECONDS] SCENARIO -- SERVER... [-- CLIENT...]
 *
 * SERVER and CLIENT are commands (a program and its first arguments); the
 * scenario's `server-args` / `client-args` lines add the rest, where `{port}`
 * stands for the port that the server printed. Each program's stdin, stdout
 * and stderr are pipes. What the programs print is echoed, line by line, as
 * "server | ..." and "client | ..." (stderr as "server ! ..."), and with
 * -o DIR also saved raw to DIR/server.out, server.err, client.out and
 * client.err, so that another tool can compare runs.
 *
 * Scenario lines (blank lines and lines starting with '#' are skipped):
 *   server-args ARGS...   client-args ARGS...   (split on blanks)
 *   start ROLE            start the program
 *   port ROLE             wait for its "listening on HOST:PORT" line and
 *                         remember PORT as {port}
 *   http-port ROLE        wait for the "Serving HTTP on HOST port PORT"
 *                         line of `python3 -m http.server` and
 *                         remember PORT as {port}
 *   expect ROLE TEXT      wait until TEXT appears in its stdout, after what
 *                         the previous expect of ROLE matched, and the line
 *                         it is on is complete
 *   send ROLE [TEXT]      write TEXT and a newline to its stdin
 *   close ROLE            close its stdin (end of input)
 *   wait ROLE             wait for it to exit; it must exit with status 0
 *   stop ROLE             send it SIGTERM and wait; it must die of that
 *                         signal or exit with status 0
 * Every step must finish within the timeout (-t, 30 s by default), which
 * only guards against a hang. At the end every program must have exited.
 * The exit status is 0 when every step succeeded.
 *
 * An expect TEXT may hold one error message, as Python prints it, by name:
 *   {errno NAME}      "[Errno N] " and strerror(N), NAME an errno (ENOTCONN)
 *   {gaierror NAME}   "[Errno N] " and gai_strerror(N), NAME an EAI_ code
 * in this C library's words, which are also Python's when Python runs on
 * it. NAME may list what C libraries legitimately answer, as
 * {gaierror EAI_ADDRFAMILY|EAI_NONAME}: any of them matches.
 * With -l (the programs may run on other C libraries, as a glibc python3
 * beside a musl build) the words may differ: {errno NAME} matches
 * "[Errno N] " and any text up to the rest of TEXT on that line, and
 * {gaierror NAME} any resolver error, whose numbers are each C library's
 * own. `run_pair -e N` and `run_pair -g N` print strerror(N) and
 * gai_strerror(N) (tests/interop/interop.py asks them).
 * With -w (the programs are Windows builds, run under wine) a message is
 * Python's on Windows: {errno NAME} matches "[WinError W] " and any text
 * up to the rest of TEXT on that line, W the Winsock code for NAME
 * (ECONNREFUSED: 10061), and {gaierror NAME} "[Errno W] " likewise
 * (EAI_NONAME: 11001): the numbers are checked, the words are Windows'.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { SERVER, CLIENT, NROLES };
enum { OUT, ERR, NSTREAMS };

static const char *const role_names[NROLES] = {"server", "client"};
static const char *const stream_marks[NSTREAMS] = {"|", "!"};
static const char *const stream_suffixes[NSTREAMS] = {"out", "err"};

struct stream {
  int fd;     /* read end of the pipe, -1 at EOF */
  char *data; /* everything read so far */
  size_t len, cap;
  size_t echoed; /* how much of data has been echoed */
  FILE *save;    /* -o copy, or NULL */
};

struct role {
  char **cmd; /* the command from the command line */
  int ncmd;
  char **args; /* the scenario's extra arguments */
  int nargs;
  pid_t pid; /* 0 before start, -1 once reaped */
  int status;
  int in; /* write end of its stdin, -1 when closed */
  struct stream s[NSTREAMS];
  size_t matched; /* stdout offset after the last expect */
};

static struct role roles[NROLES];
static bool loose_messages;   /* -l */
static bool windows_messages; /* -w */
static char port_text[16];
static double step_timeout = 30.0;
/* -q: print only what the programs print (the demo), not how they ended. */
static bool quiet;
static const char *scenario_path;
static int line_no;

static _Noreturn void die(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "run_pair: %s:%d: ", scenario_path, line_no);
  /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above */
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  for (int r = 0; r < NROLES; r++) {
    if (roles[r].pid > 0) {
      kill(roles[r].pid, SIGKILL);
      waitpid(roles[r].pid, NULL, 0);
    }
  }
  exit(EXIT_FAILURE);
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Echo the complete lines not yet shown; with `all`, the rest too. */
static void echo(int r, int k, bool all)
{
  struct stream *st = &roles[r].s[k];
  while (st->echoed < st->len) {
    char *start = st->data + st->echoed;
    char *nl = memchr(start, '\n', st->len - st->echoed);
    size_t n = nl ? (size_t)(nl - start) : st->len - st->echoed;
    if (!nl && !all)
      break;
    printf("%s %s %.*s\n", role_names[r], stream_marks[k], (int)n, start);
    st->echoed += n + (nl != NULL);
  }
  fflush(stdout);
}

/* Read whatever the programs have printed, waiting at most `wait_ms`. */
static void pump(int wait_ms)
{
  struct pollfd fds[NROLES * NSTREAMS];
  int who[NROLES * NSTREAMS];
  nfds_t n = 0;
  for (int r = 0; r < NROLES; r++) {
    for (int k = 0; k < NSTREAMS; k++) {
      if (roles[r].s[k].fd >= 0) {
        fds[n].fd = roles[r].s[k].fd;
        fds[n].events = POLLIN;
        who[n++] = r * NSTREAMS + k;
      }
    }
  }
  if (n == 0) {
    if (wait_ms > 0)
      poll(NULL, 0, wait_ms < 10 ? wait_ms : 10);
    return;
  }
  int ready = poll(fds, n, wait_ms);
  if (ready < 0 && errno != EINTR)
    die("poll: %s", strerror(errno));
  for (nfds_t i = 0; ready > 0 && i < n; i++) {
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
      continue;
    int r = who[i] / NSTREAMS, k = who[i] % NSTREAMS;
    struct stream *st = &roles[r].s[k];
    if (st->cap - st->len < 4096) {
      st->cap = st->cap * 2 + 4096;
      st->data = realloc(st->data, st->cap + 1);
      if (!st->data)
        die("out of memory");
    }
    ssize_t got = read(st->fd, st->data + st->len, st->cap - st->len);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      close(st->fd);
      st->fd = -1;
      echo(r, k, true);
      continue;
    }
    if (st->save)
      fwrite(st->data + st->len, 1, (size_t)got, st->save);
    st->len += (size_t)got;
    st->data[st->len] = '\0';
    echo(r, k, false);
  }
}

static int remaining_ms(double deadline)
{
  double left = deadline - now();
  return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static int role_of(const char *name)
{
  for (int r = 0; r < NROLES; r++) {
    if (name && strcmp(name, role_names[r]) == 0)
      return r;
  }
  die("expected \"server\" or \"client\", not \"%s\"", name ? name : "");
  return -1;
}

static void start(int r)
{
  struct role *ro = &roles[r];
  if (ro->ncmd == 0)
    die("no command given for the %s", role_names[r]);
  if (ro->pid != 0)
    die("the %s was already started", role_names[r]);

  char **argv = calloc((size_t)ro->ncmd + (size_t)ro->nargs + 1, sizeof *argv);
  if (!argv)
    die("out of memory");
  int argc = 0;
  for (int i = 0; i < ro->ncmd; i++)
    argv[argc++] = ro->cmd[i];
  for (int i = 0; i < ro->nargs; i++) {
    const char *a = ro->args[i];
    if (strcmp(a, "{port}") == 0) {
      if (!port_text[0])
        die("{port} used before a `port` step");
      a = port_text;
    }
    argv[argc++] = (char *)a;
  }

  int in[2], out[2], err[2];
  if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0)
    die("pipe: %s", strerror(errno));
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    die("fork: %s", strerror(errno));
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd = 3; fd < 256; fd++)
      close(fd);
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  fcntl(in[1], F_SETFD, FD_CLOEXEC);
  fcntl(out[0], F_SETFD, FD_CLOEXEC);
  fcntl(err[0], F_SETFD, FD_CLOEXEC);
  ro->pid = pid;
  ro->in = in[1];
  ro->s[OUT].fd = out[0];
  ro->s[ERR].fd = err[0];
  free(argv);
}

/* Wait, reading output all along, until the program has exited. */
static void reap(int r, double deadline)
{
  struct role *ro = &roles[r];
  if (ro->pid == 0)
    die("the %s was never started", role_names[r]);
  while (ro->pid > 0) {
    pid_t got = waitpid(ro->pid, &ro->status, WNOHANG);
    if (got == ro->pid) {
      ro->pid = -1;
      break;
    }
    if (got < 0 && errno != EINTR)
      die("waitpid: %s", strerror(errno));
    if (remaining_ms(deadline) == 0)
      die("the %s did not exit within %.0f s", role_names[r], step_timeout);
    /* Once its pipes are at EOF only the exit is left to wait for. */
    pump(ro->s[OUT].fd < 0 && ro->s[ERR].fd < 0 ? 10 : 100);
  }
  /* Its output may still sit in the pipes. */
  while (ro->s[OUT].fd >= 0 || ro->s[ERR].fd >= 0) {
    if (remaining_ms(deadline) == 0)
      die("the %s exited but its output never ended", role_names[r]);
    pump(remaining_ms(deadline));
  }
}

static void describe_exit(int r, char *buf, size_t size)
{
  int st = roles[r].status;
  if (WIFEXITED(st))
    snprintf(buf, size, "exited with status %d", WEXITSTATUS(st));
  else if (WIFSIGNALED(st))
    snprintf(buf, size, "was killed by signal %d (%s)", WTERMSIG(st),
             strsignal(WTERMSIG(st)));
  else
    snprintf(buf, size, "ended with wait status %d", st);
}

/* ---- error messages in expected text ----------------------------------- */

struct code_name {
  const char *name;
  int value;
};

/* The names scenarios use; add one when a scenario needs it. */
static const struct code_name errno_names[] = {
    {"EAGAIN", EAGAIN},           {"ECONNREFUSED", ECONNREFUSED},
    {"ECONNRESET", ECONNRESET},   {"EPIPE", EPIPE},
    {"ENOTCONN", ENOTCONN},       {"EADDRINUSE", EADDRINUSE},
    {"EINPROGRESS", EINPROGRESS}, {"ETIMEDOUT", ETIMEDOUT},
};
static const struct code_name gai_names[] = {
#ifdef EAI_ADDRFAMILY
    {"EAI_ADDRFAMILY", EAI_ADDRFAMILY},
#endif
    {"EAI_NONAME", EAI_NONAME},
    {"EAI_FAMILY", EAI_FAMILY},
    {"EAI_SERVICE", EAI_SERVICE},
};

/* The same names in Winsock's numbers, as Python on Windows reports them
   (a would-block connect is WSAEWOULDBLOCK there; a write after shutdown
   WSAESHUTDOWN). */
static const struct code_name winsock_errno_names[] = {
    {"EAGAIN", 10035},      {"ECONNREFUSED", 10061}, {"ECONNRESET", 10054},
    {"EPIPE", 10058},       {"ENOTCONN", 10057},     {"EADDRINUSE", 10048},
    {"EINPROGRESS", 10035}, {"ETIMEDOUT", 10060},
};
static const struct code_name winsock_gai_names[] = {
    {"EAI_ADDRFAMILY", 11001},
    {"EAI_NONAME", 11001},
    {"EAI_FAMILY", 10047},
    {"EAI_SERVICE", 10109},
};

static int code_of(const struct code_name *names, size_t n, const char *name,
                   size_t len)
{
  for (size_t i = 0; i < n; i++)
    if (strlen(names[i].name) == len && strncmp(names[i].name, name, len) == 0)
      return names[i].value;
  die("unknown name \"%.*s\" in an expect", (int)len, name);
  return 0;
}

/* An expect's text, split where its message may differ with -l: a match is
   one of the `heads`, then (when `wild`) any text on the same line, then
   `tail`. */
enum { MAX_HEADS = 4 };
struct pattern {
  char heads[MAX_HEADS][4096];
  int nheads;
  char tail[4096];
  bool wild;
};

static void make_pattern(const char *text, struct pattern *p)
{
  const char *open = strstr(text, "{errno ");
  bool gai = false;
  if (!open) {
    open = strstr(text, "{gaierror ");
    gai = open != NULL;
  }
  p->wild = false;
  p->nheads = 1;
  p->tail[0] = '\0';
  if (!open) {
    snprintf(p->heads[0], sizeof p->heads[0], "%s", text);
    return;
  }
  const char *close = strchr(open, '}');
  if (!close)
    die("an unclosed {...} in an expect");
  int before = (int)(open - text);
  int codes[MAX_HEADS], ncodes = 0;
  for (const char *name = strchr(open, ' ') + 1; name < close;) {
    const char *bar = memchr(name, '|', (size_t)(close - name));
    size_t len = (size_t)((bar ? bar : close) - name);
    if (ncodes == MAX_HEADS)
      die("too many names in one {...}");
    if (windows_messages)
      codes[ncodes++] =
          gai ? code_of(winsock_gai_names,
                        sizeof winsock_gai_names / sizeof *winsock_gai_names,
                        name, len)
              : code_of(winsock_errno_names,
                        sizeof winsock_errno_names /
                            sizeof *winsock_errno_names,
                        name, len);
    else
      codes[ncodes++] =
          gai ? code_of(gai_names, sizeof gai_names / sizeof *gai_names, name,
                        len)
              : code_of(errno_names, sizeof errno_names / sizeof *errno_names,
                        name, len);
    name += len + 1;
  }
  if (ncodes == 0)
    die("an empty {...} in an expect");
  if (windows_messages) {
    /* Any of the codes: the first (a scenario lists alternatives of one
       C library's; Winsock has one code for them). */
    p->wild = true;
    snprintf(p->heads[0], sizeof p->heads[0], "%.*s[%s %d] ", before, text,
             gai ? "Errno" : "WinError", codes[0]);
    snprintf(p->tail, sizeof p->tail, "%s", close + 1);
    return;
  }
  if (!loose_messages) {
    for (int i = 0; i < ncodes; i++)
      snprintf(p->heads[i], sizeof p->heads[i], "%.*s[Errno %d] %s%s", before,
               text, codes[i],
               gai ? gai_strerror(codes[i]) : strerror(codes[i]), close + 1);
    p->nheads = ncodes;
    return;
  }
  p->wild = true;
  if (gai)
    snprintf(p->heads[0], sizeof p->heads[0], "%.*s[Errno -", before, text);
  else if (ncodes == 1)
    snprintf(p->heads[0], sizeof p->heads[0], "%.*s[Errno %d] ", before, text,
             codes[0]);
  else
    die("{errno ...} takes one name");
  snprintf(p->tail, sizeof p->tail, "%s", close + 1);
}

/* Where head `h` of `p` first matches in `from`, on one line, or NULL;
   the match ends at `*end`. */
static char *match_head(char *from, const struct pattern *p, int h, char **end)
{
  const char *head = p->heads[h];
  for (char *hit = strstr(from, head); hit; hit = strstr(hit + 1, head)) {
    char *rest = hit + strlen(head);
    if (!p->wild) {
      *end = rest;
      return hit;
    }
    char *eol = strchr(rest, '\n');
    if (!eol)
      eol = rest + strlen(rest);
    if (!p->tail[0]) {
      *end = eol;
      return hit;
    }
    char *t = memmem(rest, (size_t)(eol - rest), p->tail, strlen(p->tail));
    if (t) {
      *end = t + strlen(p->tail);
      return hit;
    }
  }
  return NULL;
}

/* The first match of any head of `p` in `from`, or NULL. */
static char *match(char *from, const struct pattern *p, char **end)
{
  char *first = NULL;
  for (int h = 0; h < p->nheads; h++) {
    char *e;
    char *hit = match_head(from, p, h, &e);
    if (hit && (!first || hit < first)) {
      first = hit;
      *end = e;
    }
  }
  return first;
}

static void expect(int r, const char *text, double deadline)
{
  struct role *ro = &roles[r];
  struct stream *st = &ro->s[OUT];
  struct pattern pat;
  make_pattern(text, &pat);
  for (;;) {
    if (st->data && st->len > ro->matched) {
      char *end;
      char *hit = match(st->data + ro->matched, &pat, &end);
      /* A match counts once its line is complete, so that a program
         stopped right after it has printed the whole line. */
      if (hit && (strchr(hit, '\n') || st->fd < 0)) {
        ro->matched = (size_t)(end - st->data);
        return;
      }
    }
    if (st->fd < 0)
      die("the %s's output ended without \"%s\"", role_names[r], text);
    if (remaining_ms(deadline) == 0)
      die("no \"%s\" from the %s within %.0f s", text, role_names[r],
          step_timeout);
    pump(remaining_ms(deadline));
  }
}

static void find_port(int r, double deadline)
{
  static const char key[] = "listening on ";
  struct role *ro = &roles[r];
  expect(r, key, deadline);
  /* The rest of that line, once it is complete. */
  for (;;) {
    char *line = ro->s[OUT].data + ro->matched;
    char *nl = strchr(line, '\n');
    if (nl) {
      char *colon = NULL;
      for (char *p = line; p < nl; p++) {
        if (*p == ':')
          colon = p;
      }
      size_t n = colon ? (size_t)(nl - colon - 1) : 0;
      if (n > 0 && n < sizeof port_text && colon[1] != '\r') {
        memcpy(port_text, colon + 1, n);
        port_text[n] = '\0';
        if (port_text[n - 1] == '\r')
          port_text[n - 1] = '\0';
        if (strspn(port_text, "0123456789") == strlen(port_text) &&
            port_text[0])
          return;
      }
      die("cannot read a port in \"%.*s\"", (int)(nl - line), line);
    }
    if (ro->s[OUT].fd < 0 || remaining_ms(deadline) == 0)
      die("the %s's listening line never ended", role_names[r]);
    pump(remaining_ms(deadline));
  }
}

/* The line `python3 -u -m http.server` prints once it listens. */
static void find_http_port(int r, double deadline)
{
  static const char key[] = " port ";
  struct role *ro = &roles[r];
  expect(r, "Serving HTTP on ", deadline);
  expect(r, key, deadline);
  const char *digits = ro->s[OUT].data + ro->matched;
  size_t n = strspn(digits, "0123456789");
  if (n == 0 || n >= sizeof port_text)
    die("cannot read a port after \"Serving HTTP on\"");
  memcpy(port_text, digits, n);
  port_text[n] = '\0';
}

static char *next_word(char **p)
{
  while (**p == ' ' || **p == '\t')
    (*p)++;
  if (**p == '\0')
    return NULL;
  char *w = *p;
  while (**p && **p != ' ' && **p != '\t')
    (*p)++;
  if (**p)
    *(*p)++ = '\0';
  return w;
}

static void set_args(int r, char *rest)
{
  struct role *ro = &roles[r];
  char *w;
  while ((w = next_word(&rest)) != NULL) {
    ro->args = realloc(ro->args, sizeof *ro->args * (size_t)(ro->nargs + 1));
    if (!ro->args)
      die("out of memory");
    ro->args[ro->nargs++] = strdup(w);
  }
}

static void run_step(char *line)
{
  char *p = line;
  char *verb = next_word(&p);
  double deadline = now() + step_timeout;
  if (!verb)
    return;
  if (strcmp(verb, "server-args") == 0) {
    set_args(SERVER, p);
    return;
  }
  if (strcmp(verb, "client-args") == 0) {
    set_args(CLIENT, p);
    return;
  }
  int r = role_of(next_word(&p));
  /* The text of expect and send is the rest of the line, blanks and all,
     after the one blank that separates it. */
  const char *text = p;

  if (strcmp(verb, "start") == 0) {
    start(r);
  } else if (strcmp(verb, "port") == 0) {
    find_port(r, deadline);
  } else if (strcmp(verb, "http-port") == 0) {
    find_http_port(r, deadline);
  } else if (strcmp(verb, "expect") == 0) {
    if (!*text)
      die("expect needs a text");
    expect(r, text, deadline);
  } else if (strcmp(verb, "send") == 0) {
    if (roles[r].in < 0)
      die("the %s's stdin is not open", role_names[r]);
    size_t n = strlen(text);
    char *msg = malloc(n + 1);
    if (!msg)
      die("out of memory");
    /* A line to write, ended by its newline, not a string. */
    memcpy(msg, text, n); /* NOLINT(bugprone-not-null-terminated-result) */
    msg[n] = '\n';
    for (size_t off = 0; off <= n;) {
      ssize_t w = write(roles[r].in, msg + off, n + 1 - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        die("writing to the %s: %s", role_names[r], strerror(errno));
      off += (size_t)w;
    }
    free(msg);
    pump(0);
  } else if (strcmp(verb, "close") == 0) {
    if (roles[r].in >= 0)
      close(roles[r].in);
    roles[r].in = -1;
  } else if (strcmp(verb, "wait") == 0 || strcmp(verb, "stop") == 0) {
    bool stop = verb[1] == 't';
    if (stop && roles[r].pid > 0)
      kill(roles[r].pid, SIGTERM);
    reap(r, deadline);
    int st = roles[r].status;
    bool ok = (WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
              (stop && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    char how[128];
    describe_exit(r, how, sizeof how);
    if (!quiet)
      printf("run_pair: the %s %s\n", role_names[r], how);
    if (!ok)
      die("the %s %s", role_names[r], how);
  } else {
    die("unknown step \"%s\"", verb);
  }
}

static void usage(void)
{
  fprintf(stderr,
          "usage: run_pair [-l] [-w] [-q] [-o DIR] [-t SECONDS] SCENARIO -- "
          "SERVER... [-- CLIENT...]\n"
          "       run_pair -e ERRNO | -g EAI_CODE\n");
  exit(2);
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "-e") == 0) {
    printf("%s\n", strerror(atoi(argv[2])));
    return EXIT_SUCCESS;
  }
  if (argc == 3 && strcmp(argv[1], "-g") == 0) {
    printf("%s\n", gai_strerror(atoi(argv[2])));
    return EXIT_SUCCESS;
  }
  const char *out_dir = NULL;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
      out_dir = argv[++i];
    else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
      step_timeout = atof(argv[++i]);
    else if (strcmp(argv[i], "-l") == 0)
      loose_messages = true;
    else if (strcmp(argv[i], "-w") == 0)
      windows_messages = true;
    else if (strcmp(argv[i], "-q") == 0)
      quiet = true;
    else
      usage();
  }
  if (i >= argc || step_timeout <= 0)
    usage();
  scenario_path = argv[i++];
  for (int r = 0; r < NROLES && i < argc; r++) {
    if (strcmp(argv[i], "--") != 0)
      usage();
    roles[r].cmd = &argv[++i];
    while (i < argc && strcmp(argv[i], "--") != 0) {
      roles[r].ncmd++;
      i++;
    }
  }
  if (i < argc)
    usage();

  for (int r = 0; r < NROLES; r++) {
    roles[r].in = -1;
    for (int k = 0; k < NSTREAMS; k++) {
      roles[r].s[k].fd = -1;
      if (out_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.%s", out_dir, role_names[r],
                 stream_suffixes[k]);
        roles[r].s[k].save = fopen(path, "wb");
        if (!roles[r].s[k].save)
          die("cannot write %s: %s", path, strerror(errno));
      }
    }
  }
  /* A program that exits early must fail its step, not kill the runner. */
  signal(SIGPIPE, SIG_IGN);

  FILE *f = fopen(scenario_path, "r");
  if (!f)
    die("cannot read the scenario: %s", strerror(errno));
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    line_no++;
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '#')
      continue;
    run_step(line);
  }
  fclose(f);
  line_no = 0;

  for (int r = 0; r < NROLES; r++) {
    if (roles[r].pid > 0)
      die("the %s was still running at the end of the scenario", role_names[r]);
    for (int k = 0; k < NSTREAMS; k++) {
      if (roles[r].s[k].save)
        fclose(roles[r].s[k].save);
    }
  }
  return EXIT_SUCCESS;
}
