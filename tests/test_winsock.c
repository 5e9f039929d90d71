/* SPDX-License-Identifier: MIT */
/*
 * What the Winsock backend does its own way, and which the POSIX-only test
 * programs (msg, mmsg, sendfile) cannot show on Windows: datagram batches
 * as a loop of sendto/recvfrom, sendfile as a copy from a C runtime file,
 * makefile's stream relayed through a pipe, and the calls Windows lacks
 * failing with ENOSYS.
 */
#include <fcntl.h>
#include <io.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netsock/netsock.h"
#include "ns_test.h"

/* Two bound UDP sockets on loopback, the receiver with a timeout. */
static void udp_pair(ns_socket **tx, ns_socket **rx, ns_addr *rx_addr)
{
  ns_addr any = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_socket_create(tx, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_socket_create(rx, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(*rx, &any));
  assert_ns_ok(ns_getsockname(*rx, rx_addr));
  assert_ns_ok(ns_settimeout(*rx, 5.0));
}

static void test_winsock__datagram_batches(void **state)
{
  (void)state;
  ns_socket *tx, *rx;
  ns_addr to;
  udp_pair(&tx, &rx, &to);
  char out[3][8] = {"one", "two!", "three"};
  ns_datagram send[3];
  memset(send, 0, sizeof send);
  for (int i = 0; i < 3; i++) {
    send[i].buf = out[i];
    send[i].len = strlen(out[i]);
    send[i].addr = to;
  }
  size_t count = 0;
  assert_ns_ok(ns_sendmmsg(tx, send, 3, 0, &count));
  assert_int_equal(count, 3);
  for (int i = 0; i < 3; i++)
    assert_int_equal(send[i].nbytes, strlen(out[i]));

  /* Room for four: the three that came, without waiting for a fourth (a
     blocking socket would wait for ever). */
  assert_ns_ok(ns_settimeout(rx, NS_TIMEOUT_NONE));
  char in[4][16];
  ns_datagram recv[4];
  memset(recv, 0, sizeof recv);
  for (int i = 0; i < 4; i++) {
    recv[i].buf = in[i];
    recv[i].len = sizeof in[i];
  }
  ns_addr from;
  assert_ns_ok(ns_getsockname(tx, &from));
  size_t got = 0;
  assert_ns_ok(ns_recvmmsg(rx, recv, 4, 0, &got));
  assert_int_equal(got, 3);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(recv[i].nbytes, strlen(out[i]));
    assert_memory_equal(in[i], out[i], strlen(out[i]));
    assert_int_equal(ns_addr_port(&recv[i].addr), ns_addr_port(&from));
  }
  /* The socket keeps its own timeout after the batch. */
  assert_true(ns_gettimeout(rx) == NS_TIMEOUT_NONE);

  /* Nothing there: the first datagram waits, up to the timeout. */
  assert_ns_ok(ns_settimeout(rx, 0.05));
  assert_ns_err(ns_recvmmsg(rx, recv, 4, 0, &got), NS_ERR_TIMEOUT);
  assert_int_equal(got, 0);
  assert_ns_err(ns_sendmmsg(tx, NULL, 1, 0, &count), NS_ERR_VALUE);
  assert_ns_ok(ns_close(tx));
  assert_ns_ok(ns_close(rx));
}

/* A file of `len` known bytes, open for reading with the C runtime. */
static int data_file(const char *path, size_t len)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  for (size_t i = 0; i < len; i++)
    fputc((int)(i % 251), f);
  assert_int_equal(fclose(f), 0);
  int fd = _open(path, _O_RDONLY | _O_BINARY);
  assert_true(fd >= 0);
  return fd;
}

static void recv_exactly(ns_socket *s, size_t len, size_t first)
{
  unsigned char buf[4096];
  size_t got = 0;
  while (got < len) {
    size_t n;
    size_t want = len - got < sizeof buf ? len - got : sizeof buf;
    assert_ns_ok(ns_recv(s, buf, want, 0, &n));
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
      assert_int_equal(buf[i], (first + got + i) % 251);
    got += n;
  }
}

