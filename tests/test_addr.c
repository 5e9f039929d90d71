/* SPDX-License-Identifier: MIT */
/* The ns_addr value type: construction, text in and out, raw sockaddrs. */
#include "ns_test.h"
#include "sockaddr.h"

#include <string.h>
#include <unistd.h>
#ifdef _WIN32
#include <iphlpapi.h> /* if_nametoindex, if_indextoname */
#else
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/wait.h>
#endif

/* The loopback interface's name: "lo" on Linux; on Windows the system's
   own ("loopback_0", or wine's "loopback_1"). */
static const char *lo_name(void)
{
#ifdef _WIN32
  static char name[IF_NAMESIZE + 1];
  for (unsigned i = 1; !name[0] && i < 64; i++)
    if (!if_indextoname(i, name) || strncmp(name, "loopback", 8) != 0)
      name[0] = '\0';
  return name;
#else
  return "lo";
#endif
}

/* `text` with its "%lo" zone spelled with this system's loopback name. */
static const char *with_lo(const char *text)
{
  static char out[4][NS_ADDR_STRLEN + 32];
  static unsigned next;
  char *o = out[next++ % 4];
  const char *zone = strstr(text, "%lo");
  if (!zone)
    return text;
  snprintf(o, sizeof out[0], "%.*s%%%s%s", (int)(zone - text), text, lo_name(),
           zone + 3);
  return o;
}

static void test_addr__inet_from_host_and_port(void **state)
{
  (void)state;
  ns_addr a;
  char host[64];
  assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 8080));
  assert_int_equal(ns_addr_family(&a), AF_INET);
  assert_int_equal(ns_addr_port(&a), 8080);
  assert_int_equal(a.len, sizeof(struct sockaddr_in));
  assert_ns_ok(ns_addr_host(&a, host, sizeof host));
  assert_string_equal(host, "127.0.0.1");

  /* Python's special hosts: '' is INADDR_ANY, '<broadcast>' broadcast. */
  assert_ns_ok(ns_addr_inet(&a, "", 0));
  assert_int_equal(a.u.in4.sin_addr.s_addr, htonl(INADDR_ANY));
  assert_ns_ok(ns_addr_inet(&a, "<broadcast>", 65535));
  assert_int_equal(a.u.in4.sin_addr.s_addr, htonl(INADDR_BROADCAST));
  assert_int_equal(ns_addr_port(&a), 65535);

  /* localhost comes from /etc/hosts: no DNS involved. */
  assert_ns_ok(ns_addr_inet(&a, "localhost", 7));
  assert_int_equal(a.u.in4.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
  assert_int_equal(ns_addr_port(&a), 7);
}

static void test_addr__port_out_of_range(void **state)
{
  (void)state;
  static const int bad[] = {-1, 65536, 70000, -65536};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ns_addr a;
    assert_ns_err(ns_addr_inet(&a, "127.0.0.1", bad[i]), NS_ERR_OVERFLOW);
    assert_last_message("port must be 0-65535.");
    assert_int_equal(ns_error_last_errno(), 0);
    assert_int_equal(ns_addr_family(&a), AF_UNSPEC);
    assert_ns_err(ns_addr_inet6(&a, "::1", bad[i], 0, 0), NS_ERR_OVERFLOW);
    assert_last_message("port must be 0-65535.");
  }
}

/* An address whose construction failed, passed on anyway, fails in the
   operation with Python's own message for that operation. */
