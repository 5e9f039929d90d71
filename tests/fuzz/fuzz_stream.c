/* SPDX-License-Identifier: MIT */
/*
 * A peer that does anything: the input is a little program of operations
 * on a socketpair, one end a libnetsock handle in non-blocking mode (so no
 * call can hang), the other a raw descriptor playing the peer. The peer
 * writes arbitrary bytes, half-closes, closes with unread data (which
 * resets the connection) or reads; our side calls ns_recv (with and
 * without MSG_PEEK), ns_recv_exact, ns_recvmsg over two buffers, ns_send,
 * ns_sendall, ns_shutdown and reads the rest through ns_makefile().
 *
 * A model of both queues predicts every result: byte counts, the bytes
 * themselves, EOF, ConnectionResetError, BrokenPipeError, BlockingIOError,
 * the partial count of an exact read. Stream mode (AF_UNIX SOCK_STREAM) and
 * datagram mode (SOCK_DGRAM: boundaries, truncation, MSG_TRUNC) are both
 * covered. Every buffer is malloc'd to its exact size.
 */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <netsock/netsock.h>

enum {
  MAX_OPS = 200,
  MAX_BYTES = 32768, /* queued in either direction */
  MAX_MSGS = 32,     /* datagrams queued in either direction */
  MAX_LEN = 8192     /* one operation's length */
};

/* The input, read as a program. */
typedef struct input {
  const uint8_t *p;
  size_t n;
} input;

static unsigned next_byte(input *in)
{
  if (!in->n)
    return 0;
  in->n--;
  return *in->p++;
}

static size_t next_len(input *in)
{
  size_t v = next_byte(in);
  v |= (size_t)next_byte(in) << 8;
  return v % (MAX_LEN + 1);
}

/* Up to `want` bytes of payload taken from the input. */
static size_t next_bytes(input *in, size_t want, const uint8_t **out)
{
  if (want > in->n)
    want = in->n;
  *out = in->p;
  in->p += want;
  in->n -= want;
  return want;
}

/* One direction: bytes in order, and for datagrams their boundaries. */
typedef struct queue {
  uint8_t bytes[MAX_BYTES];
  size_t len;
  size_t msg[MAX_MSGS];
  size_t n_msgs;
  size_t writes;
} queue;

static void push(queue *q, const uint8_t *d, size_t k)
{
  memcpy(q->bytes + q->len, d, k);
  q->len += k;
  q->msg[q->n_msgs++] = k;
  q->writes++;
}

/* Drop k bytes from the front (stream), or the first datagram. */
static void pop_bytes(queue *q, size_t k)
{
  memmove(q->bytes, q->bytes + k, q->len - k);
  q->len -= k;
}

static void pop_msg(queue *q)
{
  pop_bytes(q, q->msg[0]);
  memmove(q->msg, q->msg + 1, (q->n_msgs - 1) * sizeof q->msg[0]);
  q->n_msgs--;
}

typedef struct world {
  bool dgram;
  ns_socket *us;
  int peer;       /* -1 once the peer has closed */
  queue to_us;    /* written by the peer, not yet read by us */
  queue to_peer;  /* sent by us, not yet read by the peer */
  bool peer_shut; /* the peer half-closed: EOF after to_us */
  bool reset;     /* the peer closed with our data unread */
  bool us_shut;   /* we half-closed */
} world;

static uint8_t *exact_buf(size_t len)
{
  uint8_t *b = malloc(len ? len : 1);
  FUZZ_CHECK(b);
  return b;
}

static bool peer_gone(const world *w)
{
  return w->peer < 0;
}

/* What a receive of `len` bytes must return, and the model after it. */
typedef struct expect_recv {
  ns_err code;
  size_t n;
  bool trunc;
} expect_recv;

