/* SPDX-License-Identifier: MIT */
/*
 * sendfile: Python's semantics (offset, count, bytes sent, the file's
 * position afterwards), zero-copy for regular files, the read-and-send
 * path for pipes and datagram sockets, timeouts, signals, and a peer that
 * is gone without SIGPIPE.
 */
#include "ns_test.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MIB = 1 << 20 };

/* ---- helpers ------------------------------------------------------------- */

/* The bytes every file here holds: position-dependent, not periodic in
   any power of two. */
static unsigned char byte_at(uint64_t i)
{
  uint64_t x = i * 0x9E3779B97F4A7C15u + 0x632BE59BD9B4E019u;
  x ^= x >> 29;
  return (unsigned char)(x ^ (x >> 17));
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 0x100000001B3u;
  return h;
}

#define FNV_INIT 0xCBF29CE484222325u

/* The checksum of bytes [from, from + n) of the pattern. */
static uint64_t pattern_sum(uint64_t from, uint64_t n)
{
  uint64_t h = FNV_INIT;
  unsigned char chunk[65536];
  while (n) {
    size_t k = n < sizeof chunk ? (size_t)n : sizeof chunk;
    for (size_t i = 0; i < k; i++)
      chunk[i] = byte_at(from + i);
    h = fnv1a(h, chunk, k);
    from += k;
    n -= k;
  }
  return h;
}

static void fill_pattern(int fd, uint64_t size)
{
  unsigned char chunk[65536];
  uint64_t off = 0;
  while (off < size) {
    size_t k = size - off < sizeof chunk ? (size_t)(size - off) : sizeof chunk;
    for (size_t i = 0; i < k; i++)
      chunk[i] = byte_at(off + i);
    assert_int_equal(pwrite(fd, chunk, k, (off_t)off), (ssize_t)k);
    off += k;
  }
}

/* A regular file in memory (shmem: sendfile(2) works on it), filled. */
static int memfile(uint64_t size)
{
  int fd = memfd_create("ns-sendfile", MFD_CLOEXEC);
  assert_true(fd >= 0);
  fill_pattern(fd, size);
  return fd;
}

/* A regular file on disk, filled, already unlinked. */
static int diskfile(uint64_t size)
{
  char path[] = "/tmp/ns-sendfile-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  unlink(path);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fill_pattern(fd, size);
  return fd;
}

static int64_t position(int fd)
{
  return (int64_t)lseek(fd, 0, SEEK_CUR);
}

/* The receiving side on its own thread: reads to end of stream (or
   `limit` bytes), checksumming. */
typedef struct receiver {
  ns_socket *s;
  uint64_t limit;
  uint64_t got;
  uint64_t sum;
  ns_err err;
  pthread_t th;
} receiver;

static void *receive_all(void *arg)
{
  receiver *r = arg;
  unsigned char buf[65536];
  r->sum = FNV_INIT;
  r->got = 0;
  r->err = NS_OK;
  while (!r->limit || r->got < r->limit) {
    size_t want = sizeof buf;
    if (r->limit && r->limit - r->got < want)
      want = (size_t)(r->limit - r->got);
    size_t n;
    r->err = ns_recv(r->s, buf, want, 0, &n);
    if (r->err || n == 0)
      break;
    r->sum = fnv1a(r->sum, buf, n);
    r->got += n;
  }
  return NULL;
}

static void receiver_start(receiver *r, ns_socket *s, uint64_t limit)
{
  memset(r, 0, sizeof *r);
  r->s = s;
  r->limit = limit;
  assert_int_equal(pthread_create(&r->th, NULL, receive_all, r), 0);
}

static void receiver_join(receiver *r)
{
  pthread_join(r->th, NULL);
  assert_ns_ok(r->err);
}

/* ---- zero-copy ----------------------------------------------------------- */