static void test_addr__failed_address_explains_itself(void **state)
{
  (void)state;
  ns_socket *s;
  ns_addr a;
  size_t n;
  assert_ns_err(ns_addr_inet(&a, "127.0.0.1", 70000), NS_ERR_OVERFLOW);
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_DGRAM, 0));
  assert_ns_err(ns_bind(s, &a), NS_ERR_OVERFLOW);
  assert_last_message("bind(): port must be 0-65535.");
  assert_ns_err(ns_connect(s, &a), NS_ERR_OVERFLOW);
  assert_last_message("connect(): port must be 0-65535.");
  assert_ns_err(ns_sendto(s, "x", 1, 0, &a, &n), NS_ERR_OVERFLOW);
  assert_last_message("sendto(): port must be 0-65535.");

  assert_ns_err(ns_addr_inet6(&a, "::1", 1, 0x100000, 0), NS_ERR_OVERFLOW);
  assert_last_message("flowinfo must be 0-1048575.");
  assert_ns_err(ns_bind(s, &a), NS_ERR_OVERFLOW);
  assert_last_message("bind(): flowinfo must be 0-1048575.");

  ns_addr empty = NS_ADDR_INIT;
  assert_ns_err(ns_bind(s, &empty), NS_ERR_VALUE);
  assert_last_message("bind(): address is empty");
  assert_ns_err(ns_connect(s, NULL), NS_ERR_VALUE);
  assert_last_message("connect(): address is NULL");
  assert_ns_ok(ns_close(s));
}

static void test_addr__inet_bad_host(void **state)
{
  (void)state;
  ns_addr a;
  /* Not a host name at all: the resolver refuses it without a query. */
  assert_ns_err(ns_addr_inet(&a, "bad host!", 80), NS_ERR_GAIERROR);
  assert_int_equal(ns_error_last_errno(), EAI_NONAME);
  assert_last_gai_error(EAI_NONAME);
  /* The failed address is empty, whatever port it was asked for. */
  static const int ports[] = {80, 300, 600, 900};
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
    assert_ns_err(ns_addr_inet(&a, "bad host!", ports[i]), NS_ERR_GAIERROR);
    assert_int_equal(a.len, 0);
    /* ... and an operation given it fails as the constructor did. */
    assert_ns_err(ns_bind(s, &a), NS_ERR_GAIERROR);
    assert_int_equal(ns_error_last_errno(), EAI_NONAME);
    assert_last_gai_error(EAI_NONAME);
  }
  assert_ns_ok(ns_close(s));
  assert_ns_err(ns_addr_inet(NULL, "127.0.0.1", 80), NS_ERR_VALUE);
  assert_ns_err(ns_addr_inet(&a, NULL, 80), NS_ERR_VALUE);
}

static void test_addr__inet6(void **state)
{
  (void)state;
  ns_addr a;
  char text[NS_ADDR_STRLEN];
  assert_ns_ok(ns_addr_inet6(&a, "::1", 443, 5, 0));
  assert_int_equal(ns_addr_family(&a), AF_INET6);
  assert_int_equal(ns_addr_port(&a), 443);
  assert_int_equal(ntohl(a.u.in6.sin6_flowinfo), 5);
  assert_ns_ok(ns_addr_format(&a, text, sizeof text));
  assert_string_equal(text, "[::1]:443");

  unsigned lo = if_nametoindex(lo_name());
  assert_true(lo > 0);
  assert_ns_ok(ns_addr_inet6(&a, with_lo("fe80::1%lo"), 80, 0, 0));
  assert_int_equal(a.u.in6.sin6_scope_id, lo);
  assert_ns_ok(ns_addr_inet6(&a, "fe80::1", 80, 0, lo));
  assert_int_equal(a.u.in6.sin6_scope_id, lo);
  assert_ns_ok(ns_addr_format(&a, text, sizeof text));
  assert_string_equal(text, with_lo("[fe80::1%lo]:80"));
  assert_ns_ok(ns_addr_inet6(&a, "", 0, 0, 0));
  assert_true(IN6_IS_ADDR_UNSPECIFIED(&a.u.in6.sin6_addr));

  /* Text that is no numeric address goes to the resolver, as in Python:
     gaierror, and an empty address that fails the same way. */
  static const char *const not_numeric[] = {"fe80::1%nosuchif", "abcde::1",
                                            "[::1]", "::1%"};
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET6, SOCK_STREAM, 0));
  for (size_t i = 0; i < sizeof not_numeric / sizeof not_numeric[0]; i++) {
#ifdef _WIN32
    /* Where the resolver takes "[::1]" as ::1 (wine's does), so do Python
       and the library. */
    struct addrinfo hints = {.ai_family = AF_INET6}, *list;
    if (getaddrinfo(not_numeric[i], NULL, &hints, &list) == 0) {
      freeaddrinfo(list);
      continue;
    }
#endif
    assert_ns_ok(ns_addr_inet6(&a, "::1", 9, 0, 0));
    assert_ns_err(ns_addr_inet6(&a, not_numeric[i], 80, 0, 0), NS_ERR_GAIERROR);
    assert_int_equal(ns_error_last_errno(), EAI_NONAME);
    assert_int_equal(ns_addr_family(&a), AF_UNSPEC);
    assert_int_equal(a.len, 0);
    assert_ns_err(ns_connect(s, &a), NS_ERR_GAIERROR);
    assert_int_equal(ns_error_last_errno(), EAI_NONAME);
    assert_string_equal(ns_error_last_operation(), "connect");
    assert_last_gai_error(EAI_NONAME);
  }
  assert_ns_ok(ns_close(s));
}

