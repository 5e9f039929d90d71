/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Errors: the tutorial's exception table, provoked on loopback </DESC>
 *
 * Teaches how libnetsock reports failure. Every call returns an ns_err,
 * NS_OK (0) or the code of the Python exception class that the same
 * failure raises in Python. ns_error_name() is the class's name,
 * ns_error_last_message() is str(exc), and ns_error_is() is isinstance():
 * every OS error is an OSError (Python 3's socket.error), and the four
 * connection errors are ConnectionErrors.
 * Translates the table of seed 000, section 1.4 (socket异常), row by row;
 * tests/interop/example09_errors.py does the same in Python, and the
 * interop test checks that both print the same.
 *
 * Run:  09_errors    (it needs only the loopback interface)
 */
#include <errno.h>
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

/* except OSError as e:
     print(type(e).__name__, e, isinstance(e, OSError), ...) */
static void show(const char *what, ns_err err)
{
  printf("%s\n", what);
  if (err == NS_OK) {
    printf("  no error\n");
    return;
  }
  printf("  %s: %s (OSError: %s, ConnectionError: %s)\n", ns_error_name(err),
         ns_error_last_message(),
         ns_error_is(err, NS_ERR_OS) ? "True" : "False",
         ns_error_is(err, NS_ERR_CONNECTION) ? "True" : "False");
}

/* A connected pair over loopback: listener, client and accepted server. */
static void tcp_pair(ns_socket **listener, ns_socket **client,
                     ns_socket **server)
{
  ns_addr addr;
  check(ns_socket_create(listener, AF_INET, SOCK_STREAM, 0));
  check(ns_addr_inet(&addr, "127.0.0.1", 0));
  check(ns_bind(*listener, &addr));
  check(ns_listen(*listener, 1));
  check(ns_getsockname(*listener, &addr));
  check(ns_socket_create(client, AF_INET, SOCK_STREAM, 0));
  check(ns_connect(*client, &addr));
  check(ns_accept(*listener, server, NULL));
}

int main(void)
{
  ns_socket *listener, *client, *server, *s;
  ns_addr addr;
  char buf[16];
  size_t n;

  /* socket.error: Python 3 made it another name for OSError. Each error
     below is one (show() prints isinstance(e, OSError)), except the last
     two, which are about bad arguments. */
  printf("socket.error is OSError: True\n");

  /* socket.timeout (Python 3.10: TimeoutError): nothing arrives in time.
     c.settimeout(0.1); c.recv(16) */
  tcp_pair(&listener, &client, &server);
  check(ns_settimeout(client, 0.1));
  show("socket.timeout: recv() with a 0.1 s timeout on a quiet connection",
       ns_recv(client, buf, sizeof buf, 0, &n));

  /* ConnectionResetError: the peer closes with SO_LINGER {on, 0 s}, which
     sends RST instead of FIN.
     a.setsockopt(SOL_SOCKET, SO_LINGER, struct.pack('ii', 1, 0))
     a.close(); c.recv(16) */
  struct linger abort_on_close = {1, 0};
  check(ns_setsockopt(server, SOL_SOCKET, SO_LINGER, &abort_on_close,
                      sizeof abort_on_close));
  check(ns_close(server));
  show("ConnectionResetError: recv() after the peer reset the connection",
       ns_recv(client, buf, sizeof buf, 0, &n));
  /* BrokenPipeError: writing to a connection that is gone. libnetsock, like
     Python, never lets SIGPIPE kill the program.  c.send(b'x') */
  show("BrokenPipeError: send() on the connection that was reset",
       ns_send(client, "x", 1, 0, &n));
  check(ns_close(client));

  /* ConnectionRefusedError: nobody listens on the port. The listener goes
     away first, so that its port is surely closed.
     s.connect(('127.0.0.1', port)) */
  check(ns_getsockname(listener, &addr));
  check(ns_close(listener));
  check(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  show("ConnectionRefusedError: connect() to a port where nobody listens",
       ns_connect(s, &addr));
  check(ns_close(s));

  /* ConnectionAbortedError: Linux never reports ECONNABORTED on loopback
     (it comes from accept() on other systems, and from Windows), so we
     only show its class: type(OSError(errno.ECONNABORTED, '')).__name__ */
  printf("ConnectionAbortedError: ECONNABORTED, which Linux does not give "
         "on loopback\n");
  printf("  errno %d is a %s\n", ECONNABORTED,
         ns_error_name(ns_error_from_errno(ECONNABORTED)));

  /* "NotConnectedError" is no Python class: the error is an OSError with
     errno ENOTCONN.  socket.socket().recv(16) */
  check(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  show("not connected: recv() on a socket that never connected",
       ns_recv(s, buf, sizeof buf, 0, &n));
  check(ns_close(s));

  /* socket.gaierror: getaddrinfo() fails. Here without any name server:
     an IPv6 socket is given an IPv4 address.
     socket.socket(AF_INET6).connect(('127.0.0.1', 80)) */
  check(ns_socket_create(&s, AF_INET6, SOCK_STREAM, 0));
  show("socket.gaierror: an IPv4 address for an IPv6 socket",
       ns_addr_inet6(&addr, "127.0.0.1", 80, 0, 0));
  check(ns_close(s));

  /* Not in the table, but every beginner meets it: the port is taken.
     s2.bind(s1.getsockname()) */
  ns_socket *s1, *s2;
  check(ns_socket_create(&s1, AF_INET, SOCK_STREAM, 0));
  check(ns_addr_inet(&addr, "127.0.0.1", 0));
  check(ns_bind(s1, &addr));
  check(ns_listen(s1, 1));
  check(ns_getsockname(s1, &addr));
  check(ns_socket_create(&s2, AF_INET, SOCK_STREAM, 0));
  show("OSError: bind() to a port that another socket listens on",
       ns_bind(s2, &addr));
  check(ns_close(s1));

  /* Bad arguments are not OSErrors. A port out of range is an
     OverflowError: ns_addr_inet() refuses it, and the empty address it
     leaves makes bind() fail as Python's does.
     s2.bind(('127.0.0.1', 70000)) */
  ns_addr_inet(&addr, "127.0.0.1", 70000);
  show("OverflowError: bind() to port 70000", ns_bind(s2, &addr));
  /* s2.settimeout(-2) */
  show("ValueError: a negative timeout", ns_settimeout(s2, -2.0));
  check(ns_close(s2));
  return EXIT_SUCCESS;
}
