# SPDX-License-Identifier: MIT
# What the target system offers, found by feature tests rather than by its
# name, written to the private header ns_config.h (src/ns_config.h.in).
#
# NETSOCK_PLATFORM picks the backend:
#   auto   the best this system has (Linux fast paths where they exist);
#   posix  only portable POSIX.1-2008 calls, as on macOS and the BSDs: every
#          Linux-only feature test is answered "no", so this build runs the
#          portable code paths on Linux and is how they are tested here.
include(CheckSymbolExists)
include(CheckCSourceCompiles)
include(CMakePushCheckState)

set(NETSOCK_PLATFORM "auto" CACHE STRING
    "Platform backend: auto (best available) or posix (portable calls only)")
set_property(CACHE NETSOCK_PLATFORM PROPERTY STRINGS auto posix)
if(NOT NETSOCK_PLATFORM MATCHES "^(auto|posix)$")
  message(FATAL_ERROR "NETSOCK_PLATFORM must be auto or posix, not '${NETSOCK_PLATFORM}'")
endif()
option(NETSOCK_FORCE_STRERROR_R
       "Use strerror_r even where strerrordesc_np exists (tests the fallback)" OFF)

cmake_push_check_state(RESET)
set(CMAKE_REQUIRED_DEFINITIONS -D_GNU_SOURCE)

# netsock_feature(<VAR> <symbol> <headers>): a Linux/GNU-only feature, which
# the portable build never uses.
macro(netsock_feature var symbol headers)
  if(NETSOCK_PLATFORM STREQUAL "posix")
    set(${var} 0)
  else()
    check_symbol_exists(${symbol} "${headers}" ${var})
  endif()
endmacro()

netsock_feature(HAVE_ACCEPT4 accept4 "sys/socket.h")
netsock_feature(HAVE_SOCK_CLOEXEC SOCK_CLOEXEC "sys/socket.h")
netsock_feature(HAVE_MSG_NOSIGNAL MSG_NOSIGNAL "sys/socket.h")
netsock_feature(HAVE_EPOLL epoll_create1 "sys/epoll.h")
netsock_feature(HAVE_SENDMMSG sendmmsg "sys/socket.h")
# The C library's own stream hook, not a Linux feature: kept by the portable
# build (macOS and the BSDs have funopen in its place).
check_symbol_exists(fopencookie "stdio.h" HAVE_FOPENCOOKIE)
netsock_feature(HAVE_LINUX_SENDFILE sendfile "sys/sendfile.h")
netsock_feature(HAVE_STRERRORDESC_NP strerrordesc_np "string.h")
netsock_feature(HAVE_GETPROTOBYNAME_R getprotobyname_r "netdb.h")
netsock_feature(HAVE_GETSERVBYNAME_R getservbyname_r "netdb.h")
netsock_feature(HAVE_GETHOSTBYNAME_R gethostbyname_r "netdb.h")
netsock_feature(HAVE_SO_DOMAIN SO_DOMAIN "sys/socket.h")
netsock_feature(HAVE_MSG_CMSG_CLOEXEC MSG_CMSG_CLOEXEC "sys/socket.h")
check_symbol_exists(F_DUPFD_CLOEXEC "fcntl.h" HAVE_F_DUPFD_CLOEXEC)
netsock_feature(HAVE_SO_PEERCRED SO_PEERCRED "sys/socket.h")
# ppoll waits in nanoseconds (POSIX only from 2024): precise timeouts.
netsock_feature(HAVE_PPOLL ppoll "poll.h")
if(NETSOCK_FORCE_STRERROR_R)
  set(HAVE_STRERRORDESC_NP 0)
endif()