/* Every failed constructor leaves an empty address that fails any
   operation with the constructor's own class, errno and message. */
static void test_addr__failed_constructors_explain_themselves(void **state)
{
  (void)state;
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_DGRAM, 0));
  ns_addr a;
  char want[256];
  size_t sent = 9;
  for (int i = 0; i < 4; i++) {
    assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 9));
    ns_err code;
    struct sockaddr_in bad = {0};
    bad.sin_family = AF_INET;
    switch (i) {
    case 0:
      code = ns_addr_parse(&a, "[::1]");
      break;
    case 1:
      code = ns_addr_parse(&a, "1.2.3.4:http");
      break;
    case 2:
      code = ns_addr_from_sockaddr(&a, (const struct sockaddr *)&bad, 3);
      break;
    default:
      code = ns_addr_unix(&a, NULL);
      break;
    }
    assert_int_not_equal(code, NS_OK);
    int sys_errno = ns_error_last_errno();
    snprintf(want, sizeof want, "%s", ns_error_last_message());
    assert_int_equal(a.len, 0);
    assert_int_equal(ns_addr_family(&a), AF_UNSPEC);
    assert_ns_err(ns_sendto(s, "x", 1, 0, &a, &sent), code);
    assert_int_equal(ns_error_last_errno(), sys_errno);
    assert_last_message(want);
    assert_ns_err(ns_connect(s, &a), code);
    assert_last_message(want);
    assert_int_equal(sent, 9);
  }
  assert_ns_ok(ns_close(s));
}

/* A hand-filled `len` that does not fit the family is refused by every
   reader, never read past. */
static void test_addr__bad_len_refused(void **state)
{
  (void)state;
  static const socklen_t bad_unix[] = {1, sizeof(struct sockaddr_un) + 1,
                                       sizeof(ns_addr), 0xffffffffu};
  char text[NS_ADDR_STRLEN];
  for (size_t i = 0; i < sizeof bad_unix / sizeof bad_unix[0]; i++) {
    ns_addr a = NS_ADDR_INIT;
    a.u.un.sun_family = AF_UNIX;
    memset(a.u.un.sun_path, 'x', sizeof a.u.un.sun_path);
    a.len = bad_unix[i];
    assert_ns_err(ns_addr_format(&a, text, sizeof text), NS_ERR_VALUE);
    snprintf(text, sizeof text,
             "ns_addr_format(): bad address length %u for family 1",
             (unsigned)bad_unix[i]);
    assert_last_message(text);
    assert_ns_err(ns_addr_host(&a, text, sizeof text), NS_ERR_VALUE);
    assert_false(ns_addr_equal(&a, &a));
    assert_int_equal(ns_addr_port(&a), -1);
    ns_socket *s = (ns_socket *)&s;
    assert_ns_err(ns_create_server(&s, &a, NULL), NS_ERR_VALUE);
    assert_null(s);
    assert_ns_err(ns_create_connection_addrs(&s, &a, 1, NULL), NS_ERR_VALUE);
    snprintf(text, sizeof text,
             "create_connection(): bad address length %u for family 1",
             (unsigned)bad_unix[i]);
    assert_last_message(text);
    /* (An AF_UNIX datagram socket where there is one: the address is
       refused before the system sees it either way.) */
    assert_ns_ok(ns_socket_create(
        &s, ns_test_have_unix(SOCK_DGRAM) ? AF_UNIX : AF_INET, SOCK_DGRAM, 0));
    assert_ns_err(ns_bind(s, &a), NS_ERR_VALUE);
    snprintf(text, sizeof text, "bind(): bad address length %u for family 1",
             (unsigned)bad_unix[i]);
    assert_last_message(text);
    assert_ns_err(ns_connect(s, &a), NS_ERR_VALUE);
    assert_ns_ok(ns_close(s));
  }
  ns_addr v4 = NS_ADDR_INIT;
  v4.u.in4.sin_family = AF_INET;
  v4.len = 4;
  assert_ns_err(ns_addr_format(&v4, text, sizeof text), NS_ERR_VALUE);
  assert_int_equal(ns_addr_port(&v4), -1);
  /* No family, and a length beyond the struct: not even equal to itself. */
  ns_addr unspec = NS_ADDR_INIT;
  unspec.len = 4000;
  assert_false(ns_addr_equal(&unspec, &unspec));
  assert_ns_err(ns_addr_format(&unspec, text, sizeof text), NS_ERR_VALUE);
}

