# Example 16 in Python: the echo server of the selectors module's
# documentation (docs.python.org, "selectors" - "Examples"), with the host
# and port from the command line and a "listening on" line. One thread
# serves every client: the selector says which socket is ready, and the
# callback registered with it handles that one. It runs until stopped.
# examples/16_selectors_server.c translates it line by line.
import selectors
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 1234

sel = selectors.DefaultSelector()


def accept(sock, mask):
    conn, addr = sock.accept()  # Should be ready
    print('accepted', conn, 'from', addr)
    conn.setblocking(False)
    sel.register(conn, selectors.EVENT_READ, read)


def read(conn, mask):
    data = conn.recv(1000)  # Should be ready
    if data:
        print('echoing', repr(data), 'to', conn)
        conn.send(data)  # Hope it won't block
    else:
        print('closing', conn)
        sel.unregister(conn)
        conn.close()


sock = socket.socket()
sock.bind((host, port))
sock.listen(100)
sock.setblocking(False)
print('listening on %s:%d' % sock.getsockname())
sel.register(sock, selectors.EVENT_READ, accept)

while True:
    events = sel.select()
    for key, mask in events:
        callback = key.data
        callback(key.fileobj, mask)
