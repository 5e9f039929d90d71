/* SPDX-License-Identifier: MIT */
/*
 * makefile() on Windows: a stdio stream over one end of a named pipe, and
 * a relay thread between the pipe's other end and a duplicate of the
 * socket.
 *
 * Windows' C runtime has no hook for a stream over the program's own
 * functions (glibc's fopencookie, the BSDs' funopen), so the stream is an
 * ordinary C runtime descriptor, and the relay moves the bytes. The pipe
 * has no buffer (a quota of 0 bytes), which keeps the stream's promises:
 * - A write returns once its bytes are in the socket. The relay peeks at
 *   them, sends them, and only then takes them from the pipe, which is
 *   what lets the writer's WriteFile return. So after fflush() the bytes
 *   have been sent, and what the program then sends on the socket itself
 *   comes after them, as on POSIX systems.
 * - The relay receives from the socket as soon as the stream is made, and
 *   again only once the stream has taken what it delivered before: it
 *   reads ahead by one chunk at most, and a receive's timeout starts then
 *   (the pipe cannot tell the relay when the stream starts to read).
 * The peer's EOF closes the pipe, and the stream reads EOF. A failure (a
 * timeout, a reset) disconnects the pipe, and the stream's next call
 * fails with ferror() set. fclose() closes the stream's end: the relay
 * sees it, closes the duplicate and ends.
 *
 * The relay waits on overlapped I/O, which leaves the socket's blocking
 * mode alone: the duplicate shares it with the program's socket.
 */
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <stdlib.h>

#include "os.h"

/* The most the relay moves at once, each way. */
#define RELAY_CHUNK 65536

typedef struct relay {
  ns_socket *dup;
  HANDLE pipe;        /* the relay's end, overlapped */
  int64_t timeout_ns; /* the socket's when the stream was made */
  bool reading;       /* the stream reads: the relay receives */
  /* The operations under way: each flag says its OVERLAPPED is busy. */
  bool watching, receiving, delivering;
  OVERLAPPED watch;   /* a 0-byte read: the writer wrote, or closed */
  OVERLAPPED recv;    /* from the socket */
  OVERLAPPED deliver; /* into the pipe, until the stream took it all */
  OVERLAPPED io;      /* one step at a time: a send, taking the bytes */
  char in[RELAY_CHUNK];
  char out[RELAY_CHUNK];
} relay;

static SOCKET relay_socket(const relay *r)
{
  return ns_fileno(r->dup);
}

static int64_t relay_deadline(const relay *r)
{
  return r->timeout_ns > 0 ? ns__now_ns() + r->timeout_ns : 0;
}

/* Milliseconds to wait for a deadline from relay_deadline(). */
static DWORD relay_wait_ms(const relay *r, int64_t at)
{
  if (r->timeout_ns < 0)
    return INFINITE;
  if (r->timeout_ns == 0)
    return 0;
  int64_t left = at - ns__now_ns();
  return left <= 0 ? 0 : (DWORD)ns__poll_ms(left);
}

/* Wait for an operation on `h` until `at`; cancel it when the time is up.
   Either way it has finished on return, so its OVERLAPPED is free. */
static void relay_finish(const relay *r, HANDLE h, OVERLAPPED *ov, int64_t at)
{
  if (WaitForSingleObject(ov->hEvent, relay_wait_ms(r, at)) != WAIT_OBJECT_0) {
    CancelIoEx(h, ov);
    WaitForSingleObject(ov->hEvent, INFINITE);
  }
}

/* Start an overlapped operation's bookkeeping: a fresh, unset event. */
static OVERLAPPED *relay_op(OVERLAPPED *ov)
{
  HANDLE ev = ov->hEvent;
  memset(ov, 0, sizeof *ov);
  ov->hEvent = ev;
  ResetEvent(ev);
  return ov;
}

static bool pipe_started(BOOL ok)
{
  return ok || GetLastError() == ERROR_IO_PENDING;
}

static bool pipe_result(const relay *r, OVERLAPPED *ov, DWORD *n)
{
  return GetOverlappedResult(r->pipe, ov, n, FALSE) != 0;
}

static bool relay_watch(relay *r)
{
  return r->watching = pipe_started(
             ReadFile(r->pipe, r->out, 0, NULL, relay_op(&r->watch)));
}

static bool relay_recv(relay *r)
{
  WSABUF b = {sizeof r->in, r->in};
  DWORD flags = 0;
  return r->receiving = WSARecv(relay_socket(r), &b, 1, NULL, &flags,
                                relay_op(&r->recv), NULL) == 0 ||
                        WSAGetLastError() == WSA_IO_PENDING;
}

static bool relay_deliver(relay *r, DWORD n)
{
  return r->delivering = pipe_started(
             WriteFile(r->pipe, r->in, n, NULL, relay_op(&r->deliver)));
}

