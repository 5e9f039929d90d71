/* SPDX-License-Identifier: MIT */
/*
 * Gate: no I/O call allocates heap memory, on its fast path or on its
 * error paths, and a handle is one allocation of at most 64 bytes.
 *
 * This program replaces malloc and its relatives (as glibc and musl allow)
 * with counting wrappers around the C library's own allocator, reached as
 * __libc_malloc and its relatives where the C library exports them
 * (PERF_HAVE_LIBC_MALLOC, a CMake link check), and elsewhere around a
 * bump allocator of this program's own, which never reuses memory: a
 * short test needs no more. The library, and libc
 * on its behalf, reach the wrappers through the usual symbol lookup, so
 * every allocation made during a counted stretch is seen.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ns_test.h"

#if PERF_HAVE_LIBC_MALLOC

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *p);
#define real_malloc __libc_malloc
#define real_calloc __libc_calloc
#define real_realloc __libc_realloc
#define real_memalign __libc_memalign
#define real_free __libc_free

#else

/* The bump allocator: blocks from one reserved mapping, each after a
   header holding its size; free() gives nothing back. */
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>

enum { ARENA_SIZE = 256 << 20, HEADER = 16 };
static char *arena;
static atomic_size_t arena_used;

static void *real_memalign(size_t align, size_t size)
{
  if (!arena) {
    void *m = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
      return NULL;
    arena = m;
  }
  if (align < HEADER)
    align = HEADER;
  if (size > ARENA_SIZE || (align & (align - 1))) {
    errno = ENOMEM;
    return NULL;
  }
  size_t want = HEADER + size + align;
  size_t at = atomic_fetch_add(&arena_used, want);
  if (at + want > ARENA_SIZE) {
    errno = ENOMEM;
    return NULL;
  }
  uintptr_t p = (uintptr_t)(arena + at + HEADER);
  p = (p + align - 1) & ~(uintptr_t)(align - 1);
  memcpy((char *)p - HEADER, &size, sizeof size);
  return (void *)p;
}

static size_t block_size(const void *p)
{
  size_t size;
  memcpy(&size, (const char *)p - HEADER, sizeof size);
  return size;
}

static void *real_malloc(size_t size)
{
  return real_memalign(HEADER, size);
}

static void *real_calloc(size_t n, size_t size)
{
  if (size && n > SIZE_MAX / size)
    return NULL;
  return real_malloc(n * size); /* fresh pages are zero */
}

static void *real_realloc(void *p, size_t size)
{
  void *q = real_malloc(size);
  if (q && p) {
    size_t old = block_size(p);
    memcpy(q, p, old < size ? old : size);
  }
  return q;
}

static void real_free(void *p)
{
  (void)p;
}

/* The C library must not size blocks it did not make. */
size_t malloc_usable_size(void *p)
{
  return p ? block_size(p) : 0;
}

#endif

static struct {
  bool on;
  int allocs;
  int frees;
  size_t last_size;
} count;

static void counted(size_t size)
{
  if (count.on) {
    count.allocs++;
    count.last_size = size;
  }
}

void *malloc(size_t size)
{
  counted(size);
  return real_malloc(size);
}

void *calloc(size_t n, size_t size)
{
  counted(n * size);
  return real_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
  counted(size);
  return real_realloc(p, size);
}

void *memalign(size_t align, size_t size)
{
  counted(size);
  return real_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
  counted(size);
  return real_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
  counted(size);
  void *p = real_memalign(align, size);
  if (!p)
    return ENOMEM;
  *out = p;
  return 0;
}

void free(void *p)
{
  if (count.on && p)
    count.frees++;
  real_free(p);
}

static void count_start(void)
{
  count.allocs = count.frees = 0;
  count.last_size = 0;
  count.on = true;
}

static void count_stop(void)
{
  count.on = false;
}

/* Fail, in words, unless the counted stretch allocated and freed nothing. */
static void expect_none(const char *what)
{
  if (count.allocs || count.frees)
    fail_msg("%s: %d allocations and %d frees, expected none", what,
             count.allocs, count.frees);
}

/* The I/O calls of a TCP pair, each once: fast paths and error paths. */
static void tcp_calls(ns_socket *a, ns_socket *b)
{
  char buf[64] = "x";
  size_t n;
  assert_ns_ok(ns_send(a, buf, 1, 0, &n));
  assert_ns_ok(ns_recv(b, buf, sizeof buf, 0, &n));
  assert_ns_ok(ns_sendall(b, buf, 1, 0, &n));
  assert_ns_ok(ns_recv(a, buf, sizeof buf, 0, &n));
  /* Nothing to read: BlockingIOError, with its message formatted. */
  assert_ns_err(ns_recv(a, buf, sizeof buf, MSG_DONTWAIT, &n),
                NS_ERR_BLOCKING_IO);
  assert_non_null(ns_error_last_message());
  /* Bad arguments fail without allocating either. */
  assert_ns_err(ns_send(a, NULL, 1, 0, &n), NS_ERR_VALUE);
  assert_ns_err(ns_recv(NULL, buf, 1, 0, &n), NS_ERR_OS);
  assert_non_null(ns_error_last_message());
}

