/* SPDX-License-Identifier: MIT */
/*
 * Batching benchmark: what ns_sendmmsg/ns_recvmmsg save over a loop of
 * ns_sendto/ns_recvfrom, next to the same two methods as raw system calls.
 *
 * One thread sends a batch of datagrams to a socket on 127.0.0.1 and then
 * receives them, so nothing is dropped and the figure is the cost per
 * datagram of both sides. The four methods run in turn, round after
 * round, and each reports the median of its rounds.
 *
 *   bench_mmsg [--count N] [--size BYTES] [--batch N] [--rounds N] [--smoke]
 *
 * Pin it for stable figures: taskset -c 0 bench_mmsg. --smoke runs a few
 * rounds of a few datagrams and only checks that everything arrived.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netsock/netsock.h>

#define MAX_BATCH 64
#define MAX_SIZE 1400
#define MAX_ROUNDS 51

static size_t count = 200000, size = 64, batch = 32;
static int rounds = 7;

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
  fprintf(stderr, "bench_mmsg: %s: %s: %s\n", what,
          ns_error_name(ns_error_last_code()), ns_error_last_message());
  exit(1);
}

static void check(ns_err err, const char *what)
{
  if (err)
    die(what);
}

static void die_errno(const char *what)
{
  fprintf(stderr, "bench_mmsg: %s: %s\n", what, strerror(errno));
  exit(1);
}

static unsigned char out[MAX_BATCH][MAX_SIZE];
static unsigned char in[MAX_BATCH][MAX_SIZE];

/* Every datagram that comes back is the one sent, whole. */
static void verify(size_t i, size_t n)
{
  if (n != size || memcmp(in[i], out[i], size) != 0) {
    fprintf(stderr, "bench_mmsg: datagram %zu came back wrong\n", i);
    exit(1);
  }
}

typedef struct rig {
  ns_socket *tx, *rx;
  ns_addr to;
} rig;

/* ---- the four methods: each moves `count` datagrams ---------------------- */

static void netsock_loop(rig *r)
{
  for (size_t done = 0; done < count; done += batch) {
    size_t k = count - done < batch ? count - done : batch;
    size_t n;
    for (size_t i = 0; i < k; i++)
      check(ns_sendto(r->tx, out[i], size, 0, &r->to, &n), "sendto");
    for (size_t i = 0; i < k; i++) {
      check(ns_recvfrom(r->rx, in[i], MAX_SIZE, 0, &n, NULL), "recvfrom");
      verify(i, n);
    }
  }
}

static void netsock_batch(rig *r)
{
  static ns_datagram sm[MAX_BATCH], rm[MAX_BATCH];
  for (size_t i = 0; i < batch; i++) {
    sm[i].buf = out[i];
    sm[i].len = size;
    sm[i].addr = r->to;
    rm[i].buf = in[i];
    rm[i].len = MAX_SIZE;
  }
  for (size_t done = 0; done < count; done += batch) {
    size_t k = count - done < batch ? count - done : batch;
    for (size_t sent = 0, n; sent < k; sent += n)
      check(ns_sendmmsg(r->tx, sm + sent, k - sent, 0, &n), "sendmmsg");
    for (size_t got = 0, n; got < k; got += n) {
      check(ns_recvmmsg(r->rx, rm + got, k - got, 0, &n), "recvmmsg");
      for (size_t i = got; i < got + n; i++)
        verify(i, rm[i].nbytes);
    }
  }
}

static void raw_loop(rig *r)
{
  int tx = ns_fileno(r->tx), rx = ns_fileno(r->rx);
  for (size_t done = 0; done < count; done += batch) {
    size_t k = count - done < batch ? count - done : batch;
    for (size_t i = 0; i < k; i++)
      while (sendto(tx, out[i], size, MSG_NOSIGNAL, &r->to.u.sa, r->to.len) <
             0)
        if (errno != EINTR)
          die_errno("sendto");
    for (size_t i = 0; i < k; i++) {
      ssize_t n;
      while ((n = recvfrom(rx, in[i], MAX_SIZE, 0, NULL, NULL)) < 0)
        if (errno != EINTR)
          die_errno("recvfrom");
      verify(i, (size_t)n);
    }
  }
}

static void raw_batch(rig *r)
{
  static struct mmsghdr sm[MAX_BATCH], rm[MAX_BATCH];
  static struct iovec siov[MAX_BATCH], riov[MAX_BATCH];
  int tx = ns_fileno(r->tx), rx = ns_fileno(r->rx);
  for (size_t i = 0; i < batch; i++) {
    siov[i].iov_base = out[i];
    siov[i].iov_len = size;
    sm[i].msg_hdr.msg_iov = &siov[i];
    sm[i].msg_hdr.msg_iovlen = 1;
    sm[i].msg_hdr.msg_name = &r->to.u;
    sm[i].msg_hdr.msg_namelen = r->to.len;
    riov[i].iov_base = in[i];
    riov[i].iov_len = MAX_SIZE;
    rm[i].msg_hdr.msg_iov = &riov[i];
    rm[i].msg_hdr.msg_iovlen = 1;
  }
  for (size_t done = 0; done < count; done += batch) {
    unsigned int k = (unsigned int)(count - done < batch ? count - done
                                                         : batch);
    for (unsigned int sent = 0; sent < k;) {
      int n = sendmmsg(tx, sm + sent, k - sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EINTR)
        die_errno("sendmmsg");
      sent += n > 0 ? (unsigned int)n : 0;
    }
    for (unsigned int got = 0; got < k;) {
      int n = recvmmsg(rx, rm + got, k - got, MSG_WAITFORONE, NULL);
      if (n < 0 && errno != EINTR)
        die_errno("recvmmsg");
      for (int i = 0; i < n; i++)
        verify(got + (unsigned int)i, rm[got + (unsigned int)i].msg_len);
      got += n > 0 ? (unsigned int)n : 0;
    }
  }
}

