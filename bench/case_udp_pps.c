/* SPDX-License-Identifier: MIT */
/*
 * Datagrams per second: one process sends as fast as it can, the other
 * receives; the rate is what arrived divided by the receiver's time from
 * the first datagram to the end marker. Loopback drops what the receiver
 * cannot keep up with, so the figure is the slower side's rate; the drop
 * share goes into the detail column.
 *
 * With --batch N both sides move up to N datagrams per call (sendmmsg and
 * recvmmsg; Python has no such call).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend.h"
#include "cases.h"

#define END_MARKER 0xFF
#define MAX_END_TRIES 5000

struct tally {
  uint64_t received;
  double seconds;
};

/* Count one received datagram; false for the end marker. */
static bool tally_one(struct tally *t, double *first, const unsigned char *d,
                      size_t n, size_t size)
{
  if (n == 1 && d[0] == END_MARKER)
    return false;
  if (n != size)
    bench_die("recvfrom", "unexpected datagram size");
  if (t->received++ == 0)
    *first = bench_now();
  return true;
}

static void receive(bk_sock s, size_t size, size_t batch, int result_fd)
{
  unsigned char *buf = bench_alloc(2048 * (batch ? batch : 1));
  struct tally t = {0, 0};
  double first = 0;
  if (batch) {
    static bk_batch b;
    bk_batch_init(&b, batch, buf, 2048, NULL);
    for (bool more = true; more;) {
      size_t k = bk_recvmmsg(s, &b, batch);
      for (size_t i = 0; i < k; i++)
        if (!tally_one(&t, &first, buf + i * 2048, bk_batch_len(&b, i),
                       size))
          more = false;
    }
  } else {
    bk_addr from;
    while (tally_one(&t, &first, buf, bk_recvfrom(s, buf, 2048, &from),
                     size))
      ;
  }
  t.seconds = bench_now() - first;
  if (write(result_fd, &t, sizeof t) != (ssize_t)sizeof t)
    bench_die("write", NULL);
}

void case_udp_pps(const struct bench_opts *o)
{
  size_t size = o->size ? o->size : 64;
  long iters = o->iters ? o->iters : 200000;
  size_t batch = o->batch > 1 ? (size_t)o->batch : 0;
  if (size < 2 || size > 1400)
    bench_die("udp_pps", "--size is 2 to 1400");
  if (batch > BK_BATCH_MAX)
    bench_die("udp_pps", "--batch is at most 64");
  int result[2];
  if (pipe(result) != 0)
    bench_die("pipe", NULL);
  bk_addr sender_addr, receiver_addr;
  bk_sock sender = bk_udp_bound(&sender_addr);
  bk_sock receiver = bk_udp_bound(&receiver_addr);
  (void)sender_addr;

  pid_t pid = bench_fork();
  if (pid == 0) {
    bk_close(sender);
    close(result[0]);
    receive(receiver, size, batch, result[1]);
    bk_close(receiver);
    _exit(0);
  }
  bk_close(receiver);
  close(result[1]);
  size_t copies = batch ? batch : 1;
  unsigned char *buf = bench_alloc(size * copies);
  for (size_t i = 0; i < copies; i++) {
    bench_pattern(buf + i * size, size);
    buf[i * size] = 0;
  }
  if (batch) {
    static bk_batch b;
    bk_batch_init(&b, batch, buf, size, &receiver_addr);
    for (long sent = 0; sent < iters;) {
      size_t k = (size_t)(iters - sent) < batch ? (size_t)(iters - sent)
                                                : batch;
      sent += (long)bk_sendmmsg(sender, &b, k);
    }
  } else {
    for (long i = 0; i < iters; i++)
      bk_sendto(sender, buf, size, &receiver_addr);
  }
  /* The marker may be dropped like any datagram: repeat it until the
     receiver answers. */
  unsigned char end = END_MARKER;
  struct pollfd p = {result[0], POLLIN, 0};
  int tries = 0;
  do {
    if (++tries > MAX_END_TRIES)
      bench_die("udp_pps", "the receiver never saw the end marker");
    bk_sendto(sender, &end, 1, &receiver_addr);
  } while (poll(&p, 1, 1) == 0);
  struct tally t;
  if (read(result[0], &t, sizeof t) != (ssize_t)sizeof t)
    bench_die("read", NULL);
  close(result[0]);
  bk_close(sender);
  bench_wait(pid);
  free(buf);

  char p_[64], detail[96];
  snprintf(p_, sizeof p_, "size=%zu;batch=%zu", size, copies);
  snprintf(detail, sizeof detail, "sent=%ld;received=%" PRIu64 ";lost=%.1f%%",
           iters, t.received,
           100.0 * (double)(iters - (long)t.received) / (double)iters);
  double pps = t.received > 1 ? (double)(t.received - 1) / t.seconds : 0;
  bench_report("udp_pps", p_, pps / 1e3, "kpps", detail);
}