/* A zone name that cannot be looked up for lack of descriptors is that
   OS error, not a bad zone. */
static void test_addr__zone_lookup_emfile(void **state)
{
  (void)state;
#ifdef _WIN32
  ns_test_skip_platform("needs fork() and setrlimit(RLIMIT_NOFILE)");
#else
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = 0;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
      _exit(2);
    ns_addr a;
    bool ok = ns_addr_inet6(&a, "fe80::1%lo", 80, 0, 0) == NS_ERR_OS &&
              ns_error_last_errno() == EMFILE && a.len == 0;
    ok = ok && ns_addr_parse(&a, "[fe80::1%lo]:80") == NS_ERR_OS &&
         ns_error_last_errno() == EMFILE;
    _exit(ok ? 0 : 1);
  }
  ns_test_child_succeeds(pid);
#endif
}

static void test_addr__unix_paths(void **state)
{
  (void)state;
  ns_addr a;
  char path[200];
  char text[NS_ADDR_STRLEN];
  assert_ns_ok(ns_addr_unix(&a, "/run/app.sock"));
  assert_int_equal(ns_addr_family(&a), AF_UNIX);
  assert_int_equal(ns_addr_port(&a), -1);
  assert_ns_ok(ns_addr_format(&a, text, sizeof text));
  assert_string_equal(text, "/run/app.sock");

  /* sun_path holds 107 bytes and the NUL. */
  memset(path, 'p', sizeof path);
  path[0] = '/';
  path[107] = '\0';
  assert_ns_ok(ns_addr_unix(&a, path));
  path[107] = 'p';
  path[108] = '\0';
  assert_ns_err(ns_addr_unix(&a, path), NS_ERR_OS);
  assert_last_message("AF_UNIX path too long");
  assert_int_equal(ns_error_last_errno(), 0);
  assert_int_equal(ns_addr_family(&a), AF_UNSPEC);
  assert_ns_err(ns_addr_unix(&a, NULL), NS_ERR_VALUE);
}

static void test_addr__unix_abstract(void **state)
{
  (void)state;
  ns_addr a, b;
  char text[NS_ADDR_STRLEN];
  static const char name[] = {'n', 's', '\0', '\\', '\x7f', 'z'};
  assert_ns_ok(ns_addr_unix_abstract(&a, name, sizeof name));
  assert_int_equal(a.u.un.sun_path[0], '\0');
  assert_ns_ok(ns_addr_format(&a, text, sizeof text));
  assert_string_equal(text, "@ns\\x00\\\\\\x7fz");
  assert_ns_ok(ns_addr_parse(&b, text));
  assert_true(ns_addr_equal(&a, &b));

  char long_name[108];
  memset(long_name, 'x', sizeof long_name);
  assert_ns_ok(ns_addr_unix_abstract(&a, long_name, 107));
  assert_ns_err(ns_addr_unix_abstract(&a, long_name, 108), NS_ERR_OS);
  assert_last_message("AF_UNIX path too long");
  assert_ns_err(ns_addr_unix_abstract(&a, long_name, (size_t)-1), NS_ERR_OS);
  assert_last_message("AF_UNIX path too long");
  assert_ns_err(ns_addr_unix_abstract(&a, NULL, 3), NS_ERR_VALUE);
  assert_ns_ok(ns_addr_unix_abstract(&a, NULL, 0));
}