/* ---- driver ------------------------------------------------------------------- */

typedef struct method {
  const char *impl, *name;
  void (*run)(rig *);
  double ns[MAX_ROUNDS];
  double median;
} method;

static int by_value(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static size_t number(const char *flag, const char *text)
{
  char *end;
  unsigned long long v = strtoull(text ? text : "", &end, 10);
  if (!text || *end || v == 0) {
    fprintf(stderr, "bench_mmsg: %s needs a positive number\n", flag);
    exit(2);
  }
  return (size_t)v;
}

int main(int argc, char **argv)
{
  bool smoke = false;
  for (int i = 1; i < argc; i++) {
    const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(flag, "--smoke") == 0) {
      smoke = true;
      continue;
    }
    if (strcmp(flag, "--count") == 0)
      count = number(flag, value);
    else if (strcmp(flag, "--size") == 0)
      size = number(flag, value);
    else if (strcmp(flag, "--batch") == 0)
      batch = number(flag, value);
    else if (strcmp(flag, "--rounds") == 0)
      rounds = (int)number(flag, value);
    else {
      fprintf(stderr, "usage: bench_mmsg [--count N] [--size BYTES] "
                      "[--batch N] [--rounds N] [--smoke]\n");
      return 2;
    }
    i++;
  }
  if (smoke) {
    count = 1000;
    rounds = 3;
  }
  if (size > MAX_SIZE || batch > MAX_BATCH || rounds > MAX_ROUNDS) {
    fprintf(stderr, "bench_mmsg: size <= %d, batch <= %d, rounds <= %d\n",
            MAX_SIZE, MAX_BATCH, MAX_ROUNDS);
    return 2;
  }
  for (size_t i = 0; i < MAX_BATCH; i++)
    for (size_t j = 0; j < MAX_SIZE; j++)
      out[i][j] = (unsigned char)(i * 7 + j * 13);

  rig r;
  ns_addr lo;
  check(ns_addr_inet(&lo, "127.0.0.1", 0), "address");
  check(ns_socket_create(&r.tx, AF_INET, SOCK_DGRAM, 0), "socket");
  check(ns_socket_create(&r.rx, AF_INET, SOCK_DGRAM, 0), "socket");
  check(ns_bind(r.rx, &lo), "bind");
  check(ns_getsockname(r.rx, &r.to), "getsockname");
  /* A whole batch waits in the receive queue between the two halves. */
  check(ns_setsockopt_int(r.rx, SOL_SOCKET, SO_RCVBUF, 1 << 20), "rcvbuf");

  method m[] = {
      {"raw", "sendto+recvfrom", raw_loop, {0}, 0},
      {"netsock", "sendto+recvfrom", netsock_loop, {0}, 0},
      {"raw", "sendmmsg+recvmmsg", raw_batch, {0}, 0},
      {"netsock", "sendmmsg+recvmmsg", netsock_batch, {0}, 0},
  };
  enum { M = sizeof m / sizeof m[0] };
  for (int k = 0; k < M; k++)
    m[k].run(&r); /* warm up: caches, page faults, the first allocations */
  for (int round = 0; round < rounds; round++)
    for (int k = 0; k < M; k++) {
      double t0 = now();
      m[k].run(&r);
      m[k].ns[round] = (now() - t0) * 1e9 / (double)count;
    }
  for (int k = 0; k < M; k++) {
    qsort(m[k].ns, (size_t)rounds, sizeof m[k].ns[0], by_value);
    m[k].median = m[k].ns[rounds / 2];
  }
  ns_close(r.tx);
  ns_close(r.rx);
  if (smoke) {
    printf("bench_mmsg smoke: every datagram came back, %zu per method\n",
           count * (size_t)(rounds + 1));
    return 0;
  }

  printf("bench_mmsg: %zu datagrams of %zu B, batch %zu, median of %d "
         "rounds, send then receive on one thread\n\n",
         count, size, batch, rounds);
  printf("%-8s %-18s %12s %12s %12s\n", "impl", "method", "ns/datagram",
         "min", "max");
  for (int k = 0; k < M; k++)
    printf("%-8s %-18s %12.1f %12.1f %12.1f\n", m[k].impl, m[k].name,
           m[k].median, m[k].ns[0], m[k].ns[rounds - 1]);
  printf("\nbatch gain, loop time / batch time: netsock %.3f, raw %.3f\n",
         m[1].median / m[3].median, m[0].median / m[2].median);
  printf("netsock / raw: loop %.3f, batch %.3f\n", m[1].median / m[0].median,
         m[3].median / m[2].median);
  return 0;
}