static void test_perf_alloc__tcp_io_no_timeout(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_tcp_pair(AF_INET, &a, &b);
  tcp_calls(a, b); /* the dynamic linker's first-call work is not ours */
  count_start();
  tcp_calls(a, b);
  count_stop();
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
  expect_none("send, recv, sendall and their errors, no timeout");
}

static void test_perf_alloc__tcp_io_timeout(void **state)
{
  (void)state;
  ns_socket *a, *b;
  char buf[8];
  size_t n;
  ns_test_tcp_pair(AF_INET, &a, &b);
  assert_ns_ok(ns_settimeout(a, 5));
  assert_ns_ok(ns_settimeout(b, 5));
  tcp_calls(a, b);
  count_start();
  tcp_calls(a, b);
  /* The expiry path: TimeoutError "timed out". */
  assert_ns_ok(ns_settimeout(a, 0.01));
  assert_ns_err(ns_recv(a, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
  assert_last_message("timed out");
  count_stop();
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
  expect_none("send, recv, sendall and their errors, with a timeout");
}

static void udp_calls(ns_socket *a, ns_socket *b, const ns_addr *to_a,
                      const ns_addr *to_b)
{
  char buf[64] = "x";
  size_t n;
  ns_addr from;
  assert_ns_ok(ns_sendto(a, buf, 1, 0, to_b, &n));
  assert_ns_ok(ns_recvfrom(b, buf, sizeof buf, 0, &n, &from));
  assert_ns_ok(ns_sendto(b, buf, 1, 0, to_a, &n));
  assert_ns_ok(ns_recvfrom(a, buf, sizeof buf, 0, &n, NULL));
  assert_ns_err(ns_recvfrom(a, buf, sizeof buf, MSG_DONTWAIT, &n, &from),
                NS_ERR_BLOCKING_IO);
  assert_non_null(ns_error_last_message());
}

static void test_perf_alloc__udp_io(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_addr to_a = ns_test_loopback(AF_INET), to_b = to_a;
  assert_ns_ok(ns_socket_create(&a, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_socket_create(&b, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(a, &to_a));
  assert_ns_ok(ns_bind(b, &to_b));
  assert_ns_ok(ns_getsockname(a, &to_a));
  assert_ns_ok(ns_getsockname(b, &to_b));
  udp_calls(a, b, &to_a, &to_b);
  count_start();
  udp_calls(a, b, &to_a, &to_b);
  assert_ns_ok(ns_settimeout(a, 5));
  assert_ns_ok(ns_settimeout(b, 5));
  udp_calls(a, b, &to_a, &to_b);
  count_stop();
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
  expect_none("sendto, recvfrom and their errors, with and without timeout");
}

static void test_perf_alloc__one_allocation_per_handle(void **state)
{
  (void)state;
  ns_addr addr;
  ns_socket *l = ns_test_listener(AF_INET, &addr);
  ns_socket *c, *s;

  count_start();
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  count_stop();
  int create_allocs = count.allocs;
  size_t create_size = count.last_size;

  assert_ns_ok(ns_connect(c, &addr));
  count_start();
  assert_ns_ok(ns_accept(l, &s, NULL));
  count_stop();
  int accept_allocs = count.allocs;
  size_t accept_size = count.last_size;

  count_start();
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
  count_stop();
  assert_ns_ok(ns_close(l));

  if (create_allocs != 1 || create_size > 64)
    fail_msg("socket(): %d allocations, the last of %zu bytes; expected one "
             "of at most 64",
             create_allocs, create_size);
  if (accept_allocs != 1 || accept_size > 64)
    fail_msg("accept(): %d allocations, the last of %zu bytes; expected one "
             "of at most 64",
             accept_allocs, accept_size);
  if (count.allocs != 0 || count.frees != 2)
    fail_msg("close() of two handles: %d allocations and %d frees; expected "
             "0 and 2",
             count.allocs, count.frees);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_perf_alloc__tcp_io_no_timeout),
      NS_TEST(test_perf_alloc__tcp_io_timeout),
      NS_TEST(test_perf_alloc__udp_io),
      NS_TEST(test_perf_alloc__one_allocation_per_handle),
  };
  return cmocka_run_group_tests_name("perf_alloc", tests, NULL, NULL);
}
