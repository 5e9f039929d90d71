/* SPDX-License-Identifier: MIT */
/*
 * A burst of 1 000 000 UDP datagrams over loopback, from one thread with
 * ns_send to another receiving with ns_recvmmsg. Loopback drops datagrams
 * when the receive buffer is full, so drops are counted, not forbidden;
 * what must hold is that every datagram that arrives is whole, arrives
 * once, and carries the bytes its sequence number says.
 */
#include "ns_test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DATAGRAMS = 1000000, SIZE = 64, BATCH = 64 };

static void fill(unsigned char *p, uint32_t seq)
{
  memcpy(p, &seq, sizeof seq);
  for (size_t i = sizeof seq; i < SIZE; i++)
    p[i] = (unsigned char)(seq * 31u + i);
}

typedef struct receiver {
  ns_socket *s;
  unsigned char *seen; /* one byte per sequence number */
  long received, duplicates, corrupt, out_of_order;
  ns_err err;
} receiver;

static void *receive(void *arg)
{
  receiver *r = arg;
  static unsigned char bufs[BATCH][SIZE + 1];
  ns_datagram d[BATCH];
  uint32_t last = 0;
  for (;;) {
    for (int i = 0; i < BATCH; i++)
      d[i] = (ns_datagram){bufs[i], sizeof bufs[i], NS_ADDR_INIT, 0, 0};
    size_t n = 0;
    r->err = ns_recvmmsg(r->s, d, BATCH, 0, &n);
    if (r->err == NS_ERR_TIMEOUT) {
      r->err = NS_OK; /* quiet for a while: the burst is over */
      return NULL;
    }
    if (r->err)
      return NULL;
    for (size_t i = 0; i < n; i++) {
      uint32_t seq;
      unsigned char want[SIZE];
      memcpy(&seq, bufs[i], sizeof seq);
      if (d[i].nbytes != SIZE || seq >= DATAGRAMS) {
        r->corrupt++;
        continue;
      }
      fill(want, seq);
      if (memcmp(bufs[i], want, SIZE) != 0) {
        r->corrupt++;
        continue;
      }
      if (r->seen[seq]++) {
        r->duplicates++;
        continue;
      }
      if (seq < last)
        r->out_of_order++;
      last = seq;
      r->received++;
    }
  }
}

static void test_load_udp__million_datagrams(void **state)
{
  (void)state;
  ns_socket *tx, *rx;
  ns_addr lo = ns_test_loopback(AF_INET), bound;
  assert_ns_ok(ns_socket_create(&rx, AF_INET, SOCK_DGRAM, 0));
  /* As much room as the system allows (rmem_max caps it). */
  assert_ns_ok(ns_setsockopt_int(rx, SOL_SOCKET, SO_RCVBUF, 4 << 20));
  assert_ns_ok(ns_bind(rx, &lo));
  assert_ns_ok(ns_getsockname(rx, &bound));
  assert_ns_ok(ns_settimeout(rx, 1.0));
  assert_ns_ok(ns_socket_create(&tx, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_connect(tx, &bound));
  int rcvbuf = 0;
  assert_ns_ok(ns_getsockopt_int(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf));

  receiver r = {rx, calloc(DATAGRAMS, 1), 0, 0, 0, 0, NS_OK};
  assert_non_null(r.seen);
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, receive, &r), 0);

  double t0 = ns_test_now();
  long sent = 0, send_errors = 0;
  unsigned char msg[SIZE];
  for (uint32_t seq = 0; seq < DATAGRAMS; seq++) {
    fill(msg, seq);
    size_t n;
    ns_err e = ns_send(tx, msg, SIZE, 0, &n);
    if (e == NS_OK && n == SIZE) {
      sent++;
    } else {
      /* ENOBUFS under pressure is a drop at the sender. */
      if (send_errors++ < 3)
        print_error("send %u: %s\n", seq, ns_error_last_message());
    }
  }
  double t_send = ns_test_now() - t0;
  assert_int_equal(pthread_join(th, NULL), 0);
  assert_ns_ok(r.err);

  long dropped = DATAGRAMS - r.received;
  print_message(
      "load: %d datagrams of %d bytes sent in %.2f s (%.0f per second); "
      "%ld sent, %ld send errors; %ld received, %ld dropped "
      "(%.2f%%), %ld duplicated, %ld corrupt, %ld out of order; "
      "SO_RCVBUF %d\n",
      DATAGRAMS, SIZE, t_send, DATAGRAMS / t_send, sent, send_errors,
      r.received, dropped, 100.0 * (double)dropped / DATAGRAMS, r.duplicates,
      r.corrupt, r.out_of_order, rcvbuf);
  assert_int_equal(r.duplicates, 0);
  assert_int_equal(r.corrupt, 0);
  assert_true(r.received > 0 && r.received <= sent);
  free(r.seen);
  assert_ns_ok(ns_close(tx));
  assert_ns_ok(ns_close(rx));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_load_udp__million_datagrams),
  };
  return cmocka_run_group_tests_name("load_udp", tests, NULL, NULL);
}
