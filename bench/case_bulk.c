/* SPDX-License-Identifier: MIT */
/*
 * Throughput: one side streams a fixed number of bytes, the other receives
 * them, checksums every byte and sends back the count and the checksum,
 * which the sender compares with the checksum of what it sent. The clock
 * runs from the first send to that answer.
 *
 * bulk_tcp sends in chunks (one send per chunk, the receiver reading a
 * chunk at a time): the per-call cost shows at 1 KiB and vanishes into the
 * copy at 64 KiB. sendall_large is one sendall of 256 MiB.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend.h"
#include "cases.h"

#define LARGE_RECV_CHUNK 65536

struct verdict {
  uint64_t bytes;
  uint64_t csum;
};

/* The receiving side, in the child: read until end of stream, answer. */
static void receive_and_answer(bk_sock s, size_t chunk, uint64_t expected)
{
  unsigned char *buf = bench_alloc(chunk);
  struct verdict v = {0, 0};
  while (v.bytes < expected) {
    size_t want = chunk;
    if (expected - v.bytes < want)
      want = (size_t)(expected - v.bytes);
    size_t n = bk_recv(s, buf, want);
    if (n == 0)
      break;
    v.csum = bench_csum(v.csum, v.bytes, buf, n);
    v.bytes += n;
  }
  bk_send_full(s, &v, sizeof v);
  free(buf);
}

static double finish(bk_sock s, double t0, uint64_t bytes, uint64_t csum)
{
  struct verdict v;
  if (!bk_recv_full(s, &v, sizeof v))
    bench_die("recv", "no answer from the receiver");
  double t1 = bench_now();
  if (v.bytes != bytes || v.csum != csum) {
    char why[128];
    snprintf(why, sizeof why,
             "received %" PRIu64 " bytes, checksum %016" PRIx64
             "; sent %" PRIu64 ", %016" PRIx64,
             v.bytes, v.csum, bytes, csum);
    bench_die("checksum", why);
  }
  return t1 - t0;
}

void case_bulk_tcp(const struct bench_opts *o)
{
  size_t chunk = o->size ? o->size : 65536;
  uint64_t bytes = o->bytes ? o->bytes : (uint64_t)512 << 20;
  bytes -= bytes % chunk;
  if (!bytes)
    bench_die("bulk_tcp", "--bytes is smaller than one chunk");
  bk_sock client, server;
  bk_tcp_pair(&client, &server, false);

  pid_t pid = bench_fork();
  if (pid == 0) {
    bk_close(client);
    receive_and_answer(server, chunk, bytes);
    bk_close(server);
    _exit(0);
  }
  bk_close(server);
  unsigned char *buf = bench_alloc(chunk);
  bench_pattern(buf, chunk);
  uint64_t csum = 0;
  for (uint64_t off = 0; off < bytes; off += chunk)
    csum = bench_csum(csum, off, buf, chunk);

  double t0 = bench_now();
  for (uint64_t off = 0; off < bytes; off += chunk)
    bk_send_full(client, buf, chunk);
  double dt = finish(client, t0, bytes, csum);
  bk_close(client);
  bench_wait(pid);
  free(buf);

  char p[64], detail[64];
  snprintf(p, sizeof p, "chunk=%zu", chunk);
  snprintf(detail, sizeof detail, "bytes=%" PRIu64, bytes);
  bench_report("bulk_tcp", p, (double)bytes / dt / 1e9, "GB/s", detail);
}

void case_sendall_large(const struct bench_opts *o)
{
  uint64_t bytes = o->bytes ? o->bytes : (uint64_t)256 << 20;
  bk_sock client, server;
  bk_tcp_pair(&client, &server, false);

  pid_t pid = bench_fork();
  if (pid == 0) {
    bk_close(client);
    receive_and_answer(server, LARGE_RECV_CHUNK, bytes);
    bk_close(server);
    _exit(0);
  }
  bk_close(server);
  unsigned char *buf = bench_alloc(bytes);
  bench_pattern(buf, bytes);
  uint64_t csum = bench_csum(0, 0, buf, bytes);

  double t0 = bench_now();
  bk_sendall(client, buf, bytes);
  double dt = finish(client, t0, bytes, csum);
  bk_close(client);
  bench_wait(pid);
  free(buf);

  char p[64], detail[64];
  snprintf(p, sizeof p, "bytes=%" PRIu64, bytes);
  snprintf(detail, sizeof detail, "recv_chunk=%d", LARGE_RECV_CHUNK);
  bench_report("sendall_large", p, (double)bytes / dt / 1e9, "GB/s", detail);
}