/* Send all of `len` bytes of r->out, within one timeout. */
static bool relay_send(relay *r, DWORD len)
{
  int64_t at = relay_deadline(r);
  DWORD done = 0;
  while (done < len) {
    WSABUF b = {len - done, r->out + done};
    OVERLAPPED *ov = relay_op(&r->io);
    if (WSASend(relay_socket(r), &b, 1, NULL, 0, ov, NULL) != 0 &&
        WSAGetLastError() != WSA_IO_PENDING)
      return false;
    relay_finish(r, (HANDLE)relay_socket(r), ov, at);
    DWORD n, flags;
    if (!WSAGetOverlappedResult(relay_socket(r), ov, &n, FALSE, &flags) ||
        n == 0)
      return false;
    done += n;
  }
  return true;
}

/* The writer wrote: send what waits in the pipe, then take it, which
   lets the writer go on. */
static bool relay_forward(relay *r)
{
  DWORD n = 0;
  if (!PeekNamedPipe(r->pipe, r->out, sizeof r->out, &n, NULL, NULL))
    return false;
  if (n == 0) /* nothing after all */
    return true;
  if (!relay_send(r, n))
    return false;
  OVERLAPPED *ov = relay_op(&r->io);
  DWORD taken;
  if (!pipe_started(ReadFile(r->pipe, r->out, n, NULL, ov)))
    return false;
  WaitForSingleObject(ov->hEvent, INFINITE); /* the bytes are there */
  return pipe_result(r, ov, &taken) && taken == n;
}

/* The receive ended (done, failed, or cancelled at its deadline): hand
   what came to the stream. RELAY_GOING while there is more to do. */
enum relay_end { RELAY_GOING, RELAY_CLOSED, RELAY_EOF, RELAY_FAILED };

static enum relay_end relay_received(relay *r)
{
  DWORD got, flags;
  r->receiving = false;
  if (!WSAGetOverlappedResult(relay_socket(r), &r->recv, &got, FALSE, &flags))
    return RELAY_FAILED;
  if (got == 0)
    return RELAY_EOF;
  return relay_deliver(r, got) ? RELAY_GOING : RELAY_FAILED;
}

/* One event of the relay's loop: the index WaitForMultipleObjects gave
   for its events (the watch, then the receive or the delivery). */
static enum relay_end relay_step(relay *r, DWORD w, int64_t *recv_at)
{
  DWORD got;
  if (w == WAIT_OBJECT_0) { /* the pipe: bytes to send, or closed */
    r->watching = false;
    if (!pipe_result(r, &r->watch, &got))
      return RELAY_CLOSED;
    return relay_forward(r) && relay_watch(r) ? RELAY_GOING : RELAY_FAILED;
  }
  if (w == WAIT_OBJECT_0 + 1 && r->receiving)
    return relay_received(r);
  if (w == WAIT_OBJECT_0 + 1) { /* delivered: the stream took it all */
    r->delivering = false;
    if (!pipe_result(r, &r->deliver, &got))
      return RELAY_CLOSED;
    *recv_at = relay_deadline(r);
    return relay_recv(r) ? RELAY_GOING : RELAY_FAILED;
  }
  if (w == WAIT_TIMEOUT) { /* the receive's time is up */
    CancelIoEx((HANDLE)relay_socket(r), &r->recv);
    WaitForSingleObject(r->recv.hEvent, INFINITE);
    return relay_received(r); /* it may have finished first */
  }
  return RELAY_FAILED;
}

/*
 * The relay's loop. It always watches the pipe (for the writer's bytes or
 * the stream's fclose()); a reading stream also has either a receive from
 * the socket or a delivery into the pipe under way.
 */
static enum relay_end relay_run(relay *r)
{
  int64_t recv_at = relay_deadline(r);
  if (!relay_watch(r) || (r->reading && !relay_recv(r)))
    return RELAY_FAILED;
  enum relay_end end = RELAY_GOING;
  while (end == RELAY_GOING) {
    HANDLE ev[2] = {r->watch.hEvent};
    DWORD n = 1;
    if (r->receiving)
      ev[n++] = r->recv.hEvent;
    if (r->delivering)
      ev[n++] = r->deliver.hEvent;
    DWORD ms = r->receiving ? relay_wait_ms(r, recv_at) : INFINITE;
    end = relay_step(r, WaitForMultipleObjects(n, ev, FALSE, ms), &recv_at);
  }
  return end;
}

/* End the operations still under way: cancelled, then waited for. The
   stream's own call on its end of the pipe is another handle's, and goes
   on. */
static void relay_cancel(relay *r)
{
  if (r->watching || r->delivering)
    CancelIoEx(r->pipe, NULL);
  if (r->receiving)
    CancelIoEx((HANDLE)relay_socket(r), &r->recv);
  if (r->watching)
    WaitForSingleObject(r->watch.hEvent, INFINITE);
  if (r->delivering)
    WaitForSingleObject(r->deliver.hEvent, INFINITE);
  if (r->receiving)
    WaitForSingleObject(r->recv.hEvent, INFINITE);
  r->watching = r->receiving = r->delivering = false;
}

static void relay_close_events(relay *r)
{
  OVERLAPPED *ovs[] = {&r->watch, &r->recv, &r->deliver, &r->io};
  for (size_t i = 0; i < sizeof ovs / sizeof *ovs; i++)
    if (ovs[i]->hEvent)
      CloseHandle(ovs[i]->hEvent);
}

