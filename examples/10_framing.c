/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Framing: length-prefixed messages over a TCP byte stream </DESC>
 *
 * Teaches the "half packet / sticky packet" (半包/粘包) problem that seed
 * 004 warns about (注意事项 5, 缓冲区管理): TCP carries a stream of bytes,
 * so two send()s can arrive as one recv() ("sticky"), and one send() can
 * take several recv()s ("half"). The cure is to frame each message: send
 * its length first, with sendall(), and read exactly that many bytes.
 * Seed 004 only names the problem; the Python this translates is quoted
 * in the comments (tests/interop/example10_framing.py runs it).
 *
 * Run:  10_framing    (one program: it talks to itself over loopback, the
 * sending half on a second thread)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netsock/netsock.h>

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

/* def send_msg(sock, data):
       sock.sendall(struct.pack('!I', len(data)) + data)
   The length goes first, as 4 bytes in network byte order (big-endian).
   sendall() is needed: send() may take only part of the bytes. */
static ns_err send_msg(ns_socket *sock, const void *data, uint32_t len)
{
  unsigned char header[4] = {(unsigned char)(len >> 24),
                             (unsigned char)(len >> 16),
                             (unsigned char)(len >> 8), (unsigned char)len};
  ns_err err = ns_sendall(sock, header, sizeof header, 0, NULL);
  if (err == NS_OK)
    err = ns_sendall(sock, data, len, 0, NULL);
  return err;
}

/* def recv_exact(sock, n):
       buf = b''
       while len(buf) < n:
           chunk = sock.recv(n - len(buf))
           if not chunk:
               return None          # the peer closed
           buf += chunk
       return buf
   recv() returns what has arrived, anything from 1 byte to n: loop until
   there are n. Sets *closed when the peer closed first. (libnetsock also
   has this loop as ns_recv_exact().) */
static ns_err recv_exact(ns_socket *sock, void *buf, size_t n, bool *closed)
{
  size_t have = 0;
  *closed = false;
  while (have < n) {
    size_t got;
    ns_err err = ns_recv(sock, (char *)buf + have, n - have, 0, &got);
    if (err != NS_OK)
      return err;
    if (got == 0) {
      *closed = true;
      return NS_OK;
    }
    have += got;
  }
  return NS_OK;
}

/* def recv_msg(sock):
       header = recv_exact(sock, 4)
       if header is None:
           return None
       n, = struct.unpack('!I', header)
       return recv_exact(sock, n)
   Returns a malloc()ed message in *out (NULL once the peer has closed). */
static ns_err recv_msg(ns_socket *sock, unsigned char **out, uint32_t *len)
{
  unsigned char header[4];
  bool closed;
  *out = NULL;
  ns_err err = recv_exact(sock, header, sizeof header, &closed);
  if (err != NS_OK || closed)
    return err;
  *len = (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16 |
         (uint32_t)header[2] << 8 | header[3];
  unsigned char *data = malloc(*len ? *len : 1);
  if (!data) {
    fprintf(stderr, "MemoryError\n");
    exit(EXIT_FAILURE);
  }
  err = recv_exact(sock, data, *len, &closed);
  if (err != NS_OK || closed) {
    free(data);
    return err;
  }
  *out = data;
  return NS_OK;
}

enum { BIG = 4 * 1024 * 1024 };

static unsigned char pattern(size_t i)
{
  return (unsigned char)(i * 7 % 251);
}

/* The sending half, on its own thread: a 4 MiB message does not fit in the
   socket buffers, so it cannot be sent by the thread that receives it. */
static void *sender(void *arg)
{
  ns_socket *a = arg;
  static const char *const texts[] = {"hello", "world", "", "你好"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    check(send_msg(a, texts[i], (uint32_t)strlen(texts[i])));
  unsigned char *big = malloc(BIG);
  if (!big) {
    fprintf(stderr, "MemoryError\n");
    exit(EXIT_FAILURE);
  }
  for (size_t i = 0; i < BIG; i++)
    big[i] = pattern(i);
  check(send_msg(a, big, BIG));
  free(big);
  check(send_msg(a, "bye", 3));
  /* a.close(): the receiver sees the end after the last message */
  check(ns_close(a));
  return NULL;
}

int main(void)
{
  ns_socket *listener, *a, *b;
  ns_addr addr;
  char buf[1024];
  size_t n, sent;

  /* A connected pair over loopback: a sends, b receives. */
  check(ns_socket_create(&listener, AF_INET, SOCK_STREAM, 0));
  check(ns_addr_inet(&addr, "127.0.0.1", 0));
  check(ns_bind(listener, &addr));
  check(ns_listen(listener, 1));
  check(ns_getsockname(listener, &addr));
  check(ns_socket_create(&a, AF_INET, SOCK_STREAM, 0));
  check(ns_connect(a, &addr));
  check(ns_accept(listener, &b, NULL));
  check(ns_close(listener));

  /* Sticky: two messages, one recv().
     a.send(b'hello'); a.send(b'world')
     b.recv(10, socket.MSG_PEEK | socket.MSG_WAITALL)
     b.recv(1024)
     The peek waits until both have arrived, without taking them, so that
     this shows the same thing every time. Real programs get them together
     often, and apart sometimes: either way they must not assume one. */
  check(ns_send(a, "hello", 5, 0, &sent));
  check(ns_send(a, "world", 5, 0, &sent));
  check(ns_recv(b, buf, 10, MSG_PEEK | MSG_WAITALL, &n));
  check(ns_recv(b, buf, sizeof buf, 0, &n));
  printf("two send()s, one recv(1024): b'%.*s'\n", (int)n, buf);

  /* Half: one message, several recv()s.
     a.send(b'hello world'); b.recv(5); b.recv(1024) */
  check(ns_send(a, "hello world", 11, 0, &sent));
  check(ns_recv(b, buf, 5, 0, &n));
  printf("one send(), recv(5): b'%.*s'\n", (int)n, buf);
  check(ns_recv(b, buf, sizeof buf, 0, &n));
  printf("and the next recv(1024): b'%.*s'\n", (int)n, buf);

  /* The cure: every message framed, read back one by one.
     threading.Thread(target=sender, args=(a,)).start()
     while (data := recv_msg(b)) is not None: ... */
  pthread_t thread;
  if (pthread_create(&thread, NULL, sender, a) != 0) {
    fprintf(stderr, "RuntimeError: can't start new thread\n");
    return EXIT_FAILURE;
  }
  for (;;) {
    unsigned char *data;
    uint32_t len;
    check(recv_msg(b, &data, &len));
    if (!data) {
      printf("the sender closed the connection: no more messages\n");
      break;
    }
    if (len < 64) {
      printf("message of %u bytes: '%.*s'\n", (unsigned)len, (int)len,
             (const char *)data);
    } else {
      size_t bad = 0;
      for (size_t i = 0; i < len; i++)
        bad += data[i] != pattern(i);
      printf("message of %u bytes: %s\n", (unsigned)len,
             bad ? "DAMAGED" : "every byte as sent");
    }
    free(data);
  }
  pthread_join(thread, NULL);
  check(ns_close(b));
  return EXIT_SUCCESS;
}