# Threads: fork handlers and per-thread signal masks, which Windows lacks
# (mingw-w64's winpthreads has neither: both are macros that do nothing).
find_package(Threads REQUIRED)
set(CMAKE_REQUIRED_LIBRARIES Threads::Threads)
check_c_source_compiles("
#include <pthread.h>
#ifdef pthread_atfork
#error a stub
#endif
static void f(void) {}
int main(void) { return pthread_atfork(f, f, f); }" HAVE_PTHREAD_ATFORK)
check_c_source_compiles("
#include <pthread.h>
#include <signal.h>
#ifdef pthread_sigmask
#error a stub
#endif
int main(void) {
  sigset_t s;
  sigfillset(&s);
  return pthread_sigmask(SIG_SETMASK, &s, 0);
}" HAVE_PTHREAD_SIGMASK)
unset(CMAKE_REQUIRED_LIBRARIES)

# What every system may have, the portable build included.
check_symbol_exists(SO_NOSIGPIPE "sys/socket.h" HAVE_SO_NOSIGPIPE)
check_symbol_exists(funopen "stdio.h" HAVE_FUNOPEN)
check_symbol_exists(kqueue "sys/event.h" HAVE_KQUEUE)
check_c_source_compiles("
#include <sys/socket.h>
int main(void) { struct sockaddr sa; sa.sa_len = 0; return sa.sa_len; }"
  HAVE_SOCKADDR_SA_LEN)
# GNU's strerror_r returns char *, POSIX's returns int.
check_c_source_compiles("
#include <string.h>
int main(void) {
  char b[8];
  _Static_assert(_Generic(strerror_r(1, b, sizeof b), char *: 1, default: 0),
                 \"GNU strerror_r\");
  return 0;
}"
  HAVE_GNU_STRERROR_R)
cmake_pop_check_state()

# The kernel honours SO_RCVTIMEO/SO_SNDTIMEO for every blocking socket call
# (accept and connect included) only on Linux: a property of the kernel,
# which no compile test can see. Everywhere else timeouts use poll.
# Windows (Winsock) has a backend of its own, src/win/.
if(WIN32)
  set(NS_WINSOCK 1)
else()
  set(NS_WINSOCK 0)
endif()
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND NOT NETSOCK_PLATFORM STREQUAL "posix")
  set(NS_TIMEOUT_KERNEL_TIMERS 1)
else()
  set(NS_TIMEOUT_KERNEL_TIMERS 0)
endif()

if(HAVE_SOCK_CLOEXEC AND HAVE_ACCEPT4 AND HAVE_MSG_CMSG_CLOEXEC)
  set(NS_HAVE_ATOMIC_CLOEXEC 1)
else()
  set(NS_HAVE_ATOMIC_CLOEXEC 0)
endif()

foreach(v HAVE_ACCEPT4 HAVE_SOCK_CLOEXEC HAVE_MSG_NOSIGNAL HAVE_EPOLL
          HAVE_SENDMMSG HAVE_FOPENCOOKIE HAVE_LINUX_SENDFILE
          HAVE_STRERRORDESC_NP HAVE_GETPROTOBYNAME_R HAVE_GETSERVBYNAME_R
          HAVE_GETHOSTBYNAME_R HAVE_SO_DOMAIN HAVE_MSG_CMSG_CLOEXEC HAVE_F_DUPFD_CLOEXEC
          HAVE_SO_PEERCRED HAVE_SO_NOSIGPIPE HAVE_FUNOPEN HAVE_KQUEUE
          HAVE_SOCKADDR_SA_LEN HAVE_GNU_STRERROR_R HAVE_PPOLL
          HAVE_PTHREAD_ATFORK HAVE_PTHREAD_SIGMASK)
  if(${v})
    set(${v} 1)
  else()
    set(${v} 0)
  endif()
endforeach()
message(STATUS "netsock platform: ${NETSOCK_PLATFORM}; kernel timers ${NS_TIMEOUT_KERNEL_TIMERS}, "
               "accept4 ${HAVE_ACCEPT4}, epoll ${HAVE_EPOLL}, MSG_NOSIGNAL ${HAVE_MSG_NOSIGNAL}, "
               "sendmmsg ${HAVE_SENDMMSG}, fopencookie ${HAVE_FOPENCOOKIE}, strerrordesc_np ${HAVE_STRERRORDESC_NP}")
