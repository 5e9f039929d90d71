/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/poller.h
 * @brief A readiness poller over many sockets: Python's `selectors` in C.
 *
 * Register sockets with the events to watch (NS_EVENT_READ,
 * NS_EVENT_WRITE) and a user pointer, then wait: each ready socket comes
 * back with its pointer and the events it is ready for. Readiness is
 * level-triggered, as in Python: a socket stays ready until it is read or
 * written. An error or hang-up on a socket shows as every event it was
 * registered for, so that the next recv or send reports it.
 *
 * Two backends sit behind the same calls: epoll(7) on Linux, the default,
 * and poll(2), which needs nothing but POSIX. Pick one at creation.
 *
 * A poller is not thread-safe: use it from one thread at a time.
 *
 * Closing a registered socket unregisters it: ns_close() and ns_detach()
 * take the socket out of every poller it is registered with before the
 * handle is freed, so no poller ever hands back a freed handle, whatever
 * became of the descriptor (reused by a new socket, kept open by a
 * duplicate or by ns_detach()), and the descriptor's slot is free for the
 * next socket. Python's selectors leave that to the program (unregister
 * first); here forgetting is safe. Because closing touches the pollers,
 * close a registered socket only from the thread that uses its pollers,
 * as for ns_poller_unregister(). ns_poller_close() forgets its sockets. A
 * descriptor closed behind the library's back (close(ns_fileno(s))) is
 * forgotten by the poll backend, and by epoll unless a duplicate keeps it
 * open: unregister such a socket yourself.
 *
 * @code
 * ns_poller *p;
 * ns_poller_create(&p, NS_POLLER_DEFAULT);
 * ns_poller_register(p, listener, NS_EVENT_READ, NULL);
 * ns_poller_event ev[64];
 * size_t n;
 * while (ns_poller_wait(p, ev, 64, NS_TIMEOUT_NONE, &n) == NS_OK)
 *   for (size_t i = 0; i < n; i++)
 *     handle(ev[i].sock, ev[i].events, ev[i].data);
 * ns_poller_close(p);
 * @endcode
 *
 * @defgroup poller Poller
 * @{
 */
#ifndef NETSOCK_POLLER_H
#define NETSOCK_POLLER_H

#include <stddef.h>

#include <netsock/error.h>
#include <netsock/export.h>
#include <netsock/socket.h>

NS_BEGIN_DECL

/** A poller. Opaque: made by ns_poller_create(), freed by ns_poller_close(). */
typedef struct ns_poller ns_poller;

/** The best backend here: epoll on Linux, else poll. */
#define NS_POLLER_DEFAULT 0
/** epoll(7) (Linux). */
#define NS_POLLER_EPOLL 1
/** poll(2) (POSIX). */
#define NS_POLLER_POLL 2

/** Ready to read (or accept), or at end of stream. Python: `EVENT_READ` */
#define NS_EVENT_READ 1u
/** Ready to write (or a connect finished). Python: `EVENT_WRITE` */
#define NS_EVENT_WRITE 2u

/** One ready socket, as ns_poller_wait() reports it. */
typedef struct ns_poller_event {
  ns_socket *sock;     /**< the socket */
  void *data;          /**< the pointer registered with it */
  unsigned int events; /**< NS_EVENT_READ and/or NS_EVENT_WRITE */
} ns_poller_event;

/**
 * Create a poller.
 *
 * Its own descriptor, if the backend has one, is close-on-exec.
 *
 * @param[out] out the new poller; set to NULL on failure.
 * @param backend NS_POLLER_DEFAULT, NS_POLLER_EPOLL or NS_POLLER_POLL.
 * @return NS_OK; NS_ERR_VALUE for an unknown backend ("unknown poller
 *         backend 7") or a NULL `out`; NS_ERR_OS "[Errno 38] Function not
 *         implemented" for epoll where there is none, EMFILE;
 *         NS_ERR_MEMORY.
 * Python: `selectors.DefaultSelector()`, `selectors.PollSelector()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_poller_create(ns_poller **out, int backend);

/**
 * Close a poller and free it, like fclose(): it is gone afterwards,
 * whatever the result. The registered sockets stay open.
 *
 * @param p the poller, or NULL (then nothing happens).
 * @return NS_OK; NS_ERR_OS when closing its descriptor fails.
 * Python: `sel.close()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_poller_close(ns_poller *p);

/**
 * The backend a poller uses.
 * @param p the poller.
 * @return NS_POLLER_EPOLL or NS_POLLER_POLL; -1 for NULL.
 * @since 1.0
 */
NS_EXTERN int ns_poller_backend(const ns_poller *p);

/**
 * Watch a socket.
 *
 * @param p the poller.
 * @param s the socket; one registration per socket.
 * @param events NS_EVENT_READ, NS_EVENT_WRITE or both.
 * @param data a pointer handed back with the socket's events; may be NULL.
 * @return NS_OK; NS_ERR_VALUE "Invalid events: 0" (or other bits),
 *         "socket (FD 5) is already registered"; NS_ERR_OS EBADF for a
 *         NULL handle or a closed descriptor; NS_ERR_MEMORY.
 * Python: `sel.register(fileobj, events, data)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_poller_register(ns_poller *p, ns_socket *s,
                                    unsigned int events, void *data);

/**
 * Change the events watched on a registered socket, and its pointer.
 *
 * @param p the poller.
 * @param s the socket.
 * @param events NS_EVENT_READ, NS_EVENT_WRITE or both.
 * @param data the new pointer.
 * @return NS_OK; NS_ERR_VALUE "Invalid events: 0", "socket (FD 5) is not
 *         registered"; NS_ERR_OS.
 * Python: `sel.modify(fileobj, events, data)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_poller_modify(ns_poller *p, ns_socket *s,
                                  unsigned int events, void *data);

/**
 * Stop watching a socket.
 *
 * @param p the poller.
 * @param s the socket.
 * @return NS_OK; NS_ERR_VALUE "socket (FD 5) is not registered"; NS_ERR_OS.
 * Python: `sel.unregister(fileobj)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_poller_unregister(ns_poller *p, ns_socket *s);

/**
 * What a socket is registered with.
 *
 * @param p the poller.
 * @param s the socket.
 * @param[out] events_out its events, or NULL.
 * @param[out] data_out its pointer, or NULL.
 * @return NS_OK; NS_ERR_VALUE "socket (FD 5) is not registered".
 * Python: `key = sel.get_key(fileobj)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_poller_get(const ns_poller *p, const ns_socket *s,
                               unsigned int *events_out, void **data_out);

/**
 * How many sockets are registered.
 * @param p the poller.
 * @return the count; 0 for NULL.
 * Python: `len(sel.get_map())`
 * @since 1.0
 */
NS_EXTERN size_t ns_poller_count(const ns_poller *p);

/**
 * Wait until registered sockets are ready, or the timeout passes.
 *
 * A signal does not end the wait early: it goes on with the time left
 * (PEP 475). When more sockets are ready than `max`, the rest are
 * reported by the next calls; the poll backend takes turns so that none
 * is starved.
 *
 * @param p the poller.
 * @param[out] events where the ready sockets go.
 * @param max its capacity, at least 1.
 * @param timeout seconds to wait at most; 0 to only look;
 *        NS_TIMEOUT_NONE to wait for ever.
 * @param[out] count_out how many ready sockets were stored; 0 when the
 *        timeout passed (not an error, as in Python).
 * @return NS_OK; NS_ERR_VALUE for NULL arguments, `max` 0, NaN or a
 *         negative timeout other than NS_TIMEOUT_NONE ("Timeout value out
 *         of range"); NS_ERR_MEMORY; NS_ERR_OS.
 * Python: `ready = sel.select(timeout)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_poller_wait(ns_poller *p, ns_poller_event *events,
                                size_t max, double timeout, size_t *count_out);

NS_END_DECL

/** @} */
#endif /* NETSOCK_POLLER_H */
