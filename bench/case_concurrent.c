/* SPDX-License-Identifier: MIT */
/*
 * Many clients at once: a server process multiplexes N connections (1000
 * by default) with a readiness poller (libnetsock's ns_poller; epoll in
 * the raw twin) and echoes every byte it gets. The client process sends
 * one byte on every connection, then reads every echo, round after round.
 * The figure is the time per request, all connections being served at
 * once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "backend.h"
#include "cases.h"

#define ROUNDS 20
#define MAX_EVENTS 256

/* Each process holds N descriptors; the usual soft limit is 1024. */
static void raise_fd_limit(long need)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    bench_die("getrlimit", NULL);
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)need) {
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (rlim_t)need
                      ? (rlim_t)need
                      : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < (rlim_t)need)
      bench_die("setrlimit", "not enough descriptors for the clients");
  }
}

static void serve(bk_sock listener, long clients)
{
  bk_poller p = bk_poller_create();
  bk_sock *conns = calloc((size_t)clients, sizeof *conns);
  bk_event *events = calloc(MAX_EVENTS, sizeof *events);
  if (!conns || !events)
    bench_die("calloc", NULL);
  /* Data pointer: the connection's slot plus one; 0 is the listener. */
  bk_poller_add(&p, listener, NULL);
  long accepted = 0, closed = 0;
  unsigned char buf[64];
  while (closed < clients) {
    size_t n = bk_poller_wait(&p, events, MAX_EVENTS);
    for (size_t i = 0; i < n; i++) {
      size_t slot = (size_t)(uintptr_t)bk_event_data(&events[i]);
      if (slot == 0) {
        if (accepted == clients)
          bench_die("accept", "more connections than clients");
        conns[accepted] = bk_accept(listener);
        bk_poller_add(&p, conns[accepted], (void *)(uintptr_t)(accepted + 1));
        accepted++;
        continue;
      }
      bk_sock c = conns[slot - 1];
      size_t got = bk_recv(c, buf, sizeof buf);
      if (got == 0) {
        bk_poller_remove(&p, c);
        bk_close(c);
        closed++;
      } else {
        bk_sendall(c, buf, got);
      }
    }
  }
  bk_poller_close(&p);
  free(events);
  free(conns);
}

static void round_trip_all(bk_sock *clients, long n)
{
  unsigned char byte = 'x';
  for (long i = 0; i < n; i++)
    bk_send_full(clients[i], &byte, 1);
  for (long i = 0; i < n; i++)
    if (!bk_recv_full(clients[i], &byte, 1))
      bench_die("recv", "the server closed a connection");
}

void case_concurrent(const struct bench_opts *o)
{
  long n = o->iters ? o->iters : 1000;
  raise_fd_limit(n + 64);
  bk_sock l = bk_socket(SOCK_STREAM);
  bk_bind_loopback(l);
  bk_listen(l, (int)n);
  bk_addr a = bk_getsockname(l);

  pid_t pid = bench_fork();
  if (pid == 0) {
    serve(l, n);
    bk_close(l);
    _exit(0);
  }
  bk_close(l);
  bk_sock *clients = calloc((size_t)n, sizeof *clients);
  if (!clients)
    bench_die("calloc", NULL);
  for (long i = 0; i < n; i++) {
    clients[i] = bk_socket(SOCK_STREAM);
    bk_connect(clients[i], &a);
  }
  round_trip_all(clients, n);
  double t0 = bench_now();
  for (int r = 0; r < ROUNDS; r++)
    round_trip_all(clients, n);
  double t1 = bench_now();
  for (long i = 0; i < n; i++)
    bk_close(clients[i]);
  bench_wait(pid);
  free(clients);

  char p[64], detail[64];
  snprintf(p, sizeof p, "clients=%ld", n);
  snprintf(detail, sizeof detail, "rounds=%d", ROUNDS);
  bench_report("concurrent_1000", p,
               (t1 - t0) / ((double)ROUNDS * (double)n) * 1e6, "us/req",
               detail);
}
