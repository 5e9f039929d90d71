/* SPDX-License-Identifier: MIT */
/*
 * <DESC> UDP chat, server: one thread receives, another sends </DESC>
 *
 * Teaches a socket shared by two threads, one in recvfrom() and one in
 * sendto(), which is safe; and the state they share, which in C needs a
 * mutex (the client's address) and an atomic flag, where Python's global
 * interpreter lock hides the problem. "end" from the client ends the chat.
 * Translates udp_server.py of seed 002 (section 4.2); each Python line is
 * quoted above the C that does the same.
 *
 * Run:  06_udp_chat_server [HOST [PORT]]   (default: this machine's name,
 * socket.gethostname(), and 9999), then 06_udp_chat_client. Type a line to
 * send it to the last client that wrote; "end" ends the client's receiving
 * thread. The server ends once the client has sent "end" and you have
 * typed one more line or ended the input (Ctrl-D); or stop it with Ctrl-C.
 * If both sides say "end" at about the same time, one of them may wait
 * forever: see docs/tutorial.md, example 6.
 */
#include <pthread.h>
#include <stdatomic.h>
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

/* class Server: */
struct server {
  ns_socket *server;
  pthread_mutex_t lock; /* guards client_address */
  ns_addr client_address;
  atomic_bool flag;
};

/* def server_recvfrom(self): */
static void *server_recvfrom(void *arg)
{
  struct server *self = arg;
  /* while self.flag: */
  while (atomic_load(&self->flag)) {
    char data[1024];
    size_t n;
    ns_addr from;
    /* data, self.client_address = self.server.recvfrom(1024) */
    check(ns_recvfrom(self->server, data, sizeof data, 0, &n, &from));
    pthread_mutex_lock(&self->lock);
    self->client_address = from;
    pthread_mutex_unlock(&self->lock);
    /* if data.decode("utf-8") == "end"or not data:
           self.flag = False
       else:
           print(f"接收到客户端发送的消息:{data.decode('utf-8')}") */
    if ((n == 3 && memcmp(data, "end", 3) == 0) || n == 0)
      atomic_store(&self->flag, false);
    else
      printf("接收到客户端发送的消息:%.*s\n", (int)n, data);
  }
  return NULL;
}

/* def server_sendto(self): */
static void *server_sendto(void *arg)
{
  struct server *self = arg;
  /* while self.flag: */
  while (atomic_load(&self->flag)) {
    char replying[1024];
    size_t sent;
    ns_addr to;
    /* replying = input().encode("utf-8")
       (The end of input ends this thread.) */
    if (!fgets(replying, sizeof replying, stdin))
      break;
    replying[strcspn(replying, "\n")] = '\0';
    /* self.server.sendto(replying, self.client_address) */
    pthread_mutex_lock(&self->lock);
    to = self->client_address;
    pthread_mutex_unlock(&self->lock);
    if (to.len == 0) {
      /* Python fails here too (the address is still ""), and the thread
         dies; we say so and go on. */
      fprintf(stderr, "no client has written yet: nowhere to send\n");
      continue;
    }
    check(ns_sendto(self->server, replying, strlen(replying), 0, &to, &sent));
  }
  return NULL;
}

int main(int argc, char **argv)
{
  struct server server = {0};
  char name[256], text[NS_ADDR_STRLEN];
  const char *host;
  int port = argc > 2 ? atoi(argv[2]) : 9999;
  ns_addr addr;

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* def __init__(self):
       self.server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0) */
  check(ns_socket_create(&server.server, AF_INET, SOCK_DGRAM, 0));
  /* self.host = socket.gethostname() */
  if (argc > 1) {
    host = argv[1];
  } else {
    check(ns_gethostname(name, sizeof name));
    host = name;
  }
  /* self.server.bind((self.host, 9999)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_bind(server.server, &addr));
  check(ns_getsockname(server.server, &addr));
  check(ns_addr_format(&addr, text, sizeof text));
  printf("listening on %s\n", text);
  /* self.client_address = ""
     self.flag = True */
  pthread_mutex_init(&server.lock, NULL);
  atomic_init(&server.flag, true);

  /* server_revfrom = threading.Thread(target=server.server_recvfrom)
     server_revfrom.start()
     time.sleep(1)
     server_sendto = threading.Thread(target=server.server_sendto)
     server_sendto.start()
     The tutorial's sleep changes nothing that matters: leave it out. */
  pthread_t recv_thread, send_thread;
  if (pthread_create(&recv_thread, NULL, server_recvfrom, &server) != 0 ||
      pthread_create(&send_thread, NULL, server_sendto, &server) != 0) {
    fprintf(stderr, "RuntimeError: can't start new thread\n");
    return EXIT_FAILURE;
  }
  /* server_revfrom.join()
     server_sendto.join() */
  pthread_join(recv_thread, NULL);
  pthread_join(send_thread, NULL);

  check(ns_close(server.server));
  pthread_mutex_destroy(&server.lock);
  return EXIT_SUCCESS;
}
