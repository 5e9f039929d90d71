/* SPDX-License-Identifier: MIT */
/*
 * The alternating ping-pong benchmark (pingpong_ab.c): the TCP ping-pong
 * of case_pingpong.c, through libnetsock and as raw BSD-socket code, in
 * one program, so that short rounds of the two can alternate. One side,
 * pingpong_side.c, is compiled twice (with and without NETSOCK_BENCH_RAW)
 * under the names below.
 */
#ifndef NETSOCK_BENCH_PINGPONG_AB_H
#define NETSOCK_BENCH_PINGPONG_AB_H

#include <stddef.h>

/* A client connected to its own echo server, a forked process. */
struct pp_side;

/* The other twin's side, already open when a side forks its server. */
struct pp_foreign {
  void *side;               /* NULL: none */
  void (*drop)(void *side); /* its pp_*_drop */
};

/* Connect, fork the echo server (pinned to server_cpu; -1: not pinned),
   put the timeout on both ends (< 0: none) and warm up. The server first
   drops its copy of the foreign side: the other twin's client, whose end
   of stream it would otherwise hold back, and its memory, which the
   server leaves without freeing otherwise. */
struct pp_side *pp_ns_open(size_t size, double timeout, int server_cpu,
                           struct pp_foreign foreign);
struct pp_side *pp_raw_open(size_t size, double timeout, int server_cpu,
                            struct pp_foreign foreign);

/* In a forked server: close a side's client and free it, without waiting
   for its own server. */
void pp_ns_drop(void *side);
void pp_raw_drop(void *side);

/* Seconds that n round trips took. */
double pp_ns_run(struct pp_side *p, long n);
double pp_raw_run(struct pp_side *p, long n);

/* Close the client, wait for the server to leave. */
void pp_ns_close(struct pp_side *p);
void pp_raw_close(struct pp_side *p);

#endif /* NETSOCK_BENCH_PINGPONG_AB_H */
