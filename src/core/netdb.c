/* SPDX-License-Identifier: MIT */
/*
 * The system's databases (services, protocols, hosts), reentrant where the
 * C library has the _r lookups (glibc; musl for all but protocols), and
 * behind one lock elsewhere (macOS, the BSDs; the portable build), where
 * each lookup returns a static result that the next one overwrites
 * (Windows: one per thread, and Winsock started first).
 */
#include <pthread.h>

#include "internal.h"

#define HAVE_ALL_NETDB_R                                                       \
  (HAVE_GETSERVBYNAME_R && HAVE_GETPROTOBYNAME_R && HAVE_GETHOSTBYNAME_R)

#if !HAVE_ALL_NETDB_R
static pthread_mutex_t netdb_mu = PTHREAD_MUTEX_INITIALIZER;
#endif

void ns__netdb_lock(void)
{
  /* A failed start shows up as the lookup's own failure. */
  (void)ns__net_init("netdb");
#if !HAVE_ALL_NETDB_R
  pthread_mutex_lock(&netdb_mu);
#endif
}

void ns__netdb_unlock(void)
{
#if !HAVE_ALL_NETDB_R
  pthread_mutex_unlock(&netdb_mu);
#endif
}

struct servent *ns__os_getservbyname(const char *name, const char *proto,
                                     struct servent *se, char *scratch,
                                     size_t size)
{
#if HAVE_GETSERVBYNAME_R
  struct servent *result = NULL;
  getservbyname_r(name, proto, se, scratch, size, &result);
  return result;
#else
  (void)se, (void)scratch, (void)size;
  return getservbyname(name, proto);
#endif
}

struct servent *ns__os_getservbyport(int port_net, const char *proto,
                                     struct servent *se, char *scratch,
                                     size_t size)
{
#if HAVE_GETSERVBYNAME_R
  struct servent *result = NULL;
  getservbyport_r(port_net, proto, se, scratch, size, &result);
  return result;
#else
  (void)se, (void)scratch, (void)size;
  return getservbyport(port_net, proto);
#endif
}

struct protoent *ns__os_getprotobyname(const char *name, struct protoent *pe,
                                       char *scratch, size_t size)
{
#if HAVE_GETPROTOBYNAME_R
  struct protoent *result = NULL;
  getprotobyname_r(name, pe, scratch, size, &result);
  return result;
#else
  (void)pe, (void)scratch, (void)size;
  return getprotobyname(name);
#endif
}

struct hostent *ns__os_gethostbyname(const char *host, struct hostent *h,
                                     char *scratch, size_t size, int *h_err)
{
#if HAVE_GETHOSTBYNAME_R
  struct hostent *result = NULL;
  gethostbyname_r(host, h, scratch, size, &result, h_err);
  return result;
#else
  (void)h, (void)scratch, (void)size;
  struct hostent *result = gethostbyname(host);
  *h_err = result ? 0 : h_errno;
  return result;
#endif
}

struct hostent *ns__os_gethostbyaddr(const void *packed, int len, int family,
                                     struct hostent *h, char *scratch,
                                     size_t size, int *h_err)
{
#if HAVE_GETHOSTBYNAME_R
  struct hostent *result = NULL;
  gethostbyaddr_r(packed, (socklen_t)len, family, h, scratch, size, &result,
                  h_err);
  return result;
#else
  (void)h, (void)scratch, (void)size;
  struct hostent *result = gethostbyaddr(packed, (socklen_t)len, family);
  *h_err = result ? 0 : h_errno;
  return result;
#endif
}