static expect_recv model_recv(world *w, size_t len)
{
  expect_recv x = {NS_OK, 0, false};
  queue *q = &w->to_us;
  if (w->dgram) {
    if (q->n_msgs == 0) {
      x.code = NS_ERR_BLOCKING_IO;
      return x;
    }
    x.n = q->msg[0] < len ? q->msg[0] : len;
    x.trunc = q->msg[0] > len;
    return x;
  }
  /* A zero-length read still wants one byte (the kernel's low-water mark
     is at least 1): it returns 0 at once only when data is queued. */
  if (q->len) {
    x.n = q->len < len ? q->len : len;
    return x;
  }
  if (w->reset) {
    /* The kernel reports it once, to a peek as well. */
    x.code = NS_ERR_CONNECTION_RESET;
    w->reset = false;
    return x;
  }
  if (w->peer_shut || peer_gone(w))
    return x; /* EOF */
  x.code = NS_ERR_BLOCKING_IO;
  return x;
}

static void consume(world *w, const expect_recv *x, bool peek)
{
  if (peek || x->code)
    return;
  if (w->dgram)
    pop_msg(&w->to_us);
  else
    pop_bytes(&w->to_us, x->n);
}

static void check_recv(world *w, size_t len, int flags)
{
  bool peek = flags & MSG_PEEK;
  uint8_t *buf = exact_buf(len);
  size_t n = (size_t)-1;
  ns_err e = ns_recv(w->us, buf, len, flags, &n);
  expect_recv x = model_recv(w, len);
  FUZZ_CHECK(e == x.code);
  if (e == NS_OK) {
    FUZZ_CHECK(n == x.n);
    FUZZ_CHECK(memcmp(buf, w->to_us.bytes, n) == 0);
  } else {
    FUZZ_CHECK(ns_error_last_message()[0] != '\0');
  }
  consume(w, &x, peek);
  free(buf);
}

static void check_recvmsg(world *w, size_t len)
{
  uint8_t *buf = exact_buf(len);
  size_t first = len / 3;
  struct iovec iov[2] = {{buf, first}, {buf + first, len - first}};
  size_t n = (size_t)-1;
  int mflags = -1;
  ns_err e = ns_recvmsg(w->us, iov, 2, NULL, 0, &n, &mflags, NULL);
  expect_recv x = model_recv(w, len);
  FUZZ_CHECK(e == x.code);
  if (e == NS_OK) {
    FUZZ_CHECK(n == x.n);
    FUZZ_CHECK(memcmp(buf, w->to_us.bytes, n) == 0);
    FUZZ_CHECK(!!(mflags & MSG_TRUNC) == x.trunc);
  }
  consume(w, &x, false);
  free(buf);
}

/* recv_exact: MSG_WAITALL reads on a non-blocking socket. */
static void check_recv_exact(world *w, size_t len)
{
  uint8_t *buf = exact_buf(len);
  size_t got = (size_t)-1;
  ns_err e = ns_recv_exact(w->us, buf, len, &got);
  queue *q = &w->to_us;
  ns_err want = NS_OK;
  size_t want_got = 0, used_msgs = 0;
  bool closed_msg = false;
  if (len == 0) {
    /* nothing to read, nothing read */
  } else if (w->dgram) {
    /* One datagram per read, each cut to what is still wanted; an empty
       one reads as the end of the stream. The bytes a datagram carried
       beyond the cut are gone. */
    size_t at = 0;
    for (;;) {
      if (used_msgs == q->n_msgs) {
        want = NS_ERR_BLOCKING_IO;
        break;
      }
      size_t m = q->msg[used_msgs++];
      size_t take = m < len - want_got ? m : len - want_got;
      FUZZ_CHECK(got >= want_got + take);
      FUZZ_CHECK(memcmp(buf + want_got, q->bytes + at, take) == 0);
      at += m;
      want_got += take;
      if (m == 0) {
        want = NS_ERR_OS;
        closed_msg = true;
        break;
      }
      if (want_got == len)
        break;
    }
    for (size_t i = 0; i < used_msgs; i++)
      pop_msg(q);
  } else {
    want_got = q->len < len ? q->len : len;
    FUZZ_CHECK(got >= want_got);
    FUZZ_CHECK(memcmp(buf, q->bytes, want_got) == 0);
    pop_bytes(q, want_got);
    if (want_got < len) {
      /* A MSG_WAITALL read that took some bytes and then found the queue
         empty collects a pending reset with them, and the reset is lost. */
      if (w->reset && want_got == 0) {
        want = NS_ERR_CONNECTION_RESET;
      } else if (w->peer_shut || peer_gone(w)) {
        want = NS_ERR_OS;
        closed_msg = true;
      } else {
        want = NS_ERR_BLOCKING_IO;
      }
      w->reset = false;
    }
  }
  FUZZ_CHECK(e == want);
  FUZZ_CHECK(got == want_got);
  if (closed_msg) {
    char text[96];
    snprintf(text, sizeof text, "connection closed after %zu of %zu bytes",
             want_got, len);
    FUZZ_CHECK(strcmp(ns_error_last_message(), text) == 0);
    FUZZ_CHECK(ns_error_last_errno() == 0);
  }
  free(buf);
}

