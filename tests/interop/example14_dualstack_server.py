# Example 14 in Python: one listening socket for IPv4 and IPv6 with
# create_server(), as the socket module's documentation shows it. It
# answers each client with the address it came from, then exits after the
# number of clients asked for. examples/14_dualstack_server.c translates
# it line by line.
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else '::'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8080
clients = int(sys.argv[3]) if len(sys.argv) > 3 else 2

if socket.has_dualstack_ipv6():
    s = socket.create_server((host, port), family=socket.AF_INET6,
                             dualstack_ipv6=True)
else:
    s = socket.create_server((host, port), family=socket.AF_INET6)
print('listening on [%s]:%d' % s.getsockname()[:2])
for _ in range(clients):
    conn, addr = s.accept()
    print('Connection from', addr[0])
    conn.sendall(b'Hello, ' + addr[0].encode())
    conn.close()
s.close()
