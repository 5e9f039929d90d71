/* SPDX-License-Identifier: MIT */
/*
 * An echo server driven by one poller serves 1000 concurrent loopback
 * clients, themselves driven by a second poller. All 1000 connections are
 * open at once before the first byte moves; every byte echoed is checked
 * against what was sent; a few clients send 256 KiB so that the server's
 * writes fall behind and it must wait for NS_EVENT_WRITE. Run on both
 * backends. Bounded: every wait is limited, and the whole run must end
 * within a minute.
 */
#include "ns_test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

enum {
  CLIENTS = 1000,
  CHUNK = 65536,
  BIG = 256 * 1024, /* every 100th client */
  WAIT_S = 10,      /* longest a wait may take before the test fails */
  RUN_S = 60,       /* longest the whole run may take */
};

#if HAVE_EPOLL
static int epoll_backend = NS_POLLER_EPOLL;
#endif
static int poll_backend = NS_POLLER_POLL;

static unsigned char expected(size_t client, size_t off)
{
  return (unsigned char)(client * 31 + off * 17 + (off >> 8));
}

static size_t message_size(size_t client)
{
  return client % 100 == 0 ? BIG : 1 + (client * 7919) % 20000;
}

/* ---- the server ---------------------------------------------------------- */

typedef struct conn {
  ns_socket *s;
  size_t len, off; /* bytes read but not yet echoed: buf[off, len) */
  unsigned char buf[16384];
} conn;

typedef struct server {
  int backend;
  ns_socket *listener;
  size_t closed;
  size_t max_open;
  size_t backpressure; /* times an echo had to wait for NS_EVENT_WRITE */
  const char *failure; /* NULL while all is well */
  pthread_t th;
} server;

/* Echo what is pending; NS_OK even when the socket is full. */
static ns_err flush(conn *c, bool *blocked)
{
  *blocked = false;
  while (c->off < c->len) {
    size_t n;
    ns_err err = ns_send(c->s, c->buf + c->off, c->len - c->off, 0, &n);
    if (err == NS_ERR_BLOCKING_IO) {
      *blocked = true;
      return NS_OK;
    }
    if (err)
      return err;
    c->off += n;
  }
  c->off = c->len = 0;
  return NS_OK;
}

static void *serve(void *arg)
{
  server *sv = arg;
  ns_poller *p;
  if (ns_poller_create(&p, sv->backend) ||
      ns_poller_register(p, sv->listener, NS_EVENT_READ, NULL)) {
    sv->failure = "server: poller setup failed";
    return NULL;
  }
  static ns_poller_event ev[256];
  size_t open = 0;
  double end = ns_test_now() + ns_test_slack(RUN_S);
  while (sv->closed < CLIENTS && !sv->failure) {
    size_t n;
    if (ns_poller_wait(p, ev, 256, ns_test_slack(WAIT_S), &n) || n == 0 ||
        ns_test_now() > end) {
      sv->failure = "server: stalled";
      break;
    }
    for (size_t i = 0; i < n && !sv->failure; i++) {
      conn *c = ev[i].data;
      if (!c) { /* the listener: take every pending connection */
        for (;;) {
          ns_socket *s;
          ns_err err = ns_accept(sv->listener, &s, NULL);
          if (err == NS_ERR_BLOCKING_IO)
            break;
          c = err ? NULL : calloc(1, sizeof *c);
          /* A small send buffer makes the big echoes wait for room. */
          if (!c || ns_setblocking(s, false) ||
              ns_setsockopt_int(s, SOL_SOCKET, SO_SNDBUF, 8192) ||
              ns_poller_register(p, s, NS_EVENT_READ, c)) {
            sv->failure = "server: accept failed";
            free(c);
            if (!err)
              ns_close(s);
            break;
          }
          c->s = s;
          if (++open > sv->max_open)
            sv->max_open = open;
        }
        continue;
      }
      bool blocked;
      if (ev[i].events & NS_EVENT_WRITE) {
        /* Room again: finish the echo, then read again. */
        if (flush(c, &blocked)) {
          sv->failure = "server: send failed";
          break;
        }
        if (!blocked && ns_poller_modify(p, c->s, NS_EVENT_READ, c))
          sv->failure = "server: modify failed";
        continue;
      }
      size_t got;
      ns_err err = ns_recv(c->s, c->buf, sizeof c->buf, 0, &got);
      if (err == NS_ERR_BLOCKING_IO)
        continue;
      if (err) {
        sv->failure = "server: recv failed";
        break;
      }
      if (got == 0) { /* the client is done */
        ns_poller_unregister(p, c->s);
        ns_close(c->s);
        free(c);
        open--;
        sv->closed++;
        continue;
      }
      c->len = got;
      c->off = 0;
      if (flush(c, &blocked)) {
        sv->failure = "server: send failed";
        break;
      }
      /* Stop reading until the echo is out: backpressure. */
      if (blocked) {
        sv->backpressure++;
        if (ns_poller_modify(p, c->s, NS_EVENT_WRITE, c))
          sv->failure = "server: modify failed";
      }
    }
  }
  ns_poller_close(p);
  return NULL;
}

/* ---- the clients --------------------------------------------------------- */

typedef struct client {
  size_t id;
  ns_socket *s;
  size_t size, sent, echoed;
} client;

