/* SPDX-License-Identifier: MIT */
/*
 * <DESC> UDP chat, client: one thread receives, another sends </DESC>
 *
 * Teaches the same as the server (06_udp_chat_server.c): one socket, two
 * threads, shared state behind a mutex and an atomic flag; and that a UDP
 * client can bind() a port of its own, so the server can answer it there.
 * "end" from the server ends the chat.
 * Translates upd_client of seed 002 (section 4.2); each Python line is
 * quoted above the C that does the same.
 *
 * Run:  06_udp_chat_client [HOST [PORT [CLIENT_PORT]]]   (default: this
 * machine's name, socket.gethostname(), server port 9999, client port
 * 9998). Type a line to send it; "end" ends the server's receiving thread.
 * The client ends once the server has sent "end" and you have typed one
 * more line or ended the input (Ctrl-D); or stop it with Ctrl-C. If both
 * sides say "end" at about the same time, one of them may wait forever:
 * see docs/tutorial.md, example 6.
 */
#include <ctype.h>
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

/* Python's str.strip(): blanks off both ends, in place. */
static char *strip(char *s)
{
  size_t len = strlen(s);
  while (len > 0 && isspace((unsigned char)s[len - 1]))
    s[--len] = '\0';
  while (isspace((unsigned char)*s))
    s++;
  return s;
}

/* class Client: */
struct client {
  ns_socket *client;
  pthread_mutex_t lock; /* guards server_address */
  ns_addr server_address;
  atomic_bool flag;
};

/* def client_recvfrom(self): */
static void *client_recvfrom(void *arg)
{
  struct client *self = arg;
  /* while self.flag: */
  while (atomic_load(&self->flag)) {
    char data[1024];
    size_t n;
    ns_addr from;
    /* data, self.server_address = self.client.recvfrom(1024) */
    check(ns_recvfrom(self->client, data, sizeof data, 0, &n, &from));
    pthread_mutex_lock(&self->lock);
    self->server_address = from;
    pthread_mutex_unlock(&self->lock);
    /* if data.decode("utf-8") == "end"or not data:
           self.flag = False
       else:
           print(f"接收到服务端的回复:{data.decode('utf-8')}") */
    if ((n == 3 && memcmp(data, "end", 3) == 0) || n == 0)
      atomic_store(&self->flag, false);
    else
      printf("接收到服务端的回复:%.*s\n", (int)n, data);
  }
  return NULL;
}

/* def client_sendto(self): */
static void *client_sendto(void *arg)
{
  struct client *self = arg;
  /* while self.flag: */
  while (atomic_load(&self->flag)) {
    char line[1024];
    size_t sent;
    ns_addr to;
    /* replying = input().strip().encode("utf-8")
       (The end of input ends this thread.) */
    if (!fgets(line, sizeof line, stdin))
      break;
    char *replying = strip(line);
    /* self.client.sendto(replying, self.server_address) */
    pthread_mutex_lock(&self->lock);
    to = self->server_address;
    pthread_mutex_unlock(&self->lock);
    check(ns_sendto(self->client, replying, strlen(replying), 0, &to, &sent));
  }
  return NULL;
}

int main(int argc, char **argv)
{
  struct client client = {0};
  char name[256];
  const char *host;
  int server_port = argc > 2 ? atoi(argv[2]) : 9999;
  int client_port = argc > 3 ? atoi(argv[3]) : 9998;
  ns_addr addr;

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* def __init__(self):
       self.client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0) */
  check(ns_socket_create(&client.client, AF_INET, SOCK_DGRAM, 0));
  /* self.host = socket.gethostname() */
  if (argc > 1) {
    host = argv[1];
  } else {
    check(ns_gethostname(name, sizeof name));
    host = name;
  }
  /* self.client.bind((self.host, 9998)) */
  check(ns_addr_inet(&addr, host, client_port));
  check(ns_bind(client.client, &addr));
  /* self.server_address = (self.host, 9999)
     self.flag = True */
  check(ns_addr_inet(&client.server_address, host, server_port));
  pthread_mutex_init(&client.lock, NULL);
  atomic_init(&client.flag, true);

  /* client_revfrom = threading.Thread(target=client.client_recvfrom)
     client_revfrom.start()
     time.sleep(1)
     client_sendto = threading.Thread(target=client.client_sendto)
     client_sendto.start()
     The tutorial's sleep changes nothing that matters: leave it out. */
  pthread_t recv_thread, send_thread;
  if (pthread_create(&recv_thread, NULL, client_recvfrom, &client) != 0 ||
      pthread_create(&send_thread, NULL, client_sendto, &client) != 0) {
    fprintf(stderr, "RuntimeError: can't start new thread\n");
    return EXIT_FAILURE;
  }
  /* client_revfrom.join()
     client_sendto.join() */
  pthread_join(recv_thread, NULL);
  pthread_join(send_thread, NULL);

  check(ns_close(client.client));
  pthread_mutex_destroy(&client.lock);
  return EXIT_SUCCESS;
}