static void test_sendfile__64mib_checksummed(void **state)
{
  (void)state;
  const uint64_t size = 64 * (uint64_t)MIB;
  int fd = memfile(size);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  receiver r;
  receiver_start(&r, s, 0);
  size_t sent = 0;
  assert_ns_ok(ns_sendfile(c, fd, 0, 0, &sent));
  assert_ns_ok(ns_shutdown(c, SHUT_WR));
  receiver_join(&r);
  assert_int_equal(sent, size);
  assert_int_equal(r.got, size);
  assert_int_equal(r.sum, pattern_sum(0, size));
  /* As Python leaves it: after the bytes sent. */
  assert_int_equal(position(fd), (int64_t)size);
  close(fd);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_sendfile__offset_and_count(void **state)
{
  (void)state;
  const uint64_t size = MIB + 123;
  int fd = diskfile(size);
  ns_socket *c, *s;
  ns_test_unix_pair(SOCK_STREAM, &c, &s);
  receiver r;
  size_t sent;

  /* A slice from the middle. */
  receiver_start(&r, s, 300000);
  assert_ns_ok(ns_sendfile(c, fd, 1000, 300000, &sent));
  receiver_join(&r);
  assert_int_equal(sent, 300000);
  assert_int_equal(r.sum, pattern_sum(1000, 300000));
  assert_int_equal(position(fd), 301000);

  /* A count past the end sends the rest. */
  receiver_start(&r, s, size - 5000);
  assert_ns_ok(ns_sendfile(c, fd, 5000, (size_t)10 * MIB, &sent));
  receiver_join(&r);
  assert_int_equal(sent, size - 5000);
  assert_int_equal(r.sum, pattern_sum(5000, size - 5000));
  assert_int_equal(position(fd), (int64_t)size);

  /* At or past the end: nothing to send, and no error. */
  assert_ns_ok(ns_sendfile(c, fd, (int64_t)size, 0, &sent));
  assert_int_equal(sent, 0);
  assert_ns_ok(ns_sendfile(c, fd, (int64_t)size + 10, 0, &sent));
  assert_int_equal(sent, 0);
  /* Nothing sent leaves the position where it was, as in Python. */
  assert_int_equal(lseek(fd, 7, SEEK_SET), 7);
  assert_ns_ok(ns_sendfile(c, fd, (int64_t)size + 10, 0, &sent));
  assert_int_equal(position(fd), 7);
  int empty = diskfile(0);
  assert_ns_ok(ns_sendfile(c, empty, 0, 0, &sent));
  assert_int_equal(sent, 0);
  assert_ns_ok(ns_sendfile(c, empty, 0, 0, NULL));
  close(empty);
  close(fd);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/*
 * Offsets past 2 GiB (32-bit systems need 64-bit file offsets for them):
 * a sparse file with the pattern only around the 2 GiB and 4 GiB marks;
 * slices that cross each mark arrive intact and leave the position after
 * them. The bytes are few: this checks the offset arithmetic.
 */
static void test_sendfile__offsets_past_2gib(void **state)
{
  (void)state;
  const uint64_t marks[] = {(uint64_t)1 << 31, (uint64_t)1 << 32};
  const uint64_t before = 5000, after = 7000;
  char path[] = "/tmp/ns-sendfile-big-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  unlink(path);
  unsigned char chunk[12000];
  for (size_t m = 0; m < 2; m++) {
    uint64_t from = marks[m] - before;
    for (size_t i = 0; i < before + after; i++)
      chunk[i] = byte_at(from + i);
    ssize_t w = pwrite(fd, chunk, before + after, (off_t)from);
    if (w < 0 && (errno == EFBIG || errno == EINVAL)) {
      print_message("[  SKIP    ] this file system takes no 4 GiB files\n");
      close(fd);
      skip();
    }
    assert_int_equal(w, (ssize_t)(before + after));
  }
  ns_socket *c, *s;
  ns_test_unix_pair(SOCK_STREAM, &c, &s);
  for (size_t m = 0; m < 2; m++) {
    receiver r;
    size_t sent = 0;
    uint64_t from = marks[m] - before;
    receiver_start(&r, s, before + after);
    assert_ns_ok(ns_sendfile(c, fd, (int64_t)from, before + after, &sent));
    receiver_join(&r);
    assert_int_equal(sent, before + after);
    assert_int_equal(r.sum, pattern_sum(from, before + after));
    assert_true(position(fd) == (int64_t)(marks[m] + after));
  }
  close(fd);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* ---- the read-and-send path ---------------------------------------------- */

typedef struct pipe_writer {
  int fd;
  uint64_t size;
  pthread_t th;
} pipe_writer;

static void *write_pipe(void *arg)
{
  pipe_writer *w = arg;
  unsigned char chunk[10007];
  uint64_t off = 0;
  while (off < w->size) {
    size_t k =
        w->size - off < sizeof chunk ? (size_t)(w->size - off) : sizeof chunk;
    for (size_t i = 0; i < k; i++)
      chunk[i] = byte_at(off + i);
    ssize_t n = write(w->fd, chunk, k);
    if (n <= 0)
      break;
    off += (uint64_t)n;
  }
  close(w->fd);
  return NULL;
}

static void test_sendfile__pipe(void **state)
{
  (void)state;
  const uint64_t size = 3 * MIB + 7;
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  pipe_writer w = {p[1], size, 0};
  assert_int_equal(pthread_create(&w.th, NULL, write_pipe, &w), 0);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  receiver r;

  /* A count stops the copy exactly there; the pipe keeps the rest. */
  receiver_start(&r, s, 1000);
  size_t sent;
  assert_ns_ok(ns_sendfile(c, p[0], 0, 1000, &sent));
  receiver_join(&r);
  assert_int_equal(sent, 1000);
  assert_int_equal(r.sum, pattern_sum(0, 1000));

  receiver_start(&r, s, 0);
  assert_ns_ok(ns_sendfile(c, p[0], 0, 0, &sent));
  assert_ns_ok(ns_shutdown(c, SHUT_WR));
  receiver_join(&r);
  pthread_join(w.th, NULL);
  assert_int_equal(sent, size - 1000);
  assert_int_equal(r.sum, pattern_sum(1000, size - 1000));
  close(p[0]);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_sendfile__datagram_socket(void **state)
{
  (void)state;
  const uint64_t size = 20000;
  int fd = memfile(size);
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_DGRAM, &a, &b);
  size_t sent;
  assert_ns_ok(ns_sendfile(a, fd, 0, 0, &sent));
  assert_int_equal(sent, size);
  assert_int_equal(position(fd), (int64_t)size);
  /* One datagram per 8192-byte chunk. */
  size_t expect[] = {8192, 8192, 20000 - 2 * 8192};
  unsigned char buf[16384];
  uint64_t off = 0;
  for (int i = 0; i < 3; i++) {
    size_t n;
    assert_ns_ok(ns_recv(b, buf, sizeof buf, 0, &n));
    assert_int_equal(n, expect[i]);
    assert_int_equal(fnv1a(FNV_INIT, buf, n), pattern_sum(off, n));
    off += n;
  }
  size_t n;
  assert_ns_err(ns_recv(b, buf, sizeof buf, MSG_DONTWAIT, &n),
                NS_ERR_BLOCKING_IO);
  close(fd);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

/* ---- failures ------------------------------------------------------------ */

static void test_sendfile__bad_arguments(void **state)
{
  (void)state;
  int fd = memfile(1000);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  size_t sent = 99;
  assert_ns_err(ns_sendfile(NULL, fd, 0, 0, &sent), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_int_equal(sent, 0);
  assert_ns_err(ns_sendfile(c, fd, -1, 0, &sent), NS_ERR_VALUE);
  assert_last_message("offset must be a positive integer (got -1)");
  assert_ns_err(ns_sendfile(c, -1, 0, 0, &sent), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_string_equal(ns_error_last_operation(), "sendfile");

  /* A directory: read(2) says what it is. */
  int dir = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(dir >= 0);
  assert_ns_err(ns_sendfile(c, dir, 0, 0, &sent), NS_ERR_IS_A_DIRECTORY);
  assert_last_os_error(EISDIR);
  close(dir);

  /* A file open for writing only. */
  char path[] = "/tmp/ns-sendfile-wo-XXXXXX";
  int wo = mkstemp(path);
  assert_true(wo >= 0);
  close(wo);
  wo = open(path, O_WRONLY | O_CLOEXEC);
  unlink(path);
  assert_ns_err(ns_sendfile(c, wo, 0, 0, &sent), NS_ERR_OS);
  assert_last_os_error(EBADF);
  close(wo);

  /* A pipe cannot start anywhere but where it is. */
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  assert_ns_err(ns_sendfile(c, p[0], 5, 0, &sent), NS_ERR_OS);
  assert_last_os_error(ESPIPE);
  close(p[0]);
  close(p[1]);

  /* Python refuses non-blocking sockets. */
  assert_ns_ok(ns_setblocking(c, false));
  assert_ns_err(ns_sendfile(c, fd, 0, 0, &sent), NS_ERR_VALUE);
  assert_last_message("non-blocking sockets are not supported");
  close(fd);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_sendfile__timeout(void **state)
{
  (void)state;
  const uint64_t size = 64 * (uint64_t)MIB;
  int fd = memfile(size);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  /* Nobody reads: the buffers fill, and the deadline ends the call. */
  assert_ns_ok(ns_settimeout(c, 0.2));
  size_t sent = 0;
  double t0 = ns_test_now();
  assert_ns_err(ns_sendfile(c, fd, 0, 0, &sent), NS_ERR_TIMEOUT);
  double took = ns_test_now() - t0;
  assert_last_message("timed out");
  assert_int_equal(ns_error_last_errno(), 0);
  assert_true(sent > 0 && sent < size);
  assert_int_equal(position(fd), (int64_t)sent);
  assert_true(took >= 0.2);
  assert_true(took < 0.2 + ns_test_slack(0.15));

  /* A pipe with nothing in it: the wait for it counts too. */
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  t0 = ns_test_now();
  assert_ns_err(ns_sendfile(c, p[0], 0, 0, &sent), NS_ERR_TIMEOUT);
  took = ns_test_now() - t0;
  assert_int_equal(sent, 0);
  assert_true(took >= 0.2 && took < 0.2 + ns_test_slack(0.15));
  close(p[0]);
  close(p[1]);

  /* The next ordinary send has its whole timeout again, although
     sendfile lent the kernel a shorter timer. */
  static char big[1 << 20];
  t0 = ns_test_now();
  assert_ns_err(ns_sendall(c, big, sizeof big, 0, &sent), NS_ERR_TIMEOUT);
  took = ns_test_now() - t0;
  assert_true(took >= 0.2 && took < 0.2 + ns_test_slack(0.15));
  close(fd);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/*
 * In a child with SIGPIPE at its default disposition: sendfile(2) has no
 * MSG_NOSIGNAL, so this is the case that would kill the process.
 */
static int broken_pipe_child(bool preblocked)
{
  sigset_t pipe_set, mask, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  signal(SIGPIPE, SIG_DFL);
  if (preblocked)
    sigprocmask(SIG_BLOCK, &pipe_set, NULL);
  int fd = memfile((uint64_t)8 * MIB);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  ns_close(s);
  ns_err err = NS_OK;
  size_t sent;
  for (int i = 0; i < 100 && err == NS_OK; i++)
    err = ns_sendfile(c, fd, 0, 0, &sent);
  if (err != NS_ERR_BROKEN_PIPE && err != NS_ERR_CONNECTION_RESET)
    return 2;
  /* The mask is as it was, and no SIGPIPE waits to be delivered. */
  sigprocmask(SIG_BLOCK, NULL, &mask);
  if (sigismember(&mask, SIGPIPE) != preblocked)
    return 3;
  sigpending(&pending);
  if (sigismember(&pending, SIGPIPE))
    return 4;
  ns_close(c);
  close(fd);
  return 0;
}

static void test_sendfile__peer_gone_no_sigpipe(void **state)
{
  (void)state;
  for (int preblocked = 0; preblocked < 2; preblocked++) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
      _exit(broken_pipe_child(preblocked));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
      fail_msg("child killed by signal %d", WTERMSIG(status));
    assert_int_equal(WEXITSTATUS(status), 0);
  }
}

/* PEP 475: a SIGALRM every 10 ms, without SA_RESTART, interrupts the
   transfer many times; every byte still arrives. */
static void on_alarm(int sig)
{
  (void)sig;
}

static int signals_child(void)
{
  const uint64_t size = 32 * (uint64_t)MIB;
  int fd = memfile(size);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  /* A small buffer makes the transfer block often. */
  ns_setsockopt_int(c, SOL_SOCKET, SO_SNDBUF, 65536);
  receiver r;
  receiver_start(&r, s, size);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 10000}, {0, 10000}};
  setitimer(ITIMER_REAL, &it, NULL);
  size_t sent;
  ns_err err = ns_sendfile(c, fd, 0, 0, &sent);
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  pthread_join(r.th, NULL);
  ns_close(c);
  ns_close(s);
  close(fd);
  if (err || sent != size)
    return 2;
  if (r.err || r.got != size || r.sum != pattern_sum(0, size))
    return 3;
  return 0;
}

static void test_sendfile__signals(void **state)
{
  (void)state;
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    _exit(signals_child());
  ns_test_child_succeeds(pid);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_sendfile__64mib_checksummed),
      NS_TEST(test_sendfile__offset_and_count),
      NS_TEST(test_sendfile__offsets_past_2gib),
      NS_TEST(test_sendfile__pipe),
      NS_TEST(test_sendfile__datagram_socket),
      NS_TEST(test_sendfile__bad_arguments),
      NS_TEST(test_sendfile__timeout),
      NS_TEST(test_sendfile__peer_gone_no_sigpipe),
      NS_TEST(test_sendfile__signals),
  };
  return cmocka_run_group_tests_name("sendfile", tests, NULL, NULL);
}