static void run_clients(client *cl, int backend, const ns_addr *addr,
                        server *sv)
{
  /* Every connection first: all 1000 are open at once. */
  for (size_t i = 0; i < CLIENTS; i++) {
    cl[i].id = i;
    cl[i].size = message_size(i);
    assert_ns_ok(ns_socket_create(&cl[i].s, AF_INET, SOCK_STREAM, 0));
    assert_ns_ok(ns_connect(cl[i].s, addr));
    assert_ns_ok(ns_setblocking(cl[i].s, false));
  }
  ns_poller *p;
  assert_ns_ok(ns_poller_create(&p, backend));
  for (size_t i = 0; i < CLIENTS; i++)
    assert_ns_ok(
        ns_poller_register(p, cl[i].s, NS_EVENT_READ | NS_EVENT_WRITE, &cl[i]));

  static unsigned char buf[CHUNK];
  static ns_poller_event ev[512];
  size_t done = 0;
  double end = ns_test_now() + ns_test_slack(RUN_S);
  while (done < CLIENTS) {
    size_t n;
    assert_ns_ok(ns_poller_wait(p, ev, 512, ns_test_slack(WAIT_S), &n));
    if (n == 0 || ns_test_now() > end)
      fail_msg("clients stalled: %zu of %d done; %s", done, CLIENTS,
               sv->failure ? sv->failure : "server fine");
    for (size_t i = 0; i < n; i++) {
      client *c = ev[i].data;
      if ((ev[i].events & NS_EVENT_WRITE) && c->sent < c->size) {
        size_t k = c->size - c->sent < CHUNK ? c->size - c->sent : CHUNK;
        for (size_t j = 0; j < k; j++)
          buf[j] = expected(c->id, c->sent + j);
        size_t m;
        ns_err err = ns_send(c->s, buf, k, 0, &m);
        if (err != NS_ERR_BLOCKING_IO) {
          assert_ns_ok(err);
          c->sent += m;
        }
        if (c->sent == c->size)
          assert_ns_ok(ns_poller_modify(p, c->s, NS_EVENT_READ, c));
      }
      if (ev[i].events & NS_EVENT_READ) {
        size_t m;
        ns_err err = ns_recv(c->s, buf, sizeof buf, 0, &m);
        if (err == NS_ERR_BLOCKING_IO)
          continue;
        assert_ns_ok(err);
        if (m == 0)
          fail_msg("client %zu: server closed after %zu of %zu bytes", c->id,
                   c->echoed, c->size);
        for (size_t j = 0; j < m; j++)
          if (buf[j] != expected(c->id, c->echoed + j))
            fail_msg("client %zu: byte %zu is wrong", c->id, c->echoed + j);
        c->echoed += m;
        assert_true(c->echoed <= c->sent);
        if (c->echoed == c->size) {
          assert_ns_ok(ns_poller_unregister(p, c->s));
          assert_ns_ok(ns_close(c->s));
          c->s = NULL;
          done++;
        }
      }
    }
  }
  assert_int_equal(ns_poller_count(p), 0);
  assert_ns_ok(ns_poller_close(p));
}

/* Room for both ends of every connection, or skip. */
static void ensure_fd_room(void)
{
  struct rlimit rl;
  assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
  rlim_t need = 2 * CLIENTS + 64;
  if (rl.rlim_cur >= need)
    return;
  if (rl.rlim_max < need) {
    print_message("RLIMIT_NOFILE hard limit %lu < %lu: skipping\n",
                  (unsigned long)rl.rlim_max, (unsigned long)need);
    skip();
  }
  rl.rlim_cur = need;
  assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

static void test_poller_load__echo_1000_clients(void **state)
{
  ensure_fd_room();
  int backend = *(int *)*state;
  double t0 = ns_test_now();
  server sv;
  memset(&sv, 0, sizeof sv);
  sv.backend = backend;
  ns_addr addr = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_socket_create(&sv.listener, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_bind(sv.listener, &addr));
  assert_ns_ok(ns_listen(sv.listener, CLIENTS + 24));
  assert_ns_ok(ns_getsockname(sv.listener, &addr));
  assert_ns_ok(ns_setblocking(sv.listener, false));
  assert_int_equal(pthread_create(&sv.th, NULL, serve, &sv), 0);

  client *cl = calloc(CLIENTS, sizeof *cl);
  assert_non_null(cl);
  run_clients(cl, backend, &addr, &sv);
  pthread_join(sv.th, NULL);
  if (sv.failure)
    fail_msg("%s", sv.failure);
  assert_int_equal(sv.closed, CLIENTS);
  /* They were all open together at some point. */
  assert_true(sv.max_open >= CLIENTS / 2);
  assert_true(sv.backpressure > 0);
  free(cl);
  assert_ns_ok(ns_close(sv.listener));
  print_message("%s: %d clients echoed in %.2f s, %zu open at once, "
                "%zu echoes waited for room\n",
                backend == NS_POLLER_EPOLL ? "epoll" : "poll", CLIENTS,
                ns_test_now() - t0, sv.max_open, sv.backpressure);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
#if HAVE_EPOLL
    {"test_poller_load__echo_1000_clients/epoll",
     test_poller_load__echo_1000_clients, ns_test_fd_setup, ns_test_fd_teardown,
     &epoll_backend},
#endif
    {"test_poller_load__echo_1000_clients/poll",
     test_poller_load__echo_1000_clients, ns_test_fd_setup, ns_test_fd_teardown,
     &poll_backend},
  };
  return cmocka_run_group_tests_name("poller_load", tests, NULL, NULL);
}