static void test_winsock__sendfile_copies(void **state)
{
  (void)state;
  const char *path = "netsock-winsock-sendfile.bin";
  size_t size = 200000; /* several copy chunks */
  int fd = data_file(path, size);
  ns_socket *c, *srv;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  assert_ns_ok(ns_settimeout(srv, 5.0));

  size_t sent = 0;
  assert_ns_ok(ns_sendfile(c, fd, 1000, 70000, &sent));
  assert_int_equal(sent, 70000);
  recv_exactly(srv, 70000, 1000);
  /* The file is left after what was sent, as Python leaves it. */
  assert_int_equal(_lseeki64(fd, 0, SEEK_CUR), 71000);

  /* count 0: to the end of the file. */
  assert_ns_ok(ns_sendfile(c, fd, size - 5000, 0, &sent));
  assert_int_equal(sent, 5000);
  recv_exactly(srv, 5000, size - 5000);
  /* Past the end: nothing to send. */
  assert_ns_ok(ns_sendfile(c, fd, size + 10, 100, &sent));
  assert_int_equal(sent, 0);

  /* Python's checks. */
  assert_ns_err(ns_sendfile(c, fd, -1, 10, &sent), NS_ERR_VALUE);
  assert_last_message("offset must be a positive integer (got -1)");
  assert_ns_ok(ns_setblocking(c, false));
  assert_ns_err(ns_sendfile(c, fd, 0, 10, &sent), NS_ERR_VALUE);
  assert_last_message("non-blocking sockets are not supported");
  assert_ns_ok(ns_setblocking(c, true));
  assert_int_equal(_close(fd), 0);
  /* A closed file: the C runtime's EBADF. */
  assert_ns_err(ns_sendfile(c, fd, 0, 10, &sent), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_int_equal(sent, 0);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(srv));
  assert_int_equal(remove(path), 0);
}

static void test_winsock__messages_are_missing(void **state)
{
  (void)state;
  ns_socket *c, *srv;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  char data[] = "x";
  ns_iovec iov = {data, 1};
  size_t n = 99;
  assert_ns_err(ns_sendmsg(c, &iov, 1, NULL, 0, NULL, &n), NS_ERR_OS);
  assert_last_os_error(ENOSYS);
  assert_int_equal(n, 0);
  assert_ns_err(ns_recvmsg(srv, &iov, 1, NULL, 0, &n, NULL, NULL), NS_ERR_OS);
  assert_last_os_error(ENOSYS);
  int fds[1] = {0};
  assert_ns_err(ns_send_fds(c, data, 1, fds, 1, 0, NULL, &n), NS_ERR_OS);
  assert_last_os_error(ENOSYS);
  ns_cmsg_buf b;
  char storage[64];
  assert_ns_err(ns_cmsg_buf_init(&b, storage, sizeof storage), NS_ERR_OS);
  assert_last_os_error(ENOSYS);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(srv));
}

/* ---- makefile's relay ---------------------------------------------------- */

static char relay_out[300000];

static DWORD WINAPI write_all(void *arg)
{
  FILE *w = arg;
  bool ok = fwrite(relay_out, 1, sizeof relay_out, w) == sizeof relay_out &&
            fclose(w) == 0;
  return ok ? 0 : 1;
}

/* The stream is a C runtime descriptor on a pipe, and the relay moves
   writes larger than its 64 KiB chunks whole and in order. */
static void test_winsock__makefile_moves_big_writes(void **state)
{
  (void)state;
  ns_socket *c, *srv;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  FILE *w, *r;
  assert_ns_ok(ns_makefile(c, "wb", &w));
  assert_ns_ok(ns_makefile(srv, "rb", &r));
  assert_true(_fileno(w) >= 0);
  for (size_t i = 0; i < sizeof relay_out; i++)
    relay_out[i] = (char)(i * 7 + i / 251);
  HANDLE writer = CreateThread(NULL, 0, write_all, w, 0, NULL);
  assert_non_null(writer);
  static char in[sizeof relay_out];
  assert_int_equal(fread(in, 1, sizeof in, r), sizeof in);
  assert_memory_equal(in, relay_out, sizeof in);
  assert_int_equal(WaitForSingleObject(writer, 10000), WAIT_OBJECT_0);
  DWORD code = 99;
  assert_true(GetExitCodeThread(writer, &code));
  assert_int_equal(code, 0);
  CloseHandle(writer);
  assert_ns_ok(ns_close(c));
  assert_int_equal(fgetc(r), EOF); /* the peer's EOF, once it closed */
  assert_true(feof(r) && !ferror(r));
  assert_int_equal(fclose(r), 0);
  assert_ns_ok(ns_close(srv));
}

/* A "rw" stream is one pipe both ways: the peer's EOF reads as EOF, and
   ends the writing too. */
static void test_winsock__makefile_rw_ends_at_eof(void **state)
{
  (void)state;
  ns_socket *c, *srv;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  FILE *rw;
  assert_ns_ok(ns_makefile(c, "rw", &rw));
  assert_ns_ok(ns_close(srv));
  assert_int_equal(fgetc(rw), EOF);
  assert_true(feof(rw));
  bool failed = fputs("late\n", rw) < 0 || fflush(rw) != 0;
  assert_true(failed);
  int closed = fclose(rw);
  assert_true(closed == 0 || closed == EOF);
  assert_ns_ok(ns_close(c));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_winsock__datagram_batches),
      NS_TEST(test_winsock__sendfile_copies),
      NS_TEST(test_winsock__messages_are_missing),
      NS_TEST(test_winsock__makefile_moves_big_writes),
      NS_TEST(test_winsock__makefile_rw_ends_at_eof),
  };
  return cmocka_run_group_tests_name("winsock", tests, NULL, NULL);
}