static void relay_close_pipe(relay *r)
{
  if (r->pipe != INVALID_HANDLE_VALUE)
    CloseHandle(r->pipe);
}

static void relay_close_socket(relay *r)
{
  if (r->dup)
    ns_close(r->dup);
}

/*
 * The relay's end. What it holds is released in an order that a program
 * can rely on: when the stream was closed, the duplicate goes last, so
 * that once the peer reads EOF (its socket closed too), nothing of the
 * stream is left; otherwise the pipe goes last, so that once the stream
 * sees the end, the socket is the program's alone. A failure disconnects
 * the stream's end, and its calls fail; the peer's EOF only closes ours,
 * which the stream reads as EOF.
 */
static unsigned __stdcall relay_main(void *arg)
{
  relay *r = arg;
  enum relay_end end = relay_run(r);
  relay_cancel(r);
  relay_close_events(r);
  if (end == RELAY_CLOSED) {
    relay_close_pipe(r);
    relay_close_socket(r);
  } else {
    relay_close_socket(r);
    if (end == RELAY_FAILED)
      DisconnectNamedPipe(r->pipe);
    relay_close_pipe(r);
  }
  free(r);
  return 0;
}

/* A pipe of this process's own, no buffer either way: the relay's end,
   overlapped, in r->pipe; the stream's end, for the C runtime, returned
   (INVALID_HANDLE_VALUE on failure, with GetLastError()). */
static HANDLE relay_pipe(relay *r, bool reading, bool writing)
{
  static volatile LONG serial;
  char name[96];
  snprintf(name, sizeof name, "\\\\.\\pipe\\netsock-%lu-%ld",
           (unsigned long)GetCurrentProcessId(),
           (long)InterlockedIncrement(&serial));
  r->pipe = CreateNamedPipeA(name,
                             PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED |
                                 FILE_FLAG_FIRST_PIPE_INSTANCE,
                             PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
                                 PIPE_REJECT_REMOTE_CLIENTS,
                             1, 0, 0, 0, NULL);
  if (r->pipe == INVALID_HANDLE_VALUE)
    return INVALID_HANDLE_VALUE;
  DWORD access = (reading ? GENERIC_READ : FILE_READ_ATTRIBUTES) |
                 (writing ? GENERIC_WRITE : FILE_WRITE_ATTRIBUTES);
  return CreateFileA(name, access, 0, NULL, OPEN_EXISTING, 0, NULL);
}

/* Undo what ns__os_makefile made so far. */
static void relay_unmake(relay *r)
{
  relay_close_events(r);
  relay_close_pipe(r);
  relay_close_socket(r);
  free(r);
}

static ns_err relay_fail(relay *r, int winerror)
{
  relay_unmake(r);
  return ns__fail_winerror("makefile", winerror);
}

/* The stream over the pipe's end: the C runtime takes the handle. NULL
   with errno (EMFILE: the C runtime's descriptors are all in use). */
static FILE *relay_stream(HANDLE end, bool reading, bool writing)
{
  int flags = _O_BINARY | (reading && writing ? _O_RDWR
                           : writing          ? _O_WRONLY
                                              : _O_RDONLY);
  int fd = _open_osfhandle((intptr_t)end, flags);
  if (fd < 0) {
    CloseHandle(end);
    return NULL;
  }
  FILE *f = _fdopen(fd, reading && writing ? "r+b" : writing ? "wb" : "rb");
  if (!f)
    _close(fd);
  return f;
}

ns_err ns__os_makefile(ns_socket *s, bool reading, bool writing, FILE **out)
{
  relay *r = calloc(1, sizeof *r);
  if (!r)
    return ns__fail_msg(NS_ERR_MEMORY, "makefile", "out of memory");
  r->pipe = INVALID_HANDLE_VALUE;
  r->reading = reading;
  r->timeout_ns = s->timeout_ns;
  ns_err err = ns__makefile_dup(s, &r->dup);
  if (err) {
    relay_unmake(r);
    return err;
  }
  OVERLAPPED *ovs[] = {&r->watch, &r->recv, &r->deliver, &r->io};
  for (size_t i = 0; i < sizeof ovs / sizeof *ovs; i++)
    if (!(ovs[i]->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL)))
      return relay_fail(r, (int)GetLastError());
  HANDLE end = relay_pipe(r, reading, writing);
  if (end == INVALID_HANDLE_VALUE)
    return relay_fail(r, (int)GetLastError());
  FILE *f = relay_stream(end, reading, writing);
  if (!f) {
    int e = errno;
    relay_unmake(r);
    return e == EMFILE
               ? ns__fail_errno("makefile", EMFILE)
               : ns__fail_msg(NS_ERR_MEMORY, "makefile", "out of memory");
  }
  uintptr_t thread = _beginthreadex(NULL, 0, relay_main, r, 0, NULL);
  if (!thread) {
    int e = errno;
    fclose(f);
    relay_unmake(r);
    return ns__fail_errno("makefile", e ? e : EAGAIN);
  }
  CloseHandle((HANDLE)thread); /* the relay ends on its own */
  *out = f;
  return NS_OK;
}
