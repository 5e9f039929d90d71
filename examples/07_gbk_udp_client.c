/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A UDP client that says "hello" in GBK and prints the answer </DESC>
 *
 * Teaches the other half of example 7's UDP exchange: text is encoded
 * before sendto and decoded after recvfrom, here with iconv(3) (on
 * Windows with its code pages).
 * Translates the UDP Client of seed 003; each Python line is quoted above
 * the C that does the same.
 *
 * Run:  07_gbk_udp_client [HOST [PORT]]   (default 127.0.0.1 8080)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netsock/netsock.h>

/* iconv(3) converts between encodings; Windows has none, and converts
   through UTF-16 with its code pages instead (936 is GBK). */
#ifdef _WIN32
#include <windows.h>
#else
#include <iconv.h>
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

/* Python prints an IPv4 address as the tuple ('127.0.0.1', 54321). */
static const char *tuple(const ns_addr *addr, char *buf, size_t size)
{
  char host[NS_ADDR_STRLEN];
  check(ns_addr_host(addr, host, sizeof host));
  snprintf(buf, size, "('%s', %d)", host, ns_addr_port(addr));
  return buf;
}

/* Convert `len` bytes of text from one encoding to another: Python's
   .encode(to) when `from` is "UTF-8", .decode(from) when `to` is. */
static size_t recode(const char *to, const char *from, const char *in,
                     size_t len, char *out, size_t size)
{
#ifdef _WIN32
  UINT cp_to = strcmp(to, "UTF-8") == 0 ? CP_UTF8
               : strcmp(to, "GBK") == 0 ? 936
                                        : 0;
  UINT cp_from = strcmp(from, "UTF-8") == 0 ? CP_UTF8
                 : strcmp(from, "GBK") == 0 ? 936
                                            : 0;
  if (cp_to == 0 || cp_from == 0) {
    fprintf(stderr, "LookupError: unknown encoding: %s\n",
            strcmp(to, "UTF-8") == 0 ? from : to);
    exit(EXIT_FAILURE);
  }
  wchar_t wide[4096];
  int wn = len == 0 ? 0
                    : MultiByteToWideChar(cp_from, MB_ERR_INVALID_CHARS, in,
                                          (int)len, wide, 4096);
  int n = wn == 0 ? 0
                  : WideCharToMultiByte(cp_to, 0, wide, wn, out, (int)size,
                                        NULL, NULL);
  if (len != 0 && n == 0) {
    fprintf(stderr, "UnicodeError: cannot convert %s to %s\n", from, to);
    exit(EXIT_FAILURE);
  }
  return (size_t)n;
#else
  iconv_t cd = iconv_open(to, from);
  if (cd == (iconv_t)-1) {
    fprintf(stderr, "LookupError: unknown encoding: %s\n",
            strcmp(to, "UTF-8") == 0 ? from : to);
    exit(EXIT_FAILURE);
  }
  char *inp = (char *)in, *outp = out;
  size_t in_left = len, out_left = size;
  if (iconv(cd, &inp, &in_left, &outp, &out_left) == (size_t)-1) {
    fprintf(stderr, "UnicodeError: cannot convert %s to %s\n", from, to);
    exit(EXIT_FAILURE);
  }
  iconv_close(cd);
  return size - out_left;
#endif
}

int main(int argc, char **argv)
{
  const char *host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? atoi(argv[2]) : 8080;
  ns_socket *udp_socket_client;
  ns_addr addr, ip_port;
  char text[NS_ADDR_STRLEN + 16];
  size_t n, sent;

  /* udp_socket_client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) */
  check(ns_socket_create(&udp_socket_client, AF_INET, SOCK_DGRAM, 0));
  /* udp_socket_client.sendto("hello".encode("GBK"), ("127.0.0.1", 8080)) */
  char gbk[64];
  n = recode("GBK", "UTF-8", "hello", 5, gbk, sizeof gbk);
  check(ns_addr_inet(&addr, host, port));
  check(ns_sendto(udp_socket_client, gbk, n, 0, &addr, &sent));

  /* recv_data, ip_port = udp_socket_client.recvfrom(1024) */
  char recv_data[1024], recv_str[4 * 1024];
  check(ns_recvfrom(udp_socket_client, recv_data, sizeof recv_data, 0, &n,
                    &ip_port));
  /* print("服务端回复信息：%s" % recv_data.decode("GBK")) */
  n = recode("UTF-8", "GBK", recv_data, n, recv_str, sizeof recv_str);
  printf("服务端回复信息：%.*s\n", (int)n, recv_str);
  /* print("服务端IP及端口", ip_port) */
  printf("服务端IP及端口 %s\n", tuple(&ip_port, text, sizeof text));

  /* udp_socket_client.close() */
  check(ns_close(udp_socket_client));
  return EXIT_SUCCESS;
}