/* Our sends: refused after our shutdown or the peer's close, else whole
   (the model keeps the queues far below the socket buffers). */
static void check_send(world *w, input *in, bool all)
{
  const uint8_t *d;
  size_t k = next_bytes(in, next_len(in), &d);
  queue *q = &w->to_peer;
  if (q->len + k > MAX_BYTES || q->n_msgs == MAX_MSGS ||
      q->writes >= (size_t)MAX_MSGS * 4 || (!w->dgram && k == 0))
    return;
  uint8_t *buf = exact_buf(k);
  memcpy(buf, d, k);
  size_t n = (size_t)-1;
  ns_err e =
      all ? ns_sendall(w->us, buf, k, 0, &n) : ns_send(w->us, buf, k, 0, &n);
  free(buf);
  if (w->us_shut || (!w->dgram && peer_gone(w))) {
    FUZZ_CHECK(e == NS_ERR_BROKEN_PIPE);
    if (all)
      FUZZ_CHECK(n == 0);
    return;
  }
  FUZZ_CHECK(e == NS_OK);
  FUZZ_CHECK(n == k);
  push(q, d, k);
}

/* The peer reads what we sent, checking it. */
static void peer_read(world *w, size_t len)
{
  if (peer_gone(w))
    return;
  uint8_t *buf = exact_buf(len);
  ssize_t n = recv(w->peer, buf, len, MSG_DONTWAIT);
  queue *q = &w->to_peer;
  if (w->dgram) {
    if (q->n_msgs == 0) {
      FUZZ_CHECK(n < 0 && errno == EAGAIN);
    } else {
      size_t want = q->msg[0] < len ? q->msg[0] : len;
      FUZZ_CHECK(n == (ssize_t)want);
      FUZZ_CHECK(memcmp(buf, q->bytes, want) == 0);
      pop_msg(q);
    }
  } else if (q->len) {
    size_t want = q->len < len ? q->len : len;
    FUZZ_CHECK(n == (ssize_t)want);
    FUZZ_CHECK(memcmp(buf, q->bytes, want) == 0);
    pop_bytes(q, want);
  } else if (w->us_shut) {
    FUZZ_CHECK(n == 0);
  } else {
    FUZZ_CHECK(n < 0 && errno == EAGAIN);
  }
  free(buf);
}

static bool peer_write(world *w, input *in)
{
  const uint8_t *d;
  size_t k = next_bytes(in, next_len(in), &d);
  queue *q = &w->to_us;
  if (peer_gone(w) || w->peer_shut || q->len + k > MAX_BYTES ||
      q->n_msgs == MAX_MSGS || q->writes >= (size_t)MAX_MSGS * 4 ||
      (!w->dgram && k == 0))
    return true;
  ssize_t n = send(w->peer, d, k, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n != (ssize_t)k)
    return false; /* the harness's limits were not enough: stop here */
  push(q, d, k);
  return true;
}