static void test_addr__parse_good(void **state)
{
  (void)state;
  static const struct {
    const char *in, *out;
    int family, port;
  } good[] = {
      {"127.0.0.1:80", "127.0.0.1:80", AF_INET, 80},
      {"0.0.0.0:0", "0.0.0.0:0", AF_INET, 0},
      {"255.255.255.255:65535", "255.255.255.255:65535", AF_INET, 65535},
      {"[::1]:80", "[::1]:80", AF_INET6, 80},
      {"[fe80::1%lo]:80", "[fe80::1%lo]:80", AF_INET6, 80},
      {"[fe80::1%1]:80", "[fe80::1%lo]:80", AF_INET6, 80},
      {"[::ffff:1.2.3.4]:9", "[::ffff:1.2.3.4]:9", AF_INET6, 9},
      {"[2001:DB8::1]:00080", "[2001:db8::1]:80", AF_INET6, 80},
      {"/tmp/x.sock", "/tmp/x.sock", AF_UNIX, -1},
      {"./rel.sock", "./rel.sock", AF_UNIX, -1},
      {"@abstract", "@abstract", AF_UNIX, -1},
      {"@a\\x41\\\\", "@aA\\\\", AF_UNIX, -1},
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    ns_addr a;
    char text[NS_ADDR_STRLEN];
    if (ns_addr_parse(&a, with_lo(good[i].in)) != NS_OK)
      fail_msg("'%s' did not parse: %s", with_lo(good[i].in),
               ns_error_last_message());
    assert_int_equal(ns_addr_family(&a), good[i].family);
    assert_int_equal(ns_addr_port(&a), good[i].port);
    assert_ns_ok(ns_addr_format(&a, text, sizeof text));
    assert_string_equal(text, with_lo(good[i].out));
  }
}

