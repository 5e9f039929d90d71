/* SPDX-License-Identifier: MIT */
/*
 * The narrow interface between the platform-neutral core (core/) and a
 * platform backend (unix/ today). Each backend implements every call
 * here; the core never names a platform, it asks ns_config.h's feature
 * macros. Hot-path calls a backend makes inline live in its own os.h.
 */
#ifndef NETSOCK_PLATFORM_H
#define NETSOCK_PLATFORM_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>

/* The English text of an OS error number, as the platform's strerror()
   gives it (Python's message), whatever the locale; NULL if it has none. */
const char *ns__os_strerror(int errnum);

/*
 * The services, protocols and hosts databases. The lookups below fill the
 * caller's struct and scratch buffer where the system has reentrant
 * (_r) lookups; elsewhere they return the system's static result, which
 * stays valid only while the caller holds ns__netdb_lock(). So a caller
 * takes the lock, looks up, copies what it needs, and unlocks.
 */
void ns__netdb_lock(void);
void ns__netdb_unlock(void);
struct servent *ns__os_getservbyname(const char *name, const char *proto,
                                     struct servent *se, char *scratch,
                                     size_t size);
struct servent *ns__os_getservbyport(int port_net, const char *proto,
                                     struct servent *se, char *scratch,
                                     size_t size);
struct protoent *ns__os_getprotobyname(const char *name, struct protoent *pe,
                                       char *scratch, size_t size);
struct hostent *ns__os_gethostbyname(const char *host, struct hostent *h,
                                     char *scratch, size_t size, int *h_err);
struct hostent *ns__os_gethostbyaddr(const void *packed, int len, int family,
                                     struct hostent *h, char *scratch,
                                     size_t size, int *h_err);

#endif /* NETSOCK_PLATFORM_H */