/* Read everything left through a stdio stream: only once the peer has
   ended the stream, so the reads meet EOF instead of EAGAIN. */
static void check_makefile(world *w)
{
  if (w->dgram || w->reset || !(w->peer_shut || peer_gone(w)))
    return;
  FILE *f = NULL;
  FUZZ_CHECK(ns_makefile(w->us, "rb", &f) == NS_OK);
  size_t cap = w->to_us.len + 1;
  uint8_t *buf = exact_buf(cap);
  size_t got = fread(buf, 1, cap, f);
  FUZZ_CHECK(got == w->to_us.len);
  FUZZ_CHECK(memcmp(buf, w->to_us.bytes, got) == 0);
  FUZZ_CHECK(feof(f) && !ferror(f));
  fclose(f);
  free(buf);
  pop_bytes(&w->to_us, got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  input in = {data, size};
  static world w; /* large: not on the stack */
  memset(&w, 0, sizeof w);
  w.dgram = next_byte(&in) & 1;
  int sv[2];
  FUZZ_CHECK(socketpair(AF_UNIX,
                        (w.dgram ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC |
                            SOCK_NONBLOCK,
                        0, sv) == 0);
  FUZZ_CHECK(ns_fromfd(&w.us, sv[0]) == NS_OK);
  FUZZ_CHECK(ns_gettimeout(w.us) == 0.0);
  w.peer = sv[1];

  static int trace = -1;
  if (trace < 0)
    trace = getenv("FUZZ_TRACE") != NULL;
  for (int op = 0; op < MAX_OPS && in.n; op++) {
    unsigned code = next_byte(&in) % 12;
    if (trace)
      fprintf(stderr,
              "op %d: %u (to_us %zu bytes/%zu msgs, to_peer %zu, "
              "peer %s%s%s)\n",
              op, code, w.to_us.len, w.to_us.n_msgs, w.to_peer.len,
              peer_gone(&w) ? "closed" : "open", w.peer_shut ? " shut" : "",
              w.reset ? " reset" : "");
    switch (code) {
    case 0:
    case 1:
      if (!peer_write(&w, &in))
        goto done;
      break;
    case 2:
      if (!w.dgram && !peer_gone(&w)) {
        FUZZ_CHECK(shutdown(w.peer, SHUT_WR) == 0);
        w.peer_shut = true;
      }
      break;
    case 3:
      if (!w.dgram && !peer_gone(&w)) {
        /* Closing with our bytes unread resets the connection. */
        w.reset = w.to_peer.len > 0;
        close(w.peer);
        w.peer = -1;
        w.to_peer.len = 0;
        w.to_peer.n_msgs = 0;
      }
      break;
    case 4:
      check_recv(&w, next_len(&in), 0);
      break;
    case 5:
      check_recv(&w, next_len(&in), MSG_PEEK);
      break;
    case 6:
      check_recv_exact(&w, next_len(&in));
      break;
    case 7:
      check_recvmsg(&w, next_len(&in));
      break;
    case 8:
      check_send(&w, &in, true);
      break;
    case 9:
      check_send(&w, &in, false);
      break;
    case 10:
      peer_read(&w, next_len(&in));
      break;
    case 11:
      /* A shut or datagram pair reads; a stream pair reads or shuts. */
      if (w.dgram || w.us_shut || (next_byte(&in) & 1))
        check_makefile(&w);
      else {
        FUZZ_CHECK(ns_shutdown(w.us, SHUT_WR) == NS_OK);
        w.us_shut = true;
      }
      break;
    }
  }
done:
  FUZZ_CHECK(ns_close(w.us) == NS_OK);
  if (w.peer >= 0)
    close(w.peer);
  return 0;
}
