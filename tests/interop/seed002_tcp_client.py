# Seed 002 (4.1 TCP), tcp_client, for the interop tests. As written, plus:
# host and port from the command line (default socket.gethostname() 9999).
import socket
import sys
import time


client = socket.socket()
host = sys.argv[1] if len(sys.argv) > 1 else socket.gethostname()
port = int(sys.argv[2]) if len(sys.argv) > 2 else 9999
client.connect((host, port))


while True:
    data = input("客户端发送数据:").strip()
    # data = "a"
    print(client.send(data.encode("utf-8")))
    if data == "end":
        client.close()
        break
