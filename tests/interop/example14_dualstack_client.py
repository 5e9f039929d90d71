# Example 14's client in Python: the same server port over IPv4 and over
# IPv6, each with create_connection(); it prints what the server says.
# examples/14_dualstack_client.c translates it line by line.
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080

for host in ('127.0.0.1', '::1'):
    with socket.create_connection((host, port), timeout=5) as c:
        reply = b''
        while True:
            data = c.recv(1024)
            if not data:
                break
            reply += data
    print(host, '->', reply.decode())
