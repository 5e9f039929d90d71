/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Timeouts and non-blocking mode: settimeout, setblocking </DESC>
 *
 * Teaches the three modes of a socket, as in Python: blocking (timeout
 * None: wait as long as it takes), a timeout (wait at most that long, then
 * TimeoutError "timed out") and non-blocking (timeout 0: never wait, and
 * BlockingIOError when the call would have to). Also the default timeout
 * of new sockets, a non-blocking connect finished with poll(), and that
 * sendall()'s timeout covers the whole call.
 * Translates the setblocking/settimeout/gettimeout entries of seed 002
 * (3.7, 3.17) and seed 001's module functions table into a program; the
 * Python is quoted in the comments (tests/interop/example11_timeouts.py
 * runs it).
 *
 * Run:  11_timeouts    (it needs only the loopback interface)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netsock/netsock.h>

/* Windows has poll() as WSAPoll(), with the same struct pollfd. */
#ifdef _WIN32
#define poll WSAPoll
#else
#include <poll.h>
#endif

/* Where Python would raise an exception: print what its traceback's last
   line says (ns_error_print), after the name of the operation that
   failed, and stop. */
static void check(ns_err err)
{
  if (err != NS_OK) {
    ns_error_print(ns_error_last_operation());
    exit(EXIT_FAILURE);
  }
}

/* except OSError as e: print(' ', type(e).__name__ + ':', e) */
static void show(ns_err err)
{
  if (err == NS_OK)
    printf("  no error\n");
  else
    printf("  %s: %s\n", ns_error_name(err), ns_error_last_message());
}

/* A timeout as Python prints it: None, 0.0, 0.2, 1.5 */
static const char *py_timeout(double t, char *buf, size_t size)
{
  if (t == NS_TIMEOUT_NONE)
    snprintf(buf, size, "None");
  else if (t == (double)(long)t)
    snprintf(buf, size, "%.1f", t);
  else
    snprintf(buf, size, "%g", t);
  return buf;
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *py_bool(bool b)
{
  return b ? "True" : "False";
}

int main(void)
{
  ns_socket *s, *c, *peer;
  ns_addr addr;
  char t[32], buf[16];
  size_t n;

  /* print('socket.getdefaulttimeout():', socket.getdefaulttimeout()) */
  printf("socket.getdefaulttimeout(): %s\n",
         py_timeout(ns_getdefaulttimeout(), t, sizeof t));

  /* s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1) */
  check(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  check(ns_addr_inet(&addr, "127.0.0.1", 0));
  check(ns_bind(s, &addr));
  check(ns_listen(s, 1));
  check(ns_getsockname(s, &addr));
  /* print('a new socket:', s.gettimeout(), s.getblocking()) */
  printf("a new socket: timeout %s, blocking %s\n",
         py_timeout(ns_gettimeout(s), t, sizeof t), py_bool(ns_getblocking(s)));

  /* A timeout: accept() waits 0.2 s for a client that never comes.
     s.settimeout(0.2); s.accept() */
  check(ns_settimeout(s, 0.2));
  printf("s.settimeout(0.2): timeout %s, blocking %s; accept():\n",
         py_timeout(ns_gettimeout(s), t, sizeof t), py_bool(ns_getblocking(s)));
  double start = now();
  show(ns_accept(s, &peer, NULL));
  double waited = now() - start;
  printf("  waited about 0.2 s: %s\n", py_bool(waited >= 0.15 && waited < 2.0));

  /* Non-blocking: the same accept() fails at once.
     s.setblocking(False); s.accept() */
  check(ns_setblocking(s, false));
  printf("s.setblocking(False): timeout %s, blocking %s; accept():\n",
         py_timeout(ns_gettimeout(s), t, sizeof t), py_bool(ns_getblocking(s)));
  show(ns_accept(s, &peer, NULL));

  /* A non-blocking connect() starts the connection and returns; poll()
     (Python: select.select) tells when it is done, and SO_ERROR how it
     went.  c.setblocking(False); c.connect(addr)
     select.select([], [c], [], 5); c.getsockopt(SOL_SOCKET, SO_ERROR) */
  check(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  check(ns_setblocking(c, false));
  printf("c.setblocking(False); c.connect():\n");
  show(ns_connect(c, &addr));
  struct pollfd pfd = {ns_fileno(c), POLLOUT, 0};
  int ready = poll(&pfd, 1, 5000);
  int so_error = -1;
  check(ns_getsockopt_int(c, SOL_SOCKET, SO_ERROR, &so_error));
  printf("  writable within 5 s: %s, SO_ERROR: %d\n", py_bool(ready == 1),
         so_error);

  /* The listener is non-blocking, but now a client is waiting.
     peer, _ = s.accept() */
  check(ns_accept(s, &peer, NULL));
  /* Nothing to read yet on the non-blocking socket.  c.recv(16) */
  printf("c.recv(16) with nothing to read:\n");
  show(ns_recv(c, buf, sizeof buf, 0, &n));

  /* With a timeout, a call that can finish at once does not wait.
     c.settimeout(2.0); peer.send(b'ping'); c.recv(16) */
  check(ns_settimeout(c, 2.0));
  check(ns_send(peer, "ping", 4, 0, &n));
  check(ns_recv(c, buf, sizeof buf, 0, &n));
  printf("c.settimeout(2.0): timeout %s, blocking %s; c.recv(16): b'%.*s'\n",
         py_timeout(ns_gettimeout(c), t, sizeof t), py_bool(ns_getblocking(c)),
         (int)n, buf);

  /* Back to blocking: timeout None.  c.setblocking(True) */
  check(ns_setblocking(c, true));
  printf("c.setblocking(True): timeout %s, blocking %s\n",
         py_timeout(ns_gettimeout(c), t, sizeof t), py_bool(ns_getblocking(c)));

  /* sendall() with a timeout: nobody reads, the buffers fill, and the
     timeout bounds the whole call, however many sends it made.
     c.settimeout(0.2); c.sendall(b'x' * (64 << 20)) */
  enum { LOTS = 64 << 20 };
  char *lots = calloc(1, LOTS);
  if (!lots) {
    fprintf(stderr, "MemoryError\n");
    return EXIT_FAILURE;
  }
  memset(lots, 'x', LOTS);
  check(ns_settimeout(c, 0.2));
  printf("c.settimeout(0.2); c.sendall() of 64 MiB that nobody reads:\n");
  show(ns_sendall(c, lots, LOTS, 0, &n));
  free(lots);

  /* The default timeout applies to sockets made afterwards.
     socket.setdefaulttimeout(1.5); socket.socket().gettimeout() */
  ns_socket *d;
  check(ns_setdefaulttimeout(1.5));
  check(ns_socket_create(&d, AF_INET, SOCK_STREAM, 0));
  printf("socket.setdefaulttimeout(1.5): a new socket: timeout %s, "
         "blocking %s\n",
         py_timeout(ns_gettimeout(d), t, sizeof t), py_bool(ns_getblocking(d)));

  check(ns_close(d));
  check(ns_close(peer));
  check(ns_close(c));
  check(ns_close(s));
  return EXIT_SUCCESS;
}
