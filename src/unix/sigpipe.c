/* SPDX-License-Identifier: MIT */
/*
 * Keeping SIGPIPE away from a call that may raise it (sendfile(2), and
 * every send where the system has neither MSG_NOSIGNAL nor SO_NOSIGPIPE).
 * The library never touches signal dispositions, so the calling thread
 * blocks SIGPIPE around the call and, when the call failed with EPIPE,
 * takes the signal it caused off the pending set. A SIGPIPE that was
 * already pending stays pending: standard signals do not queue, so it
 * cannot be told apart and belongs to someone else.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "os.h"

void ns__sigpipe_block(ns__sigpipe_guard *g)
{
  sigset_t pipe_set, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigemptyset(&pending);
  sigpending(&pending);
  g->was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_set, &g->old_mask);
}

void ns__sigpipe_restore(const ns__sigpipe_guard *g, bool had_epipe)
{
  int saved = errno;
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  if (had_epipe && !g->was_pending) {
    const struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
      ;
  }
  if (sigismember(&g->old_mask, SIGPIPE) != 1)
    pthread_sigmask(SIG_UNBLOCK, &pipe_set, NULL);
  errno = saved;
}

ssize_t ns__sendto_guarded(int fd, const void *buf, size_t len, int flags,
                           const struct sockaddr *to, socklen_t tolen)
{
  ns__sigpipe_guard g;
  ns__sigpipe_block(&g);
  ssize_t n = sendto(fd, buf, len, flags | NS__SEND_NOSIGNAL, to, tolen);
  ns__sigpipe_restore(&g, n < 0 && errno == EPIPE);
  return n;
}

ssize_t ns__sendmsg_guarded(int fd, const struct msghdr *m, int flags)
{
  ns__sigpipe_guard g;
  ns__sigpipe_block(&g);
  ssize_t n = sendmsg(fd, m, flags | NS__SEND_NOSIGNAL);
  ns__sigpipe_restore(&g, n < 0 && errno == EPIPE);
  return n;
}