static void test_addr__parse_bad(void **state)
{
  (void)state;
  static const struct {
    const char *in;
    ns_err code;
    const char *message;
  } bad[] = {
      {"", NS_ERR_VALUE, "address text is empty"},
      {"256.1.1.1:80", NS_ERR_VALUE, "invalid IPv4 address: '256.1.1.1'"},
      {"1.2.3:80", NS_ERR_VALUE, "invalid IPv4 address: '1.2.3'"},
      {"255:80", NS_ERR_VALUE, "invalid IPv4 address: '255'"},
      {"2555.0.0.0:80", NS_ERR_VALUE, "invalid IPv4 address: '2555.0.0.0'"},
      {"localhost:80", NS_ERR_VALUE, "invalid IPv4 address: 'localhost'"},
      {"127.0.0.1", NS_ERR_VALUE, "address text has no port"},
      {"127.0.0.1:", NS_ERR_VALUE, "address text has no port"},
      {"127.0.0.1:8x", NS_ERR_VALUE, "address port is not a number"},
      {"127.0.0.1:-1", NS_ERR_VALUE, "address port is not a number"},
      {"127.0.0.1:65536", NS_ERR_OVERFLOW, "port must be 0-65535."},
      {"127.0.0.1:99999999999999999999", NS_ERR_OVERFLOW,
       "port must be 0-65535."},
      {":80", NS_ERR_VALUE, "invalid IPv4 address"},
      {"[:::1]:80", NS_ERR_VALUE, "invalid IPv6 address: ':::1'"},
      {"[abcde::1]:80", NS_ERR_VALUE, "invalid IPv6 address: 'abcde::1'"},
      {"[1:2:3:4:5:6:7:8:9]:80", NS_ERR_VALUE,
       "invalid IPv6 address: '1:2:3:4:5:6:7:8:9'"},
      {"[::1.2.3.4.5]:80", NS_ERR_VALUE, "invalid IPv6 address: '::1.2.3.4.5'"},
      {"[fe80::1%nosuchif]:80", NS_ERR_VALUE, "unknown interface 'nosuchif'"},
      {"[fe80::1%]:80", NS_ERR_VALUE, "invalid IPv6 zone"},
      {"[::1]", NS_ERR_VALUE, "address text has no port"},
      {"[::1]80", NS_ERR_VALUE, "address text has no port"},
      {"[::1:80", NS_ERR_VALUE, "IPv6 address lacks ']'"},
      {"::1:80", NS_ERR_VALUE, "IPv6 address needs [brackets]"},
      {"@bad\\escape", NS_ERR_VALUE, "bad escape in abstract AF_UNIX name"},
      {"@\\x4", NS_ERR_VALUE, "bad escape in abstract AF_UNIX name"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ns_addr a;
    ns_err got = ns_addr_parse(&a, bad[i].in);
    if (got != bad[i].code)
      fail_msg("'%s': got %s, want %s", bad[i].in, ns_error_name(got),
               ns_error_name(bad[i].code));
    if (strcmp(ns_error_last_message(), bad[i].message) != 0)
      fail_msg("'%s': message '%s', want '%s'", bad[i].in,
               ns_error_last_message(), bad[i].message);
  }
  /* Long inputs are refused, not truncated into something else. */
  char huge[4096];
  memset(huge, '1', sizeof huge - 1);
  huge[sizeof huge - 1] = '\0';
  ns_addr a;
  assert_ns_err(ns_addr_parse(&a, huge), NS_ERR_VALUE);
  huge[0] = '/';
  assert_ns_err(ns_addr_parse(&a, huge), NS_ERR_OS);
  assert_last_message("AF_UNIX path too long");
  huge[0] = '@';
  assert_ns_err(ns_addr_parse(&a, huge), NS_ERR_OS);
  assert_ns_err(ns_addr_parse(&a, NULL), NS_ERR_VALUE);
  assert_ns_err(ns_addr_parse(NULL, "1.2.3.4:5"), NS_ERR_VALUE);
}

/* Text from a length-delimited source need not be NUL-terminated. */
static void test_addr__parse_n_reads_only_len_bytes(void **state)
{
  (void)state;
  ns_addr a;
  char text[NS_ADDR_STRLEN];
  const char buf[] = {'1', '0', '.', '0', '.', '0', '.',
                      '1', ':', '8', '0', '9', '9'}; /* no NUL */
  assert_ns_ok(ns_addr_parse_n(&a, buf, 11));
  assert_ns_ok(ns_addr_format(&a, text, sizeof text));
  assert_string_equal(text, "10.0.0.1:80");
  assert_ns_ok(ns_addr_parse_n(&a, buf, sizeof buf));
  assert_int_equal(ns_addr_port(&a), 8099);
  assert_ns_err(ns_addr_parse_n(&a, "1.2.3.4\0:80", 11), NS_ERR_VALUE);
  assert_ns_err(ns_addr_parse_n(&a, "/a\0b", 4), NS_ERR_VALUE);
  assert_last_message("embedded null byte");
  assert_ns_err(ns_addr_parse_n(&a, NULL, 0), NS_ERR_VALUE);
  assert_last_message("address text is empty");
}

/* A buffer one byte short gets nothing written: not even a NUL. */
static void test_addr__format_short_buffer_untouched(void **state)
{
  (void)state;
  static const char *texts[] = {
      "255.255.255.255:65535",
      "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%lo]:65535",
      "[::ffff:255.255.255.255%lo]:65535",
      "/tmp/some.sock",
      "@name\\x01",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    ns_addr a;
    char buf[NS_ADDR_STRLEN + 1];
    const char *text = with_lo(texts[i]);
    assert_ns_ok(ns_addr_parse(&a, text));
    size_t need = strlen(text) + 1;
    memset(buf, '#', sizeof buf);
    assert_ns_err(ns_addr_format(&a, buf, need - 1), NS_ERR_OVERFLOW);
    for (size_t j = 0; j < sizeof buf; j++)
      assert_int_equal(buf[j], '#');
    assert_ns_err(ns_addr_format(&a, buf, 0), NS_ERR_OVERFLOW);
    assert_ns_ok(ns_addr_format(&a, buf, need));
    assert_string_equal(buf, text);
    assert_int_equal(buf[need], '#');
  }
  ns_addr a;
  char host[16];
  assert_ns_ok(ns_addr_parse(&a, "255.255.255.255:1"));
  assert_ns_err(ns_addr_host(&a, host, 15), NS_ERR_OVERFLOW);
  assert_ns_ok(ns_addr_host(&a, host, 16));
  assert_string_equal(host, "255.255.255.255");
}

static void test_addr__format_bad_input(void **state)
{
  (void)state;
  ns_addr empty = NS_ADDR_INIT;
  char buf[64];
  assert_ns_err(ns_addr_format(&empty, buf, sizeof buf), NS_ERR_VALUE);
  assert_last_message("address is empty");
  assert_ns_err(ns_addr_format(NULL, buf, sizeof buf), NS_ERR_VALUE);
  assert_ns_err(ns_addr_format(&empty, NULL, 5), NS_ERR_VALUE);
  assert_ns_err(ns_addr_host(&empty, buf, sizeof buf), NS_ERR_VALUE);
}

static void test_addr__from_sockaddr(void **state)
{
  (void)state;
  ns_addr a, b;
  struct sockaddr_in in4 = {.sin_family = AF_INET, .sin_port = htons(9)};
  in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_ns_ok(ns_addr_from_sockaddr(&a, (struct sockaddr *)&in4, sizeof in4));
  assert_ns_ok(ns_addr_parse(&b, "127.0.0.1:9"));
  assert_true(ns_addr_equal(&a, &b));

  /* Lengths that do not fit the family are refused. */
  assert_ns_err(ns_addr_from_sockaddr(&a, (struct sockaddr *)&in4, 8),
                NS_ERR_VALUE);
  assert_last_message("bad sockaddr length 8 for family 2");
  assert_ns_err(ns_addr_from_sockaddr(&a, (struct sockaddr *)&in4, 1),
                NS_ERR_VALUE);
  assert_ns_err(ns_addr_from_sockaddr(&a, (struct sockaddr *)&in4, 4096),
                NS_ERR_VALUE);
  struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
  assert_ns_ok(ns_addr_from_sockaddr(&a, (struct sockaddr *)&in6, sizeof in6));
  assert_ns_err(ns_addr_from_sockaddr(&a, (struct sockaddr *)&in6, 20),
                NS_ERR_VALUE);
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  assert_ns_ok(
      ns_addr_from_sockaddr(&a, (struct sockaddr *)&un, sizeof(sa_family_t)));
  char text[8];
  assert_ns_ok(ns_addr_format(&a, text, sizeof text));
  assert_string_equal(text, ""); /* unnamed, as Python's '' */
  struct sockaddr garbage = {.sa_family = 77};
  assert_ns_err(ns_addr_from_sockaddr(&a, &garbage, sizeof garbage),
                NS_ERR_VALUE);
  assert_last_message("unsupported address family 77");
  /* Longer than a sockaddr_un, though it fits the storage. */
  char wide[sizeof(struct sockaddr_storage)] = {0};
  sa_family_t unix_family = AF_UNIX;
  memcpy(wide, &unix_family, sizeof unix_family);
  assert_ns_err(ns_addr_from_sockaddr(&a, (struct sockaddr *)wide,
                                      sizeof(struct sockaddr_un) + 1),
                NS_ERR_VALUE);
  assert_ns_ok(ns_addr_from_sockaddr(&a, (struct sockaddr *)wide,
                                     sizeof(struct sockaddr_un)));
  assert_ns_err(ns_addr_from_sockaddr(&a, NULL, 16), NS_ERR_VALUE);
}

static void test_addr__equal(void **state)
{
  (void)state;
  ns_addr a, b;
  assert_ns_ok(ns_addr_parse(&a, "127.0.0.1:80"));
  assert_ns_ok(ns_addr_parse(&b, "127.0.0.1:81"));
  assert_false(ns_addr_equal(&a, &b));
  assert_ns_ok(ns_addr_parse(&b, "[::ffff:127.0.0.1]:80"));
  assert_false(ns_addr_equal(&a, &b)); /* different families */
  assert_ns_ok(ns_addr_parse(&a, "/x"));
  assert_ns_ok(ns_addr_parse(&b, "@x"));
  assert_false(ns_addr_equal(&a, &b));
  assert_ns_ok(ns_addr_parse(&b, "/x"));
  assert_true(ns_addr_equal(&a, &b));
  assert_false(ns_addr_equal(&a, NULL));
  assert_int_equal(ns_addr_family(NULL), AF_UNSPEC);
  assert_int_equal(ns_addr_port(NULL), -1);
}

/* ---- the sockaddr header on both layouts --------------------------------- */

/*
 * core/sockaddr.h reads and writes the header of a sockaddr on the Linux
 * layout (a 16-bit family) and on the BSD one (sa_len, then a one-byte
 * family), whichever this system has; the library's own addresses use the
 * system's.
 */
static void test_addr__sockaddr_header_layouts(void **state)
{
  (void)state;
  unsigned char raw[sizeof(struct sockaddr_in6)];
  memset(raw, 0xAA, sizeof raw);
  ns__sockaddr_write_header(raw, AF_INET, sizeof(struct sockaddr_in), true);
  assert_int_equal(raw[0], sizeof(struct sockaddr_in));
  assert_int_equal(raw[1], AF_INET);
  assert_int_equal(raw[2], 0xAA); /* nothing past the header */
  assert_int_equal(ns__sockaddr_family(raw, true), AF_INET);

  memset(raw, 0xAA, sizeof raw);
  ns__sockaddr_write_header(raw, AF_INET6, sizeof(struct sockaddr_in6), false);
  assert_int_equal(ns__sockaddr_family(raw, false), AF_INET6);
  assert_int_equal(raw[sizeof(sa_family_t)], 0xAA);

  /* BSD bytes read as a 16-bit family are no family at all: the mistake
     this header exists to prevent. */
  const unsigned char bsd[] = {16, AF_INET, 0, 80, 127, 0, 0, 1};
  assert_int_equal(ns__sockaddr_family(bsd, true), AF_INET);
  assert_int_not_equal(ns__sockaddr_family(bsd, false), AF_INET);

  /* The library's constructors write this system's layout. */
  ns_addr a;
  assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 80));
  assert_int_equal(ns__sockaddr_family(&a.u, NS__SA_LEN_LAYOUT), AF_INET);
  assert_int_equal(a.u.sa.sa_family, AF_INET);
  ns_addr back;
  assert_ns_ok(ns_addr_from_sockaddr(&back, &a.u.sa, a.len));
  assert_int_equal(ns_addr_family(&back), AF_INET);
  assert_int_equal(ns_addr_port(&back), 80);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_addr__inet_from_host_and_port),
      NS_TEST(test_addr__port_out_of_range),
      NS_TEST(test_addr__failed_address_explains_itself),
      NS_TEST(test_addr__inet_bad_host),
      NS_TEST(test_addr__inet6),
      NS_TEST(test_addr__failed_constructors_explain_themselves),
      NS_TEST(test_addr__bad_len_refused),
      NS_TEST(test_addr__zone_lookup_emfile),
      NS_TEST(test_addr__unix_paths),
      NS_TEST(test_addr__unix_abstract),
      NS_TEST(test_addr__parse_good),
      NS_TEST(test_addr__parse_bad),
      NS_TEST(test_addr__parse_n_reads_only_len_bytes),
      NS_TEST(test_addr__format_short_buffer_untouched),
      NS_TEST(test_addr__format_bad_input),
      NS_TEST(test_addr__from_sockaddr),
      NS_TEST(test_addr__equal),
      NS_TEST(test_addr__sockaddr_header_layouts),
  };
  return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
