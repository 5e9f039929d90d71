# Seed 002 (4.1 TCP), tcp_server.py, for the interop tests. As written
# (with `whileTrue:` spelled `while True:`), plus: host and port from the
# command line (default socket.gethostname() 9999), and a "listening on"
# line so that port 0 can be used.
import socket
import sys
import threading


def sub_conn(conn):
    while True:
        result = conn.recv(5).decode("utf-8")
        if result == "end" or not result:
            break
        print(result)
    conn.close()


server = socket.socket()
host = sys.argv[1] if len(sys.argv) > 1 else socket.gethostname()
port = int(sys.argv[2]) if len(sys.argv) > 2 else 9999
server.bind((host, port))
server.listen(5)
print('listening on %s:%d' % server.getsockname())
while True:
    conn, addr = server.accept()
    threading.Thread(target=sub_conn, args=(conn,)).start()
