# Example 16's client in Python: three connections open at once to the
# selectors echo server. Each says hello and reads the echo; then they
# speak again in another order; then they close one after the other.
# Each step waits for its echo, so the server's log has one order.
# examples/16_echo_clients.c translates it line by line.
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 1234

socks = []
for i in range(3):
    s = socket.create_connection((host, port), timeout=5)
    socks.append(s)
    s.sendall(b'hello from client %d' % i)
    print('client %d got %r' % (i, s.recv(1000)))
for i in (2, 0, 1):
    socks[i].sendall(b'again from client %d' % i)
    print('client %d got %r' % (i, socks[i].recv(1000)))
for i, s in enumerate(socks):
    s.close()
    print('client %d closed' % i)
