/* SPDX-License-Identifier: MIT */
/*
 * What Winsock lacks: control messages and descriptor passing (sendmsg,
 * recvmsg, SCM_RIGHTS, SCM_CREDENTIALS; Python on Windows has no
 * socket.sendmsg either). Each call fails as every call a platform lacks
 * does: OSError ENOSYS, never a link error.
 */
#include "os.h"

#define NOT_HERE(op) ns__fail_errno((op), ENOSYS)

ns_err ns_cmsg_buf_init(ns_cmsg_buf *b, void *storage, size_t size)
{
  (void)b, (void)storage, (void)size;
  return NOT_HERE("cmsg");
}

ns_err ns_cmsg_add(ns_cmsg_buf *b, int level, int type, const void *data,
                   size_t len)
{
  (void)b, (void)level, (void)type, (void)data, (void)len;
  return NOT_HERE("cmsg");
}

ns_err ns_cmsg_add_fds(ns_cmsg_buf *b, const int *fds, size_t nfds)
{
  (void)b, (void)fds, (void)nfds;
  return NOT_HERE("cmsg");
}

ns_err ns_cmsg_add_creds(ns_cmsg_buf *b, const ns_ucred *cred)
{
  (void)b, (void)cred;
  return NOT_HERE("cmsg");
}

ns_err ns_cmsg_add_pktinfo(ns_cmsg_buf *b, const ns_pktinfo *info)
{
  (void)b, (void)info;
  return NOT_HERE("cmsg");
}

const struct cmsghdr *ns_cmsg_next(const ns_cmsg_buf *b,
                                   const struct cmsghdr *prev)
{
  (void)b, (void)prev;
  return NULL;
}

ns_err ns_cmsg_data(const struct cmsghdr *c, const void **data_out,
                    size_t *len_out)
{
  (void)c, (void)data_out, (void)len_out;
  return NOT_HERE("cmsg");
}

ns_err ns_cmsg_get_fds(const struct cmsghdr *c, int *fds_out, size_t max,
                       size_t *nfds_out)
{
  (void)c, (void)fds_out, (void)max, (void)nfds_out;
  return NOT_HERE("cmsg");
}

size_t ns_cmsg_close_fds(const ns_cmsg_buf *b)
{
  (void)b;
  return 0;
}

ns_err ns_cmsg_get_creds(const struct cmsghdr *c, ns_ucred *out)
{
  (void)c, (void)out;
  return NOT_HERE("cmsg");
}

ns_err ns_cmsg_get_pktinfo(const struct cmsghdr *c, ns_pktinfo *out)
{
  (void)c, (void)out;
  return NOT_HERE("cmsg");
}

ns_err ns_cmsg_get_timestamp(const struct cmsghdr *c, struct timespec *out)
{
  (void)c, (void)out;
  return NOT_HERE("cmsg");
}

ns_err ns_getpeercred(ns_socket *s, ns_ucred *out)
{
  (void)s, (void)out;
  return NOT_HERE("getpeercred");
}

ns_err ns_sendmsg(ns_socket *s, const ns_iovec *iov, size_t iovcnt,
                  const ns_cmsg_buf *control, int flags, const ns_addr *addr,
                  size_t *sent_out)
{
  (void)s, (void)iov, (void)iovcnt, (void)control, (void)flags, (void)addr;
  if (sent_out)
    *sent_out = 0;
  return NOT_HERE("sendmsg");
}

ns_err ns_recvmsg(ns_socket *s, const ns_iovec *iov, size_t iovcnt,
                  ns_cmsg_buf *control, int flags, size_t *received_out,
                  int *msg_flags_out, ns_addr *addr_out)
{
  (void)s, (void)iov, (void)iovcnt, (void)control, (void)flags;
  (void)msg_flags_out, (void)addr_out;
  if (received_out)
    *received_out = 0;
  return NOT_HERE("recvmsg");
}

ns_err ns_send_fds(ns_socket *s, const void *buf, size_t len, const int *fds,
                   size_t nfds, int flags, const ns_addr *addr,
                   size_t *sent_out)
{
  (void)s, (void)buf, (void)len, (void)fds, (void)nfds, (void)flags;
  (void)addr;
  if (sent_out)
    *sent_out = 0;
  return NOT_HERE("send_fds");
}

ns_err ns_recv_fds(ns_socket *s, void *buf, size_t len, int *fds_out,
                   size_t maxfds, int flags, size_t *received_out,
                   size_t *nfds_out, int *msg_flags_out, ns_addr *addr_out)
{
  (void)s, (void)buf, (void)len, (void)fds_out, (void)maxfds, (void)flags;
  (void)msg_flags_out, (void)addr_out;
  if (received_out)
    *received_out = 0;
  if (nfds_out)
    *nfds_out = 0;
  return NOT_HERE("recv_fds");
}
